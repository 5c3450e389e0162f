"""A newer policy version and the agreements drafted under an older one: which statuses it
concerns and the step each needs, the notice an agreement's page reads, and the move of a draft
onto the latest version when it is regenerated (signed agreements never move)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from sharing.agreements import drafting, generation
from sharing.agreements.drafting import Terms
from sharing.agreements.models import AgreementStatus, TemplateKind
from sharing.agreements.policy_impact import (
    AFFECTED,
    by_status,
    impact_of,
    move_to_latest_policy,
    newer_policy_for,
)
from sharing.agreements.terms import fitted
from sharing.audit.models import AuditEvent
from sharing.errors import Conflict
from sharing.extensions import db
from tests.factories import (
    make_approved_flow,
    make_category,
    make_department,
    make_policy,
    make_ready_organisation,
    make_template_version,
    make_user,
)
from tests.fixtures.policies import publish_newer

S = AgreementStatus
TODAY = date(2026, 11, 21)
AGREED = {"breach_notice_hours": 30, "retention_days": 1000, "training_interval_months": 18}


@pytest.fixture
def actor(db):
    make_policy()
    make_template_version(TemplateKind.VENDOR_DPA)
    return make_user("privacy")


def _draft(actor, **parameters):
    organisation = make_ready_organisation()
    department = make_department()
    flow = make_approved_flow(
        organisation, (make_category(),), system_name="Permit portal", department_id=department.id
    )
    agreement = drafting.draft_agreement(
        actor=actor,
        organisation=organisation,
        flows=[flow],
        template=make_template_version(TemplateKind.VENDOR_DPA).template,
        terms=Terms(
            title="Data protection agreement",
            effective_date=date(2027, 1, 1),
            department_id=department.id,
        ),
        today=TODAY,
    )
    if parameters:
        drafting.set_parameters(
            actor=actor,
            agreement=agreement,
            values={**agreement.parameters, **parameters},
            expected_version=None,
        )
    return agreement


def _generate(actor, agreement):
    return generation.generate_agreement(
        actor=actor, agreement=agreement, today=TODAY, expected_version=None
    )


def test_every_agreement_not_yet_ended_is_concerned():
    """Drafts, generated, sent, executed, active and expiring; never expired, renewed or
    terminated."""
    open_statuses = (S.DRAFT, S.GENERATED, S.SENT_FOR_SIGNATURE, S.EXECUTED, S.ACTIVE, S.EXPIRING)
    assert open_statuses == AFFECTED


def test_impact_groups_agreements_by_status_with_the_step_each_needs(actor):
    """Each status not yet ended is listed under its own group with its action; ended ones
    are not listed at all."""
    made = {status: _draft(actor) for status in (*AFFECTED, S.EXPIRED, S.TERMINATED, S.RENEWED)}
    for status, agreement in made.items():
        agreement.status = status
    db.session.commit()
    version = publish_newer()

    groups = by_status(impact_of(version))

    assert [g.status for g in groups] == list(AFFECTED)
    listed = {g.status: [i.agreement.id for i in g.impacts] for g in groups}
    assert listed == {status: [made[status].id] for status in AFFECTED}
    actions = {g.status: g.impacts[0].action.text for g in groups}
    assert actions[S.DRAFT] == actions[S.GENERATED] == "Regenerate on policy 2026.2"
    assert actions[S.SENT_FOR_SIGNATURE] == "Withdraw and regenerate, or let it be signed and amend"
    assert {actions[s] for s in S.RENEWABLE} == {"Prepare a renewal amendment"}


def test_the_notice_counts_the_same_changes_as_the_impact_page(actor):
    """newer_policy_for names the newer version, its date and the agreement's changes, the
    same ones the impact page lists for it."""
    agreement = _draft(actor, breach_notice_hours=30)
    assert newer_policy_for(agreement) is None  # nothing newer yet
    version = publish_newer()

    notice = newer_policy_for(agreement)

    assert notice is not None and notice.version.id == version.id
    assert (notice.drafted_under.label, notice.effective) == ("2026.1", "December 1, 2026")
    assert {c.code: c.kind for c in notice.changes} == {"BRN-1": "changed", "PER-1": "removed"}
    (impact,) = impact_of(version)
    assert impact.changes == notice.changes


def test_ended_agreements_get_no_notice(actor):
    """A terminated or expired agreement is not asked to follow a newer policy."""
    agreement = _draft(actor)
    publish_newer()
    for status in (S.TERMINATED, S.EXPIRED):
        agreement.status = status
        assert newer_policy_for(agreement) is None


def test_regenerating_a_draft_moves_it_to_the_latest_policy(actor):
    """The draft takes 2026.2: values that fit the new bounds stay, the others take the new
    default, parameters of removed obligations go; the generation event shows before and after."""
    agreement = _generate(actor, _draft(actor, **AGREED))
    old_policy = agreement.policy_version
    assert agreement.parameters["training_interval_months"] == 18
    agreement.parameters = {**agreement.parameters, "cure_days": 20}  # a frame term
    version = publish_newer()

    _generate(actor, agreement)

    assert agreement.policy_version_id == version.id
    assert agreement.parameters["retention_days"] == 1000  # still within 30-3650
    assert agreement.parameters["breach_notice_hours"] == 72  # 30 is below the new minimum 48
    assert "training_interval_months" not in agreement.parameters
    assert agreement.parameters["cure_days"] == 20  # the agreement's own terms stay
    assert "PER-1" not in agreement.obligation_codes and "BRN-1" in agreement.obligation_codes
    assert newer_policy_for(agreement) is None
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "agreement.generated")
        .order_by(AuditEvent.id.desc())
    ).first()
    changes = event.changes
    assert changes["policy_version_id"] == {"before": old_policy.id, "after": version.id}
    assert changes["parameters"]["before"]["breach_notice_hours"] == 30
    assert changes["parameters"]["after"]["breach_notice_hours"] == 72
    assert "PER-1" in changes["obligation_codes"]["before"]
    assert "PER-1" not in changes["obligation_codes"]["after"]
    assert "under policy 2026.2" in event.summary


def test_signed_agreements_never_move_to_a_newer_policy(actor):
    """Executed and active agreements keep their version and parameters; they need an
    amendment, and generation refuses them."""
    agreement = _generate(actor, _draft(actor, breach_notice_hours=30))
    old_policy_id = agreement.policy_version_id
    publish_newer()
    for status in (S.SENT_FOR_SIGNATURE, S.EXECUTED, S.ACTIVE):
        agreement.status = status
        assert move_to_latest_policy(agreement) is None
        assert agreement.policy_version_id == old_policy_id
        assert agreement.parameters["breach_notice_hours"] == 30
    with pytest.raises(Conflict):
        _generate(actor, agreement)


def test_fitted_keeps_values_within_bounds_and_drops_undeclared_ones():
    """An agreed value stays while it fits; out of bounds, not a number or unset takes the
    default; a name no obligation declares is dropped."""
    specs = {
        "hours": {"name": "hours", "default": 72, "min": 48, "max": 168},
        "days": {"name": "days", "default": 30, "min": 1, "max": 90},
        "months": {"name": "months", "default": 12, "min": 3, "max": 24},
    }
    agreed = {"hours": 100, "days": 500, "months": "soon", "gone": 7}
    assert fitted(specs, agreed) == {"hours": 100, "days": 30, "months": 12}
    assert fitted(specs, {}) == {"hours": 72, "days": 30, "months": 12}
