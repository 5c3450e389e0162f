"""Issuing disposition directives: when an agreement ends or a covered flow is retired, what
each element says (records law, NIST SP 800-88 methods, subprocessors), the deadline, and the
office's changes within the rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from sharing.agreements import lifecycle
from sharing.agreements.models import AgreementStatus
from sharing.agreements.rendering import docx_text
from sharing.agreements.roll import roll_agreements
from sharing.audit.models import AuditEvent
from sharing.core.clock import today
from sharing.disposition import directives, generation, instructions
from sharing.disposition.models import (
    DirectiveStatus,
    DispositionAction,
    DispositionDirective,
    DispositionTrigger,
)
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from sharing.flows.models import Direction, Sensitivity, TransferMethod
from sharing.flows.workflow import transition_flow
from sharing.inbox.models import InboxItem
from tests.factories import make_user
from tests.fixtures.terms import active_agreement
from tests.web.tables.disposition import (
    agreement_with_data,
    directive_of,
    issued_directive,
    terminate,
    vendor_signer,
)

pytestmark = pytest.mark.usefixtures("app")


def test_terminating_an_agreement_in_force_issues_one_directive_with_an_element_per_category():
    """Four categories of one flow, in name order, each naming the flow's two subprocessors
    (a blank subprocessor row is left out)."""
    directive = issued_directive()

    assert directive.number == f"DD-{today().year}-0001"
    assert directive.trigger == DispositionTrigger.AGREEMENT_ENDED
    assert directive.status == DirectiveStatus.ISSUED
    names = [e.category_name.split(" ")[0] for e in directive.elements]
    assert names == ["Allergies", "Case", "Category", "Zip"]
    assert [e.position for e in directive.elements] == [1, 2, 3, 4]
    assert all(e.subprocessors == ["Cloud Host LLC", "Mail House"] for e in directive.elements)


def test_the_deadline_is_the_end_date_plus_the_agreements_return_days():
    """RET-2's termination_return_days, counted from the termination date."""
    agreement = agreement_with_data()
    agreement.parameters = {**agreement.parameters, "termination_return_days": 45}
    db.session.commit()

    directive = terminate(agreement)

    assert directive.ended_on == today() - timedelta(days=2)
    assert directive.due_on == directive.ended_on + timedelta(days=45)


def test_without_the_parameter_the_deadline_is_thirty_days():
    assert instructions.return_days({}) == 30
    assert instructions.return_days({"termination_return_days": "x"}) == 30


def test_outbound_data_are_city_records_and_are_returned_through_the_flows_channel():
    """Records law: what the City sent is returned, by the flow's transfer method."""
    directive = issued_directive(direction=Direction.OUTBOUND, transfer_method=TransferMethod.SFTP)

    assert all(e.city_records for e in directive.elements)
    assert {e.action for e in directive.elements} == {DispositionAction.RETURN}
    assert all("SFTP" in e.method for e in directive.elements)


def test_records_rule_covers_what_the_vendor_collected_for_the_city():
    assert instructions.are_city_records(direction="inbound", transfer_method="vendor_collects")
    assert instructions.are_city_records(direction="both", transfer_method="api")
    assert not instructions.are_city_records(direction="inbound", transfer_method="api")


def test_data_that_are_not_city_records_are_destroyed_by_the_method_their_sensitivity_needs():
    """NIST SP 800-88: Clear for internal data, Destroy for restricted and health data."""
    directive = issued_directive(direction=Direction.INBOUND)
    by_name = {e.category_name.split(" ")[0]: e for e in directive.elements}

    assert {e.action for e in directive.elements} == {DispositionAction.DESTROY}
    assert by_name["Zip"].method.startswith("NIST SP 800-88 Clear")
    assert by_name["Case"].method.startswith("NIST SP 800-88 Destroy")
    assert by_name["Allergies"].method.startswith("NIST SP 800-88 Destroy")


def test_confidential_data_are_purged():
    class Category:
        sensitivity = Sensitivity.CONFIDENTIAL

    assert instructions.destruction_method(Category()).startswith("NIST SP 800-88 Purge")


def test_de_identifying_health_data_follows_the_hipaa_standard():
    class Health:
        is_health = True

    class Other:
        is_health = False

    assert "164.514(b)" in instructions.deidentification_method(Health())
    assert "800-188" in instructions.deidentification_method(Other())


def test_ending_twice_issues_once():
    """Idempotent by key: the roll's expiry after a termination issues nothing new."""
    directive = issued_directive()

    again = directives.issue_for_agreement(agreement=directive.agreement, today=today())

    assert again is None
    assert db.session.scalar(select(func.count(DispositionDirective.id))) == 1


