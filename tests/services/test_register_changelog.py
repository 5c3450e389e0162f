"""The register's changelog follows the lifecycle: agreements coming into force, expiring,
ending or renewed, flows approved, revised or retired, and publication decisions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, event, insert, select, update

from sharing.agreements import lifecycle, roll
from sharing.agreements.models import AgreementStatus
from sharing.audit.models import AuditEvent
from sharing.demo.seed import seed_demo
from sharing.extensions import db
from sharing.flows import services as flows
from sharing.flows import workflow
from sharing.flows.models import FlowStatus
from sharing.register import changelog, services
from sharing.register.models import RegisterChange, RegisterChangeKind, RegisterEntry
from tests.factories import (
    make_approved_flow,
    make_category,
    make_department,
    make_organisation,
    make_user,
)
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.flows import flow_in, make_ready_flow
from tests.web.tables.register import arrangement_expiry, flow_agreements, make_arrangement

S = AgreementStatus
ADDED, REMOVED = RegisterChangeKind.ADDED, RegisterChangeKind.REMOVED
DAY = date(2026, 11, 21)


def _changes() -> list[RegisterChange]:
    return list(db.session.scalars(select(RegisterChange).order_by(RegisterChange.id)))


def _kinds() -> list[RegisterChangeKind]:
    return [change.kind for change in _changes()]


def _event(action: str) -> AuditEvent:
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())
    ).first()


def _published_flow(**overrides):
    organisation = overrides.pop("organisation", None) or make_organisation()
    overrides.setdefault("published", True)
    return make_approved_flow(organisation, (make_category(),), **overrides)


def _approve_new_revision(approved):
    """Revise an approved flow and take the revision through review to approval."""
    procurement, privacy = make_user("procurement"), make_user("privacy")
    revision = flows.update_flow(
        actor=procurement,
        flow=approved,
        values={"retention_days": 60},
        categories=None,
        expected_version=None,
    )
    for actor, action in ((procurement, "submit"), (privacy, "start_review"), (privacy, "approve")):
        workflow.transition_flow(actor=actor, flow=revision, action=action, expected_version=None)
    return revision


def _step(agreement, action, **kwargs):
    return lifecycle.transition_agreement(
        actor=make_user("admin"),
        agreement=agreement,
        action=action,
        today=DAY,
        expected_version=None,
        **kwargs,
    )


def test_an_agreement_coming_into_force_adds_its_published_flows_on_that_date(db):
    """The daily roll activates an executed agreement and the changelog adds its flows."""
    flow = _published_flow(system_name="Tree permits")
    unpublished = _published_flow(organisation=flow.organisation, published=False)
    make_agreement(
        S.EXECUTED,
        organisation_id=flow.organisation_id,
        flows=[flow, unpublished],
        effective_date=DAY,
    )
    assert _changes() == []
    roll.roll_agreements(today=DAY)
    (change,) = _changes()
    assert (change.kind, change.changed_on) == (ADDED, DAY)
    assert change.flow_lineage_id == flow.lineage_id and change.flow_id == flow.id
    assert change.summary == (
        f"{flow.organisation.display_name}: Tree permits. Its agreement came into force."
    )


def test_activating_by_hand_adds_the_flows_and_names_them_in_the_audit_event(db):
    """The Activate step writes the addition inside its own audit event, not a second one."""
    flow = _published_flow()
    agreement = make_agreement(S.EXECUTED, organisation_id=flow.organisation_id, flows=[flow])
    _step(agreement, "activate")
    assert _kinds() == [ADDED]
    event = _event("agreement.activated")
    assert event.changes["register_changes"]["after"] == [f"added: arrangement {flow.lineage_id}"]
    assert _event("flow.publication_changed") is None


def test_expiry_removes_the_arrangement_from_the_changelog(db):
    """An agreement that expires without renewal takes its flows off, dated the roll's day."""
    flow = make_arrangement()
    assert _kinds() == [ADDED]
    day_after = arrangement_expiry() + timedelta(days=1)
    roll.roll_agreements(today=day_after)
    removal = _changes()[-1]
    assert (removal.kind, removal.changed_on) == (REMOVED, day_after)
    assert removal.flow_lineage_id == flow.lineage_id
    assert removal.summary.endswith("Its agreement expired.")


