"""Conflicts between covered flows and applicable obligations: each check fires when it should
and stays quiet otherwise; generation waits for each to be resolved or accepted with a reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from sharing.agreements import bulk, conflicts, drafting, generation, plans
from sharing.agreements.conflicts import find_conflicts
from sharing.agreements.models import AgreementStatus, TemplateKind
from sharing.audit.models import AuditEvent
from sharing.core.clock import today
from sharing.errors import Conflict as StaleConflict
from sharing.errors import ValidationFailed
from sharing.extensions import db
from sharing.obligations import services as policy
from sharing.obligations.models import Obligation
from tests.factories import add_category, make_category, make_template_version, make_user
from tests.web.tables.agreements import draft, draft_with_conflict, terms_of

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
REASON = "The reads are kept only as evidence for citations still open."


def _with_flow(agreement, **facts):
    """Change the covered flow's facts (and categories) and refresh the draft's obligations."""
    flow = agreement.flows[0]
    categories = facts.pop("categories", ())
    for name, value in facts.items():
        setattr(flow, name, value)
    for category in categories:
        add_category(flow, category)
    return drafting.update_draft(
        actor=make_user("privacy"),
        agreement=agreement,
        flows=[flow],
        template=agreement.template_version.template,
        terms=terms_of(agreement),
        expected_version=None,
    )


def _checks(agreement) -> list[str]:
    return [c.check for c in find_conflicts(agreement)]


def _accept(agreement, conflict, reason=REASON):
    return conflicts.accept_conflict(
        actor=make_user("privacy", email=f"officer{agreement.id}@example.org"),
        agreement=agreement,
        code=conflict.code,
        reason=reason,
        now=NOW,
        expected_version=agreement.version,
    )


def _generate(agreement):
    return generation.generate_agreement(
        actor=make_user("privacy"), agreement=agreement, today=today(), expected_version=None
    )


# -- surveillance retention (LPR-1) ------------------------------------------------------------


def test_plate_data_kept_longer_than_lpr1_allows_is_a_conflict_naming_both_values(db):
    """365 days of plate reads against LPR-1's 30: flow, obligation, values and a way out."""
    agreement = draft_with_conflict(retention_days=365)

    (conflict,) = find_conflicts(agreement)

    assert (conflict.check, conflict.obligation_code) == ("surveillance_retention", "LPR-1")
    assert (conflict.flow_value, conflict.policy_value) == ("365 days", "30 days")
    assert conflict.flow_name in conflict.message and "LPR-1" in conflict.message
    assert "parameters page" in conflict.resolution


def test_plate_data_without_any_retention_period_is_a_conflict(db):
    """No retention at all cannot meet a deletion limit."""
    agreement = draft_with_conflict(retention_days=None)

    (conflict,) = find_conflicts(agreement)
    assert conflict.flow_value == "no retention period"


def test_biometric_data_counts_like_plates(db):
    """A biometric category raises LPR-1 and is held to its limit too."""
    agreement = _with_flow(
        draft(), retention_days=90, categories=(make_category(name="Faces", is_biometric=True),)
    )

    assert _checks(agreement) == ["surveillance_retention"]


def test_plate_data_within_the_limit_raises_no_conflict(db):
    """Retention at or under the agreement's LPR-1 value is quiet, including a raised value."""
    within = draft_with_conflict(retention_days=30)
    assert find_conflicts(within) == []

    raised = draft_with_conflict(retention_days=200)
    drafting.set_parameters(
        actor=make_user("privacy"),
        agreement=raised,
        values={**raised.parameters, "surveillance_retention_days": "200"},
        expected_version=raised.version,
    )
    assert find_conflicts(raised) == []


def test_long_retention_without_plate_or_biometric_data_is_not_a_conflict(db):
    """A long retention, even longer than the term and renewal, is no conflict by itself."""
    agreement = _with_flow(draft(), retention_days=3650)

    assert find_conflicts(agreement) == []


# -- criminal-justice data in the US (CJI-*) -------------------------------------------------


