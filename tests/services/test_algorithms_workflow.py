"""The review of algorithm records: every step allowed and refused by role and status, the
public snapshot approval takes, retirement, notifications and the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from sharing.algorithms import services
from sharing.algorithms.models import AlgorithmComment, AlgorithmStatus
from sharing.algorithms.public import FIELD_NAMES
from sharing.algorithms.workflow import TRANSITIONS, transition_algorithm
from sharing.audit.models import AuditEvent
from sharing.core.clock import today
from sharing.errors import Conflict, Forbidden, ValidationFailed
from sharing.inbox.models import InboxItem
from tests.factories import add_category, make_category, make_user
from tests.web.tables.algorithms import algorithm_in, make_ready_algorithm

S = AlgorithmStatus
ALL_ROLES = ("admin", "procurement", "privacy", "vendor")

# (action, from status, to status, roles allowed)
ALLOWED = [
    ("submit", S.DRAFT, S.SUBMITTED, ("procurement", "admin")),
    ("submit", S.CHANGES_REQUESTED, S.SUBMITTED, ("procurement", "admin")),
    ("start_review", S.SUBMITTED, S.IN_REVIEW, ("privacy", "admin")),
    ("approve", S.IN_REVIEW, S.APPROVED, ("privacy", "admin")),
    ("request_changes", S.IN_REVIEW, S.CHANGES_REQUESTED, ("privacy", "admin")),
    ("retire", S.APPROVED, S.RETIRED, ("privacy", "admin")),
]


def _move(algorithm, role, action, **kwargs):
    return transition_algorithm(
        actor=make_user(role),
        algorithm=algorithm,
        action=action,
        comment="Name the groups tested." if action == "request_changes" else "",
        retired_on=today() if action == "retire" else None,
        expected_version=algorithm.version,
        **kwargs,
    )


def test_the_table_matches_the_documented_workflow():
    """One table defines every step; this pins it to docs/ALGORITHMS.md."""
    table = {
        (action, source, step.target, tuple(sorted(step.roles)))
        for action, step in TRANSITIONS.items()
        for source in step.sources
    }
    assert table == {(a, f, t, tuple(sorted(r))) for a, f, t, r in ALLOWED}


@pytest.mark.parametrize(
    ("action", "source", "target", "role"),
    [(a, f, t, role) for a, f, t, roles in ALLOWED for role in roles],
)
def test_allowed_step_moves_the_record_and_is_audited(db, action, source, target, role):
    """Each allowed step sets the new status and records the status before and after."""
    algorithm = algorithm_in(source)
    version = algorithm.version
    _move(algorithm, role, action)
    assert algorithm.status == target
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == f"algorithm.{action}")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.object_id == str(algorithm.id)
    assert event.changes["status"] == {"before": source.value, "after": target.value}
    assert event.changes["version"] == {"before": version, "after": version + 1}


@pytest.mark.parametrize(
    ("action", "source", "role"),
    [(a, f, role) for a, f, _t, roles in ALLOWED for role in ALL_ROLES if role not in roles],
)
def test_step_by_a_role_not_allowed_is_forbidden(db, action, source, role):
    """The wrong role is refused and the record stays where it was."""
    algorithm = algorithm_in(source)
    with pytest.raises(Forbidden):
        _move(algorithm, role, action)
    db.session.refresh(algorithm)
    assert algorithm.status == source


@pytest.mark.parametrize(
    ("action", "source"),
    [
        (action, status)
        for action, step in TRANSITIONS.items()
        for status in S
        if status not in step.sources
    ],
)
def test_step_from_a_status_it_does_not_start_from_is_refused(db, action, source):
    """A step from any other status is a conflict."""
    algorithm = algorithm_in(source)
    with pytest.raises(Conflict):
        _move(algorithm, "admin", action)


def test_submit_names_every_missing_required_field(db):
    """Submission lists each empty required field, so all can be fixed at once."""
    algorithm = make_ready_algorithm(summary="", contest_route="", risk_tier="", contact_email="")
    algorithm.flows.clear()
    db.session.commit()
    with pytest.raises(ValidationFailed) as error:
        _move(algorithm, "procurement", "submit")
    assert set(error.value.errors) == {
        "summary",
        "contest_route",
        "risk_tier",
        "contact_email",
        "flows",
    }


def test_request_changes_needs_a_comment_and_keeps_it_in_the_conversation(db):
    """The reviewer must say what to change; the comment joins the conversation."""
    algorithm = algorithm_in(S.IN_REVIEW)
    with pytest.raises(ValidationFailed):
        transition_algorithm(
            actor=make_user("privacy"),
            algorithm=algorithm,
            action="request_changes",
            comment="  ",
            expected_version=None,
        )
    _move(algorithm, "privacy", "request_changes")
    bodies = db.session.scalars(select(AlgorithmComment.body)).all()
    assert bodies == ["Name the groups tested."]


def test_approval_snapshot_holds_exactly_the_public_fields(db):
    """The snapshot has every declared public field and no internal value."""
    algorithm = algorithm_in(S.IN_REVIEW)
    _move(algorithm, "privacy", "approve")
    snapshot = algorithm.approved_snapshot
    # PostgreSQL stores the snapshot as JSONB, which keeps keys but not their order.
    assert sorted(snapshot) == sorted(FIELD_NAMES)
    text = repr(snapshot)
    assert algorithm.owner_name not in text
    assert algorithm.internal_notes not in text
    assert snapshot["approved_on"] == today().isoformat()
    assert snapshot["arrangements"] == services.linked_lineages(algorithm)


def test_approval_snapshot_reads_categories_from_the_linked_flows(db):
    """The data used is derived from the flows' categories at approval."""
    algorithm = algorithm_in(S.IN_REVIEW)
    from sharing.algorithms.queries import current_flows

    flow = current_flows(services.linked_lineages(algorithm))[0]
    add_category(flow, make_category(name="Street address"))
    _move(algorithm, "privacy", "approve")
    assert algorithm.approved_snapshot["categories"] == ["Street address"]