def test_termination_removes_the_arrangement_and_the_audit_event_says_so(db):
    """Terminating the agreement in force writes one removal, listed in its audit event."""
    flow = make_arrangement()
    (agreement,) = flow_agreements(flow)
    _step(agreement, "terminate", reason="Vendor breach")
    assert _kinds() == [ADDED, REMOVED]
    assert _changes()[-1].summary.endswith("Its agreement was terminated.")
    assert "Vendor breach" not in _changes()[-1].summary
    event = _event("agreement.terminated")
    assert event.changes["register_changes"]["after"] == [f"removed: arrangement {flow.lineage_id}"]


def test_a_tacit_renewal_leaves_no_removal(db):
    """An auto-renewing agreement past its expiry stays in force, so nothing changes."""
    flow = make_arrangement()
    (agreement,) = flow_agreements(flow)
    agreement.auto_renew = True
    db.session.commit()
    summary = roll.roll_agreements(today=arrangement_expiry() + timedelta(days=1))
    assert summary.renewed_tacitly == [agreement.number]
    assert _kinds() == [ADDED]


def test_a_successor_already_in_force_leaves_no_removal(db):
    """Recording the renewal by an active successor keeps the arrangement on the register."""
    flow = make_arrangement()
    (agreement,) = flow_agreements(flow)
    successor = make_agreement(S.ACTIVE, organisation_id=flow.organisation_id, flows=[flow])
    _step(agreement, "renew", successor=successor)
    assert _kinds() == [ADDED]
    assert "register_changes" not in _event("agreement.renewed").changes


def test_a_successor_not_yet_in_force_removes_then_adds_when_it_starts(db):
    """A gap between the old agreement and its renewal shows as a removal, then an addition."""
    flow = make_arrangement()
    (agreement,) = flow_agreements(flow)
    successor = make_agreement(
        S.EXECUTED, organisation_id=flow.organisation_id, flows=[flow], effective_date=DAY
    )
    _step(agreement, "renew", successor=successor)
    assert _changes()[-1].summary.endswith("the renewal is not in force yet.")
    _step(successor, "activate")
    assert _kinds() == [ADDED, REMOVED, ADDED]


def test_approving_a_flow_under_an_agreement_in_force_adds_it(db):
    """A flow named by an agreement in force comes on to the register when approved."""
    flow = flow_in(FlowStatus.IN_REVIEW)
    make_agreement(S.ACTIVE, organisation_id=flow.organisation_id, flows=[flow])
    workflow.transition_flow(
        actor=make_user("privacy"), flow=flow, action="approve", expected_version=None, today=DAY
    )
    (change,) = _changes()
    assert (change.kind, change.changed_on) == (ADDED, DAY)
    assert change.summary.endswith("The flow was approved.")
    assert _event("flow.approve").changes["register_changes"]["after"] == [
        f"added: arrangement {flow.lineage_id}"
    ]


def test_approving_a_new_revision_of_a_public_flow_writes_nothing(db):
    """The lineage stays on the register while one revision supersedes the other."""
    approved = flow_in(FlowStatus.APPROVED)
    make_agreement(S.ACTIVE, organisation_id=approved.organisation_id, flows=[approved])
    changelog.sync_changes(today=DAY)
    _approve_new_revision(approved)
    db.session.expire_all()
    assert approved.status == FlowStatus.SUPERSEDED
    assert _kinds() == [ADDED]
    assert "register_changes" not in _event("flow.approve").changes


def test_retiring_a_public_flow_removes_it(db):
    """Retirement takes the lineage off the register and the changelog says why."""
    flow = make_ready_flow()
    for actor, action in (("procurement", "submit"), ("privacy", "start_review")):
        workflow.transition_flow(
            actor=make_user(actor), flow=flow, action=action, expected_version=None
        )
    make_agreement(S.ACTIVE, organisation_id=flow.organisation_id, flows=[flow])
    privacy = make_user("privacy")
    workflow.transition_flow(actor=privacy, flow=flow, action="approve", expected_version=None)
    workflow.transition_flow(
        actor=privacy, flow=flow, action="retire", expected_version=None, today=DAY
    )
    assert _kinds() == [ADDED, REMOVED]
    assert _changes()[-1].summary.endswith("The flow was retired.")


