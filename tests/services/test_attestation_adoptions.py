"""Attestations of a base agreement cover its adoptions' flows: an adoption gets no request
of its own (neither scheduled nor by hand), the base's request lists the adopted flows with
their department, and an adoption's page points to the base's latest attestation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from sharing.agreements.models import AgreementStatus
from sharing.attestations.covered import attested_flows, attested_under
from sharing.attestations.models import AttestationRequest
from sharing.attestations.queries import requestable_agreements
from sharing.attestations.services import request_attestation, schedule_attestations
from sharing.core.clock import today
from sharing.errors import ValidationFailed
from tests.factories import make_approved_flow, make_category, make_department, make_user
from tests.fixtures.terms import adoption_of
from tests.web.tables.attestations import make_agreement_in_force, make_request

S = AgreementStatus


def _adopted(base, name="Park permits", status=S.ACTIVE, department_name=None):
    department = make_department(**({"name": department_name} if department_name else {}))
    flow = make_approved_flow(
        base.organisation, (make_category(),), department_id=department.id, system_name=name
    )
    return adoption_of(base, [flow], department, status=status)


def test_the_schedule_requests_the_base_and_not_its_adoption(db):
    base = make_agreement_in_force(effective_date=date(2026, 1, 1))
    adoption = _adopted(base)
    adoption.effective_date = date(2026, 1, 1)
    db.session.commit()
    created = schedule_attestations(today=date(2026, 12, 10))
    assert [r.agreement_id for r in created] == [base.id]
    assert adoption.id not in set(db.session.scalars(select(AttestationRequest.agreement_id)))


def test_a_request_by_hand_for_an_adoption_is_refused_naming_the_base(db):
    base = make_agreement_in_force()
    adoption = _adopted(base)
    with pytest.raises(ValidationFailed) as refused:
        request_attestation(
            actor=make_user("privacy"),
            agreement=adoption,
            due_date=today() + timedelta(days=30),
            today=today(),
        )
    assert base.number in refused.value.errors["agreement_id"]
    assert adoption.id not in {agreement_id for agreement_id, _ in requestable_agreements()}
    assert base.id in {agreement_id for agreement_id, _ in requestable_agreements()}


def test_the_flows_attested_include_adopted_flows_with_their_department(db):
    base = make_agreement_in_force()
    adoption = _adopted(base, "Park permits", department_name="Parks")
    _adopted(base, "Old permits", status=S.TERMINATED)
    covered = attested_flows(base)
    own = [f for f in covered if f.adoption_number is None]
    adopted = [f for f in covered if f.adoption_number]
    assert {f.flow_id for f in own} == {f.id for f in base.flows}
    assert [(f.system_name, f.department, f.adoption_number) for f in adopted] == [
        ("Park permits", "Parks", adoption.number)
    ]


def test_an_adoption_is_attested_under_the_base_latest_request(db):
    request = make_request()
    base = request.agreement
    later = AttestationRequest(
        agreement=base,
        organisation_id=base.organisation_id,
        due_date=request.due_date + timedelta(days=365),
        period_start=request.due_date,
        period_end=request.due_date + timedelta(days=364),
        questionnaire=request.questionnaire,
    )
    db.session.add(later)
    db.session.commit()
    adoption = _adopted(base)
    assert attested_under(adoption) == (base, later)
    assert attested_under(base) is None
