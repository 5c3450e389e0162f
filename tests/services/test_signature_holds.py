"""A vendor's returned copy holds the agreement's signature back: it cannot go out for
signature again, nor be countersigned, until every change is decided and the agreement is
regenerated with the decisions."""

from __future__ import annotations

import pytest

from sharing.agreements.models import AgreementStatus
from sharing.core.clock import now, today
from sharing.errors import Conflict
from sharing.extensions import db
from sharing.negotiation import decisions, upload
from sharing.negotiation.models import Decision
from sharing.signing import countersigning, events, services
from tests.factories import make_user
from tests.web.tables.negotiation import breach_notice, generated_agreement, returned
from tests.web.tables.signing import one_page_pdf, vendor_signer


def _returned_by_vendor():
    """Out for signature, then returned by a vendor user with a weakened breach notice."""
    agreement = generated_agreement()
    vendor = make_user("vendor", organisation_id=agreement.organisation_id)
    copy = upload.receive_returned_copy(
        actor=vendor,
        agreement=agreement,
        data=returned(agreement, breach_notice(168)),
        original_name="Returned.docx",
        now=now(),
    )
    return agreement, copy


def _send(agreement):
    return services.send_for_signature(
        actor=make_user("privacy"),
        agreement=agreement,
        pdf=one_page_pdf(),
        signer=vendor_signer(agreement),
        now=now(),
        today=today(),
        expected_version=agreement.version,
    )


def test_undecided_changes_hold_back_sending_and_say_how_many(app):
    agreement, copy = _returned_by_vendor()
    assert agreement.status == AgreementStatus.GENERATED
    held = events.holds(agreement)
    assert held and "still wait for a decision" in held[0]
    with pytest.raises(Conflict, match="still wait for a decision"):
        _send(agreement)
    assert agreement.status == AgreementStatus.GENERATED


def test_decided_changes_hold_back_sending_until_the_agreement_is_regenerated(app):
    agreement, copy = _returned_by_vendor()
    office = make_user("privacy")
    for deviation in copy.deviations:
        decisions.decide_deviation(
            actor=office,
            deviation=deviation,
            decision=Decision.REJECTED,
            note="The City's limit is 72 hours.",
            now=now(),
        )
    assert "regenerate the agreement" in " ".join(events.holds(agreement))
    with pytest.raises(Conflict, match="regenerate the agreement"):
        _send(agreement)

    decisions.regenerate_with_decisions(actor=office, copy=copy, today=today(), now=now())
    assert events.holds(agreement) == []
    signature = _send(agreement)
    assert signature.status.value == "pending"
    assert (
        db.session.get(type(agreement), agreement.id).status == AgreementStatus.SENT_FOR_SIGNATURE
    )


def test_the_countersignature_lists_the_undecided_changes_among_its_blockers(app):
    """The City's signer sees, beside any other blocker, that changes wait for a decision."""
    agreement, _copy = _returned_by_vendor()
    blockers = countersigning.blockers(agreement)
    assert any("still wait for a decision" in reason for reason in blockers), blockers