def test_withdrawing_publication_still_writes_a_removal(db):
    """The publication service goes through the same writer and still records the removal."""
    flow = make_arrangement()
    services.set_publication(
        flow=flow,
        published=False,
        exemption="Critical infrastructure",
        actor=make_user("privacy"),
        today=DAY,
    )
    assert _kinds() == [ADDED, REMOVED]
    assert _changes()[-1].changed_on == DAY


def test_running_sync_twice_writes_nothing_the_second_time(db):
    """The sync compares with the changelog's last word per lineage, so it is idempotent."""
    flow = _published_flow()
    make_agreement(S.ACTIVE, organisation_id=flow.organisation_id, flows=[flow])
    first = changelog.sync_changes(today=DAY)
    assert [row.kind for row in first] == [ADDED]
    assert first[0].summary.endswith("Listed on the register.")
    assert changelog.sync_changes(today=DAY) == []
    assert len(_changes()) == 1


def test_the_sync_reads_the_register_in_a_constant_number_of_statements(db, app):
    """Computing the differences takes the same few statements for one or many lineages."""
    for _ in range(3):
        flow = _published_flow()
        make_agreement(S.ACTIVE, organisation_id=flow.organisation_id, flows=[flow])
    counted = _statements(app, lambda: changelog.sync_changes(today=DAY))
    for _ in range(5):
        flow = _published_flow()
        make_agreement(S.ACTIVE, organisation_id=flow.organisation_id, flows=[flow])
    assert _statements(app, lambda: changelog.sync_changes(today=DAY)) == counted


def _statements(app, action) -> int:
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_the_demo_seed_records_each_public_arrangement_once_as_added(app, db):
    """After seeding, the changelog matches the register: one past addition per arrangement
    listed today; besides them, only the terminated agreement's arrangement, added, removed,
    then its data disposed of."""
    seed_demo(today=DAY, now=datetime(2026, 11, 21, 17, tzinfo=UTC))
    changes = _changes()
    assert changes, "the demo set should publish arrangements"
    public = set(changelog.public_lineages())
    listed = [c for c in changes if c.flow_lineage_id in public]
    ended = [c for c in changes if c.flow_lineage_id not in public]
    assert {c.kind for c in listed} == {ADDED}
    assert sorted(c.flow_lineage_id for c in listed) == sorted(public)
    assert [c.kind for c in sorted(ended, key=lambda c: (c.changed_on, c.id))] == [
        ADDED,
        RegisterChangeKind.REMOVED,
        RegisterChangeKind.DISPOSED,
    ]
    assert all(c.changed_on <= DAY for c in changes)
    assert any(c.changed_on < DAY for c in changes)
    assert changelog.sync_changes(today=DAY) == []


def _listed() -> set[int]:
    return set(db.session.scalars(select(RegisterEntry.flow_id)))


def test_the_listing_follows_every_step_that_moves_a_flow_on_or_off_the_register(db):
    """The public pages read the listing: after each lifecycle step it holds exactly the
    revisions the register's rule selects, the new revision replacing the superseded one."""
    approved = flow_in(FlowStatus.APPROVED)
    approved.published = True
    agreement = make_agreement(
        S.EXECUTED, organisation_id=approved.organisation_id, flows=[approved], effective_date=DAY
    )
    assert _listed() == set()
    roll.roll_agreements(today=DAY)
    assert _listed() == {approved.id} == set(changelog.public_flows())
    revision = _approve_new_revision(approved)
    privacy = make_user("privacy")
    assert _listed() == {revision.id} == set(changelog.public_flows())
    services.set_publication(
        flow=revision, published=False, exemption="Critical", actor=privacy, today=DAY
    )
    assert _listed() == set()
    services.set_publication(flow=revision, published=True, exemption="", actor=privacy, today=DAY)
    assert _listed() == {revision.id}
    _step(agreement, "terminate", reason="Vendor breach")
    assert _listed() == set() == set(changelog.public_flows())


