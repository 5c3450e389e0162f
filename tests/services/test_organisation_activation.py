"""A prospective organisation becomes active when its first agreement does, audited with it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from sharing.agreements import lifecycle, roll
from sharing.agreements.models import AgreementStatus
from sharing.audit.models import AuditEvent
from sharing.extensions import db
from sharing.vendors.models import OrganisationStatus
from tests.factories import make_organisation, make_user
from tests.web.tables.agreement_lifecycle import make_agreement

TODAY = date(2026, 11, 21)


def _activation_events(organisation) -> list[AuditEvent]:
    query = select(AuditEvent).where(
        AuditEvent.action == "organisation.activated",
        AuditEvent.object_id == str(organisation.id),
    )
    return list(db.session.scalars(query))


def _activate_by_hand(agreement) -> None:
    lifecycle.transition_agreement(
        actor=make_user("admin"),
        agreement=agreement,
        action="activate",
        today=TODAY,
        expected_version=agreement.version,
    )


def test_activating_the_first_agreement_makes_a_prospective_organisation_active(db):
    organisation = make_organisation(status=OrganisationStatus.PROSPECTIVE)
    agreement = make_agreement(AgreementStatus.EXECUTED, organisation_id=organisation.id)
    _activate_by_hand(agreement)
    db.session.expire_all()
    assert organisation.status == OrganisationStatus.ACTIVE
    [event] = _activation_events(organisation)
    assert event.changes["status"] == {"before": "prospective", "after": "active"}
    assert event.organisation_id == organisation.id


def test_the_daily_roll_activating_an_agreement_also_activates_its_organisation(db):
    organisation = make_organisation(status=OrganisationStatus.PROSPECTIVE)
    make_agreement(AgreementStatus.EXECUTED, organisation_id=organisation.id)
    roll.roll_agreements(today=TODAY)
    db.session.expire_all()
    assert organisation.status == OrganisationStatus.ACTIVE
    assert len(_activation_events(organisation)) == 1


@pytest.mark.parametrize(
    "status",
    [OrganisationStatus.ACTIVE, OrganisationStatus.SUSPENDED, OrganisationStatus.OFFBOARDED],
)
def test_an_organisation_that_is_not_prospective_keeps_its_status(db, status):
    organisation = make_organisation(status=status)
    agreement = make_agreement(AgreementStatus.EXECUTED, organisation_id=organisation.id)
    _activate_by_hand(agreement)
    db.session.expire_all()
    assert agreement.status == AgreementStatus.ACTIVE
    assert organisation.status == status
    assert _activation_events(organisation) == []