def test_retire_needs_a_date_and_retakes_the_snapshot_as_no_longer_in_use(db):
    """Retiring keeps the record public, marked as no longer in use from that date."""
    algorithm = algorithm_in(S.APPROVED)
    with pytest.raises(ValidationFailed) as error:
        transition_algorithm(
            actor=make_user("privacy"),
            algorithm=algorithm,
            action="retire",
            expected_version=None,
        )
    assert "retired_on" in error.value.errors
    day = today() - timedelta(days=2)
    transition_algorithm(
        actor=make_user("privacy"),
        algorithm=algorithm,
        action="retire",
        retired_on=day,
        expected_version=algorithm.version,
    )
    assert algorithm.retired_on == day
    assert algorithm.approved_snapshot["in_use"] == "no"
    assert algorithm.approved_snapshot["retired_on"] == day.isoformat()
    assert algorithm.is_public


def test_retire_in_the_future_is_refused(db):
    """The City cannot record that it stopped using a system tomorrow."""
    algorithm = algorithm_in(S.APPROVED)
    with pytest.raises(ValidationFailed):
        transition_algorithm(
            actor=make_user("privacy"),
            algorithm=algorithm,
            action="retire",
            retired_on=today() + timedelta(days=1),
            expected_version=None,
        )


def test_submission_notifies_the_privacy_office(db):
    """Privacy officers get an inbox item when a record is submitted."""
    officer = make_user("privacy")
    algorithm = make_ready_algorithm()
    _move(algorithm, "procurement", "submit")
    items = db.session.scalars(select(InboxItem).where(InboxItem.user_id == officer.id)).all()
    assert [item.kind for item in items] == ["algorithm.submit"]


def test_decision_notifies_the_creator(db):
    """The person who drafted the record hears of the request for changes."""
    creator = make_user("procurement")
    algorithm = make_ready_algorithm(creator)
    _move(algorithm, "procurement", "submit")
    _move(algorithm, "privacy", "start_review")
    _move(algorithm, "privacy", "request_changes")
    kinds = db.session.scalars(select(InboxItem.kind).where(InboxItem.user_id == creator.id)).all()
    assert "algorithm.request_changes" in kinds


def test_stale_version_is_refused(db):
    """A step taken on an old copy of the page changes nothing."""
    algorithm = algorithm_in(S.SUBMITTED)
    with pytest.raises(Conflict):
        transition_algorithm(
            actor=make_user("privacy"),
            algorithm=algorithm,
            action="start_review",
            expected_version=algorithm.version - 1,
        )