STALE_KEYS = {
    "organisation_id": 0,
    "department_id": 0,
    "organisation_name": "Stale",
    "department_name": "Stale",
    "system_name": "Stale",
    "search_text": "stale",
}


def _entry_keys(flow_id: int) -> tuple:
    """The keys the listing row of this flow holds, in changelog.KEYS order."""
    columns = [getattr(RegisterEntry, name) for name in changelog.KEYS]
    return tuple(db.session.execute(select(*columns).where(RegisterEntry.flow_id == flow_id)).one())


def _flow_keys(flow) -> tuple:
    """The keys a listing row of this flow should hold, from its flow, organisation and
    department as they are now: the organisation by the name the register shows."""
    organisation, department = flow.organisation, flow.department
    searched = (
        flow.system_name,
        flow.purposes,
        organisation.legal_name,
        organisation.common_name,
        department.name,
    )
    # The test data is ASCII, so folding is lower-casing here (tests/unit covers accents).
    return (
        flow.organisation_id,
        flow.department_id,
        organisation.display_name.lower(),
        department.name.lower(),
        flow.system_name.lower(),
        "\n".join(text.lower() for text in searched),
    )


def test_sync_listing_repairs_a_listing_that_drifted_from_the_rule(db):
    """Bulk writes that bypass the lifecycle are repaired by one sync: missing rows added
    with their keys, stray rows removed, and a second run changes nothing."""
    listed = make_arrangement()
    missing = make_arrangement(system_name="Missing Service")
    stray = _published_flow()
    db.session.execute(delete(RegisterEntry).where(RegisterEntry.flow_id == missing.id))
    db.session.execute(insert(RegisterEntry).values(flow_id=stray.id, **STALE_KEYS))
    assert changelog.sync_listing() == (1, 1)
    assert _listed() == {listed.id, missing.id}
    assert _entry_keys(missing.id) == _flow_keys(missing)
    assert changelog.sync_listing() == (0, 0)


def test_sync_listing_rewrites_keys_that_drifted_from_their_flow(db):
    """A listing row whose sort keys, filter ids or search text were altered by hand (or by
    a bulk write that bypassed the rename listener) gets its flow's values back from one
    sync, without being added or removed; rows that did not drift keep theirs."""
    drifted = make_arrangement(system_name="Parking Permits", purposes="Issue PERMITS")
    untouched = make_arrangement()
    db.session.execute(
        update(RegisterEntry)
        .where(RegisterEntry.flow_id == drifted.id)
        .values({**STALE_KEYS, "organisation_id": untouched.organisation_id})
    )
    assert _entry_keys(drifted.id) != _flow_keys(drifted)
    assert changelog.sync_listing() == (0, 0)
    assert _entry_keys(drifted.id) == _flow_keys(drifted)
    assert _entry_keys(drifted.id)[-1].startswith("parking permits\nissue permits\n")
    assert _entry_keys(untouched.id) == _flow_keys(untouched)


def test_a_listed_flow_changed_in_place_keeps_its_listing_keys(db):
    """The rename listener follows a listed flow's own columns too (a write through the ORM
    outside the review workflow): its service, purposes and department, in the same flush."""
    flow = make_arrangement(system_name="Parking permits")
    other = make_department(name="Roads")
    flow.system_name, flow.purposes, flow.department_id = "Pothole reports", "Fix roads", other.id
    db.session.commit()
    db.session.refresh(flow)
    assert _entry_keys(flow.id) == _flow_keys(flow)
    assert _entry_keys(flow.id)[1] == other.id


def test_the_daily_roll_repairs_listing_keys_but_a_review_step_leaves_them(db):
    """Workflow steps sync only which flows are listed (the rename listener keeps the keys);
    the daily roll also rewrites keys that drifted outside the ORM."""
    drifted = make_arrangement(system_name="Parking Permits")
    db.session.execute(
        update(RegisterEntry).where(RegisterEntry.flow_id == drifted.id).values(**STALE_KEYS)
    )
    changelog.sync_changes(today=DAY)
    assert _entry_keys(drifted.id) != _flow_keys(drifted)

    roll.roll_agreements(today=DAY)
    assert _entry_keys(drifted.id) == _flow_keys(drifted)