def test_an_agreement_that_never_took_effect_issues_nothing():
    agreement = active_agreement()
    agreement.status = AgreementStatus.GENERATED
    agreement.effective_date = today() + timedelta(days=30)
    db.session.commit()

    assert terminate(agreement) is None


def test_the_daily_roll_issues_a_directive_for_each_agreement_it_expires():
    agreement = agreement_with_data()
    agreement.expiry_date = today() - timedelta(days=1)
    agreement.status = AgreementStatus.EXPIRING
    db.session.commit()

    roll_agreements(today=today())

    directive = directive_of(agreement)
    assert agreement.status == AgreementStatus.EXPIRED
    assert directive is not None and directive.ended_on == agreement.expiry_date


def test_retiring_a_covered_flow_issues_a_directive_for_that_flow_only():
    agreement = agreement_with_data()
    flow = agreement.flows[0]

    transition_flow(actor=make_user("privacy"), flow=flow, action="retire", expected_version=None)

    directive = db.session.scalar(
        select(DispositionDirective).where(
            DispositionDirective.key == f"agreement:{agreement.id}:flow:{flow.lineage_id}"
        )
    )
    assert directive is not None
    assert directive.trigger == DispositionTrigger.FLOW_RETIRED and directive.flow_id == flow.id
    assert len(directive.elements) == 4
    # The agreement's own ending later leaves the retired flow out: nothing is left to direct.
    assert terminate(agreement) is None


def test_issuing_is_audited_and_tells_the_vendor_and_the_office():
    agreement = agreement_with_data()
    organisation_user = vendor_signer(agreement.organisation_id)
    officer = make_user("privacy")

    directive = terminate(agreement)

    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "disposition_directive.issued")
    )
    assert event.object_id == str(directive.id)
    assert len(event.changes["elements"]["after"]) == 4
    people = set(
        db.session.scalars(
            select(InboxItem.user_id).where(InboxItem.object_type == "disposition_directive")
        )
    )
    assert {organisation_user.id, officer.id} <= people


def test_the_document_names_the_agreement_the_deadline_and_every_element():
    directive = issued_directive()

    text = docx_text(generation.files.read(directive.generated_file))

    assert directive.number in text and directive.agreement.number in text
    assert generation.long_date(directive.due_on) in text
    for element in directive.elements:
        assert element.category_name in text


def test_city_records_cannot_be_destroyed_without_the_citys_written_authorization():
    directive = issued_directive()
    element = directive.elements[0]
    officer = make_user("privacy")

    with pytest.raises(ValidationFailed) as refused:
        directives.change_element(
            actor=officer,
            directive=directive,
            element_id=element.id,
            action="destroy",
            method="",
            today=today(),
            expected_version=directive.version,
        )
    assert "written authorization" in refused.value.errors["action"]

    directives.record_authorization(
        actor=officer,
        directive=directive,
        reference="Records officer's approval RM-14",
        dated=today(),
        today=today(),
        expected_version=directive.version,
    )
    before = directive.generated_sha256
    directives.change_element(
        actor=officer,
        directive=directive,
        element_id=element.id,
        action="destroy",
        method="",
        today=today(),
        expected_version=directive.version,
    )

    assert element.action == DispositionAction.DESTROY
    assert element.method.startswith("NIST SP 800-88")
    assert directive.generated_sha256 != before  # the document was regenerated
    assert "RM-14" in docx_text(generation.files.read(directive.generated_file))


def test_a_stale_form_cannot_change_the_directive():
    directive = issued_directive(direction=Direction.INBOUND)
    stale = directive.version - 1 if directive.version > 1 else directive.version + 1

    with pytest.raises(Conflict):
        directives.change_element(
            actor=make_user("privacy"),
            directive=directive,
            element_id=directive.elements[0].id,
            action="deidentify",
            method="",
            today=today(),
            expected_version=stale,
        )


def test_the_authorization_needs_a_reference_and_a_date_not_in_the_future():
    directive = issued_directive()

    with pytest.raises(ValidationFailed) as refused:
        directives.record_authorization(
            actor=make_user("privacy"),
            directive=directive,
            reference=" ",
            dated=today() + timedelta(days=1),
            today=today(),
            expected_version=None,
        )
    assert set(refused.value.errors) == {"reference", "dated"}


def test_terminating_lists_the_directive_in_the_agreements_audit_event():
    agreement = agreement_with_data()
    lifecycle.transition_agreement(
        actor=make_user("privacy"),
        agreement=agreement,
        action="terminate",
        today=today(),
        expected_version=None,
        reason="Ended",
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "agreement.terminated"))
    assert event.changes["disposition_directive"]["after"].startswith("DD-")
