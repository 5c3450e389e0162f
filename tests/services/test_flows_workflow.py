"""The review workflow: every transition allowed and refused, its audit event, and its mail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sharing.audit.models import AuditEvent
from sharing.errors import Conflict, Forbidden, ValidationFailed
from sharing.flows import workflow
from sharing.flows.models import FlowComment, FlowStatus
from sharing.flows.workflow import TRANSITIONS, transition_flow
from sharing.mail.models import Notification
from tests.factories import make_category, make_user
from tests.web.tables.flows import flow_in, make_ready_flow

S = FlowStatus
ALL_ROLES = ("admin", "procurement", "privacy", "vendor")

# (action, from status, to status, roles allowed)
ALLOWED = [
    ("submit", S.DRAFT, S.SUBMITTED, ("procurement", "admin")),
    ("submit", S.CHANGES_REQUESTED, S.SUBMITTED, ("procurement", "admin")),
    ("start_review", S.SUBMITTED, S.IN_REVIEW, ("privacy", "admin")),
    ("approve", S.IN_REVIEW, S.APPROVED, ("privacy", "admin")),
    ("request_changes", S.IN_REVIEW, S.CHANGES_REQUESTED, ("privacy", "admin")),
    ("retire", S.APPROVED, S.RETIRED, ("procurement", "privacy", "admin")),
]
COMMENT = "Please remove the date of birth."


def _move(flow, role, action):
    return transition_flow(
        actor=make_user(role),
        flow=flow,
        action=action,
        comment=COMMENT if action == "request_changes" else "",
        expected_version=flow.version,
    )


def test_the_table_matches_the_documented_workflow():
    """One table defines every step; this test pins it to the documented workflow."""
    table = {
        (action, source, step.target, tuple(sorted(step.roles)))
        for action, step in TRANSITIONS.items()
        for source in step.sources
    }
    expected = {(a, f, t, tuple(sorted(r))) for a, f, t, r in ALLOWED}
    assert table == expected


@pytest.mark.parametrize(
    ("action", "source", "target", "role"),
    [(a, f, t, role) for a, f, t, roles in ALLOWED for role in roles],
)
def test_allowed_transition_moves_the_flow_and_is_audited(db, action, source, target, role):
    flow = flow_in(source)
    version = flow.version
    _move(flow, role, action)
    db.session.expire_all()
    assert flow.status == target
    event = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == f"flow.{action}")
        .order_by(AuditEvent.id.desc())
    )
    assert event.object_id == str(flow.id) and event.actor_role == role
    assert event.changes["status"] == {"before": source.value, "after": target.value}
    assert event.changes["version"]["before"] == version


@pytest.mark.parametrize(
    ("action", "source", "role"),
    [(a, f, role) for a, f, _, roles in ALLOWED for role in ALL_ROLES if role not in roles],
)
def test_transition_refused_for_a_role_outside_the_table(db, action, source, role):
    flow = flow_in(source)
    with pytest.raises(Forbidden):
        _move(flow, role, action)
    db.session.expire_all()
    assert flow.status == source


WRONG_STATES = [
    (action, status)
    for action, step in TRANSITIONS.items()
    for status in (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.RETIRED)
    if status not in step.sources
]


@pytest.mark.parametrize(("action", "status"), WRONG_STATES)
def test_transition_refused_from_a_state_outside_the_table(db, action, status):
    """Even admin, allowed every step, cannot take one from the wrong state."""
    flow = flow_in(status)
    with pytest.raises(Conflict):
        _move(flow, "admin", action)
    db.session.expire_all()
    assert flow.status == status


def test_superseded_revision_cannot_move(db):
    approved = flow_in(S.APPROVED)
    approved.status = S.SUPERSEDED
    db.session.commit()
    for action in TRANSITIONS:
        with pytest.raises(Conflict):
            _move(approved, "admin", action)


def test_unknown_action_is_refused(db):
    with pytest.raises(Conflict):
        _move(flow_in(S.DRAFT), "admin", "publish")


def test_stale_transition_is_refused(db):
    """A reviewer acting on a page opened before an edit is told what changed."""
    flow = make_ready_flow()
    opened = flow.version
    from sharing.flows import services

    services.update_flow(
        actor=make_user("procurement"),
        flow=flow,
        values={"retention_days": 10},
        categories=None,
        expected_version=opened,
    )
    with pytest.raises(Conflict) as caught:
        transition_flow(
            actor=make_user("procurement"), flow=flow, action="submit", expected_version=opened
        )
    assert "Retention (days)" in caught.value.message


def test_request_changes_requires_a_comment_and_adds_it_to_the_thread(db):
    flow = flow_in(S.IN_REVIEW)
    with pytest.raises(ValidationFailed) as caught:
        transition_flow(
            actor=make_user("privacy"),
            flow=flow,
            action="request_changes",
            comment="  ",
            expected_version=None,
        )
    assert "comment" in caught.value.errors
    _move(flow, "privacy", "request_changes")
    assert [c.body for c in flow.comments] == [COMMENT]


def test_submit_sets_who_and_when_and_approve_sets_the_approver(db):
    procurement, privacy = make_user("procurement"), make_user("privacy")
    flow = make_ready_flow(procurement)
    transition_flow(actor=procurement, flow=flow, action="submit", expected_version=None)
    transition_flow(actor=privacy, flow=flow, action="start_review", expected_version=None)
    transition_flow(actor=privacy, flow=flow, action="approve", expected_version=None)
    assert flow.submitted_by_id == procurement.id and flow.submitted_at is not None
    assert flow.approved_by_id == privacy.id and flow.approved_at is not None


def test_submission_is_blocked_by_a_category_without_justification(db):
    """Minimisation: each category must be justified before review."""
    blank = make_category(name="Date of birth")
    flow = make_ready_flow(category=blank, justification=" ")
    with pytest.raises(ValidationFailed) as caught:
        transition_flow(
            actor=make_user("procurement"), flow=flow, action="submit", expected_version=None
        )
    assert "Date of birth" in caught.value.errors["categories"]
    assert flow.status == S.DRAFT


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"retention_days": None}, "retention_days"),
        ({"legal_authority": ""}, "legal_authority"),
        ({"notice_given": True, "notice_method": ""}, "notice_method"),
        ({"published": False, "publication_exemption": ""}, "publication_exemption"),
    ],
)
def test_submission_rules_beyond_the_draft_rules(db, changes, field):
    flow = make_ready_flow(**changes)
    with pytest.raises(ValidationFailed) as caught:
        transition_flow(
            actor=make_user("procurement"), flow=flow, action="submit", expected_version=None
        )
    assert field in caught.value.errors


def test_submission_needs_at_least_one_category(db):
    from sharing.flows import services
    from tests.web.tables.flows import flow_values

    flow = services.create_flow(actor=make_user("procurement"), values=flow_values(), categories=[])
    with pytest.raises(ValidationFailed) as caught:
        transition_flow(
            actor=make_user("procurement"), flow=flow, action="submit", expected_version=None
        )
    assert "categories" in caught.value.errors


def test_retire_is_refused_while_a_revision_is_open(db):
    from sharing.flows import services

    approved = flow_in(S.APPROVED)
    services.update_flow(
        actor=make_user("procurement"),
        flow=approved,
        values={},
        categories=None,
        expected_version=None,
    )
    with pytest.raises(Conflict):
        _move(approved, "privacy", "retire")


def test_available_actions_come_from_the_table(db):
    flow = flow_in(S.IN_REVIEW)
    assert [a for a, _ in workflow.available_actions(flow, make_user("privacy"))] == [
        "approve",
        "request_changes",
    ]
    assert workflow.available_actions(flow, make_user("procurement")) == []


# Mail ----------------------------------------------------------------------------------


def recipients(db, kind: str) -> set[str]:
    return set(db.session.scalars(select(Notification.recipient).where(Notification.kind == kind)))


def test_submission_mails_the_privacy_office_and_active_privacy_users(app, db):
    reviewer = make_user("privacy")
    make_user("privacy", active=False)
    flow_in(S.SUBMITTED)  # creates one more privacy user, who is also told
    got = recipients(db, "flow.submit")
    assert app.config["PRIVACY_OFFICE_EMAIL"] in got
    assert reviewer.email in got
    assert not any(r.startswith("procurement") for r in got)
    assert all(
        db.session.scalar(select(Notification.id).where(Notification.recipient == r)) for r in got
    )


@pytest.mark.parametrize("action", ["approve", "request_changes"])
def test_a_decision_mails_the_submitter_and_the_creator(db, action):
    creator, submitter = make_user("procurement"), make_user("procurement")
    flow = make_ready_flow(creator)
    transition_flow(actor=submitter, flow=flow, action="submit", expected_version=None)
    _move(flow, "privacy", "start_review")
    _move(flow, "privacy", action)
    assert recipients(db, f"flow.{action}") == {creator.email, submitter.email}
    message = db.session.scalar(select(Notification).where(Notification.kind == f"flow.{action}"))
    assert flow.system_name in message.subject and f"/flows/{flow.id}" in message.body
    if action == "request_changes":
        assert COMMENT in message.body


def test_starting_a_review_sends_no_mail(db):
    flow = flow_in(S.SUBMITTED)
    _move(flow, "privacy", "start_review")
    assert recipients(db, "flow.start_review") == set()


@pytest.fixture
def app_config(request):
    if "smtp_server" in request.fixturenames:
        server = request.getfixturevalue("smtp_server")
        return {"MAIL_SERVER": server.host, "MAIL_PORT": server.port}
    return {}


def test_decision_mail_is_delivered_over_smtp(db, smtp_server):
    """With a mail server configured, the message leaves once the step is committed."""
    submitter = make_user("procurement")
    flow = make_ready_flow(submitter)
    transition_flow(actor=submitter, flow=flow, action="submit", expected_version=None)
    _move(flow, "privacy", "start_review")
    _move(flow, "privacy", "approve")
    delivered = [m for m in smtp_server.messages if submitter.email in m["to"]]
    assert len(delivered) == 1
    assert delivered[0]["message"]["Subject"].startswith("Data flow approved")


# Comments ------------------------------------------------------------------------------


def test_add_comment_is_audited_and_rejects_blank_text(db):
    flow = flow_in(S.CHANGES_REQUESTED)
    author = make_user("procurement")
    workflow.add_comment(actor=author, flow=flow, body="Removed the date of birth.")
    bodies = list(
        db.session.scalars(select(FlowComment.body).where(FlowComment.flow_id == flow.id))
    )
    assert bodies == ["Please narrow the categories.", "Removed the date of birth."]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "flow.commented"))
    assert event.actor_email == author.email
    with pytest.raises(ValidationFailed):
        workflow.add_comment(actor=author, flow=flow, body="   ")