def _policy_with_cji(agreement):
    """Publish a policy version with a CJI obligation (always applies) and move the draft to
    it, as the library's next version will."""
    officer = make_user("privacy")
    version = policy.create_draft(actor=officer, label="2026.9")
    template = next(o for o in version.obligations if o.code == "SEC-1")
    version.obligations.append(
        Obligation(
            code="CJI-1",
            sort_order=999,
            source_document=template.source_document,
            source_reference=template.source_reference,
            title="Criminal-justice information stays in the United States",
            summary="Criminal-justice data is stored and processed in the US only.",
            clause_template="The Recipient shall keep criminal-justice information in the US.",
            parameters=[],
            applicability={"rule": "always"},
            attestation_question="Did criminal-justice data stay in the US?",
        )
    )
    db.session.commit()
    policy.publish_policy(
        actor=officer, version=version, effective_date=_not_before_base(version), now=NOW
    )
    agreement.policy_version = version
    db.session.commit()
    return agreement


def test_criminal_justice_data_stored_abroad_conflicts_with_a_cji_obligation(db):
    """A CJI-* obligation and a criminal-justice category held in Ireland, by the flow and by
    a subprocessor in Spain: one conflict for each place."""
    agreement = _with_flow(
        draft(),
        storage_country="IE",
        subprocessors=[{"name": "Intérpretes Unidos", "service": "Calls", "country": "ES"}],
        categories=(make_category(name="Incident reports", is_criminal_justice=True),),
    )
    _policy_with_cji(agreement)

    found = [c for c in find_conflicts(agreement) if c.check == "criminal_justice_us_storage"]

    assert [c.flow_value for c in found] == [
        f"{agreement.flows[0].system_name} in IE",
        "subprocessor Intérpretes Unidos in ES",
    ]
    assert {c.obligation_code for c in found} == {"CJI-1"}


def test_criminal_justice_data_kept_in_the_us_or_other_data_abroad_is_quiet(db):
    """CJI applies, but only US storage for the criminal-justice flow: no CJI conflict; and
    without a CJI obligation, data abroad raises none either."""
    abroad_without_cji = _with_flow(
        draft(),
        storage_country="IE",
        categories=(make_category(name="Case notes", is_criminal_justice=True),),
    )
    in_us = _with_flow(
        draft(), categories=(make_category(name="Arrest records", is_criminal_justice=True),)
    )
    _policy_with_cji(in_us)

    assert "criminal_justice_us_storage" not in _checks(in_us)
    assert "criminal_justice_us_storage" not in _checks(abroad_without_cji)


def _not_before_base(version):
    """Today, or the day the version's base took effect if that is later: the suite runs on
    any day, and a version may not take effect before the one it replaces."""
    return max(today(), version.based_on.effective_date)


# -- storage abroad with no LOC-2 in the policy ------------------------------------------------


def test_storage_abroad_conflicts_when_the_policy_lacks_loc2(db):
    """A policy version without LOC-2 and a flow stored in Canada: a conflict against LOC-2."""
    agreement = _with_flow(draft(), storage_country="CA")
    assert "cross_border_safeguards" not in _checks(agreement)  # LOC-2 exists and applies

    officer = make_user("privacy")
    version = policy.create_draft(actor=officer, label="2026.8")
    version.obligations.remove(next(o for o in version.obligations if o.code == "LOC-2"))
    db.session.commit()
    policy.publish_policy(
        actor=officer, version=version, effective_date=_not_before_base(version), now=NOW
    )
    agreement.policy_version = version
    db.session.commit()

    (conflict,) = find_conflicts(agreement)
    assert conflict.check == "cross_border_safeguards"
    assert conflict.obligation_code == "LOC-2"
    assert "in CA" in conflict.flow_value and "2026.8" in conflict.policy_value


# -- automated decisions without human review (AUT-1) -----------------------------------------


def test_automated_decisions_without_described_human_review_conflict_with_aut1(db):
    """AUT-1 applies and the flow says nothing about human review: a conflict."""
    agreement = _with_flow(draft(), automated_decisions=True, human_oversight="  ")

    (conflict,) = find_conflicts(agreement)
    assert (conflict.check, conflict.obligation_code) == ("automated_decision_oversight", "AUT-1")


def test_automated_decisions_with_human_review_described_are_quiet(db):
    agreement = _with_flow(
        draft(),
        automated_decisions=True,
        human_oversight="A caseworker reviews every flagged account before any action.",
    )

    assert find_conflicts(agreement) == []


# -- generation, acceptance, audit ------------------------------------------------------------


def test_generation_refuses_while_a_conflict_is_unresolved_and_writes_nothing(db):
    """The refusal names the flow and obligation under "conflicts"; nothing is generated."""
    agreement = draft_with_conflict()

    with pytest.raises(ValidationFailed) as caught:
        _generate(agreement)

    assert set(caught.value.errors) == {"conflicts"}
    assert "against LPR-1" in caught.value.errors["conflicts"]
    db.session.rollback()
    assert agreement.status == AgreementStatus.DRAFT and agreement.generated_file is None


def test_an_accepted_conflict_lets_generation_proceed_and_is_audited(db):
    """The acceptance is kept on the agreement with its reason, author and time, recorded in an
    audit event with before and after, and generation then succeeds."""
    agreement = draft_with_conflict()
    (conflict,) = find_conflicts(agreement)

    _accept(agreement, conflict)

    decision = agreement.conflict_overrides[conflict.code]
    assert decision["reason"] == REASON
    assert decision["by"] == f"officer{agreement.id}@example.org"
    assert decision["at"] == NOW.isoformat()
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "agreement.conflict_accepted")
    ).one()
    assert event.changes["conflict_overrides"]["before"] == {}
    assert event.changes["conflict_overrides"]["after"][conflict.code]["reason"] == REASON
    assert conflicts.unresolved(agreement, find_conflicts(agreement)) == []
    assert _generate(agreement).status == AgreementStatus.GENERATED


def test_a_changed_value_brings_an_accepted_conflict_back(db):
    """Accepted at 365 days; the flow then keeps data 400 days: a new conflict, unresolved."""
    agreement = draft_with_conflict(retention_days=365)
    (accepted,) = find_conflicts(agreement)
    _accept(agreement, accepted)

    _with_flow(agreement, retention_days=400)

    (again,) = conflicts.unresolved(agreement, find_conflicts(agreement))
    assert again.code != accepted.code and again.flow_value == "400 days"
    with pytest.raises(ValidationFailed):
        _generate(agreement)


@pytest.mark.parametrize("reason", ["", "ok", "fine by me", "             padded          "])
def test_accepting_needs_a_reason_of_at_least_a_sentence(db, reason):
    """A blank, one-word or three-word reason is refused on the reason field; nothing changes."""
    agreement = draft_with_conflict()
    (conflict,) = find_conflicts(agreement)

    with pytest.raises(ValidationFailed) as caught:
        _accept(agreement, conflict, reason=reason)

    assert "sentence" in caught.value.errors["reason"]
    db.session.rollback()
    assert agreement.conflict_overrides == {}


def test_accepting_a_conflict_that_is_no_longer_raised_is_refused(db):
    """A stale code (the value changed since the page was read) cannot be accepted."""
    agreement = draft_with_conflict(retention_days=365)
    (conflict,) = find_conflicts(agreement)
    _with_flow(agreement, retention_days=20)

    with pytest.raises(StaleConflict):
        _accept(agreement, conflict)


def test_a_renewal_amendment_keeps_the_originals_accepted_conflicts(db):
    """The amendment continues the original's terms: the same conflict, accepted there, does
    not stop the renewal."""
    original = draft_with_conflict()
    (conflict,) = find_conflicts(original)
    _accept(original, conflict)
    _generate(original)
    original.status = AgreementStatus.ACTIVE
    original.expiry_date = today() + timedelta(days=20)
    db.session.commit()
    template = make_template_version(TemplateKind.RENEWAL_AMENDMENT).template

    amendment = bulk.renew_one(
        actor=make_user("privacy"), original=original, template_id=template.id, today=today()
    )

    assert amendment.status == AgreementStatus.GENERATED
    assert conflict.code in amendment.conflict_overrides


def test_conflicts_sit_beside_the_clause_they_concern(db):
    """A conflict's obligation is one of the plan's clauses, so the preview can place it."""
    agreement = draft_with_conflict()

    plan = plans.plan_agreement(agreement)
    (conflict,) = find_conflicts(agreement, plan=plan)
    assert conflict.obligation_code in plan.codes
