"""Drafting and editing flows, revisions of approved flows, stale edits, and the rules."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from sharing.audit.models import AuditEvent
from sharing.errors import Conflict, ValidationFailed
from sharing.flows import services, workflow
from sharing.flows.models import DataFlow, FlowStatus, RiskTier, Sensitivity
from sharing.flows.rules import check_flow, normalise_flow, years_after
from tests.factories import make_category, make_department, make_user
from tests.web.tables.flows import flow_in, flow_values, make_ready_flow


def events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# Creating ------------------------------------------------------------------------------


def test_create_flow_saves_a_draft_in_its_own_lineage_with_risk_and_audit(db):
    """A new flow is revision 1 of a lineage named after itself, assessed and audited."""
    actor = make_user("procurement")
    ssn = make_category(name="SSN", sensitivity=Sensitivity.RESTRICTED, is_ssn=True)
    flow = services.create_flow(
        actor=actor, values=flow_values(), categories=[(ssn.id, "Identity check")]
    )
    assert flow.status == FlowStatus.DRAFT and flow.revision == 1
    assert flow.lineage_id == flow.id and flow.created_by_id == actor.id
    assert flow.risk_tier == RiskTier.MEDIUM
    assert "Restricted data: SSN (+3)" in flow.risk_factors
    [event] = events(db, "flow.created")
    assert event.object_id == str(flow.id) and event.organisation_id == flow.organisation_id
    assert event.changes["categories"]["after"] == {"SSN": "Identity check"}


def test_create_flow_accepts_enum_values_as_text(db):
    """Import passes strings; enum fields accept their values and friendly spellings."""
    flow = make_ready_flow(frequency="Real time", transfer_method="portal-upload")
    assert flow.frequency.value == "real_time" and flow.transfer_method.value == "portal_upload"


def test_create_flow_refuses_missing_required_fields_and_writes_nothing(db):
    """Every reason is reported by field, and no row or event is written."""
    values = flow_values(system_name=" ", purposes="", retention_days=0)
    with pytest.raises(ValidationFailed) as caught:
        services.create_flow(actor=make_user("procurement"), values=values, categories=[])
    assert set(caught.value.errors) == {"system_name", "purposes", "retention_days"}
    assert db.session.scalar(select(func.count()).select_from(DataFlow)) == 0
    assert events(db, "flow.created") == []


def test_create_flow_refuses_an_inactive_department_and_unknown_category(db):
    department = make_department(active=False)
    with pytest.raises(ValidationFailed) as caught:
        services.create_flow(
            actor=make_user("procurement"),
            values=flow_values(department_id=department.id),
            categories=[],
        )
    assert "department_id" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        services.create_flow(
            actor=make_user("procurement"), values=flow_values(), categories=[(999_999, "x")]
        )
    assert "categories" in caught.value.errors


def test_inactive_categories_cannot_be_chosen_for_a_new_flow(db):
    retired = make_category(active=False)
    with pytest.raises(ValidationFailed):
        services.create_flow(
            actor=make_user("procurement"), values=flow_values(), categories=[(retired.id, "x")]
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"retention_days": 36_501}, "retention_days"),
        ({"retention_days": "ten"}, "retention_days"),
        ({"estimated_records": -1}, "estimated_records"),
        ({"storage_country": "Atlantis"}, "storage_country"),
        ({"direction": "sideways"}, "direction"),
        ({"includes_minors": "perhaps"}, "includes_minors"),
        (
            {"automated_decisions": True, "automated_decision_description": ""},
            "automated_decision_description",
        ),
        ({"published": True, "publication_exemption": "Security"}, "publication_exemption"),
        ({"subprocessors": [{"name": "", "service": "Hosting", "country": "US"}]}, "subprocessors"),
        (
            {"subprocessors": [{"name": "Host", "service": "", "country": "Atlantis"}]},
            "subprocessors",
        ),
        ({"organisation_id": None}, "organisation_id"),
    ],
)
def test_check_flow_rules(changes, field):
    """check_flow names the field each rule protects (no database needed)."""
    values = {**flow_values(organisation_id=1, department_id=1), **changes}
    assert field in check_flow(values)


def test_check_flow_accepts_a_draft_without_retention_and_blank_subprocessor_rows():
    """Retention is only required at submission; blank form rows are ignored."""
    values = flow_values(
        organisation_id=1,
        department_id=1,
        retention_days=None,
        subprocessors=[{"name": "", "service": "", "country": ""}],
    )
    assert check_flow(values) == {}


# The start date -------------------------------------------------------------------------

TODAY = date(2026, 3, 15)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        (date(2026, 3, 1), date(2026, 3, 1)),
        (datetime(2026, 3, 1, 9, 30), date(2026, 3, 1)),
        ("2026-03-01", date(2026, 3, 1)),
        (" 1990-01-01 ", date(1990, 1, 1)),
        ("2031-03-15", date(2031, 3, 15)),  # exactly five years ahead
        ("", None),
        (None, None),
    ],
)
def test_start_date_accepts_dates_iso_text_and_blank(raw, stored):
    """The start date is optional; a date, a datetime or YYYY-MM-DD text is stored as a date."""
    values = {**flow_values(organisation_id=1, department_id=1), "started_on": raw}
    clean, errors = normalise_flow(values, today=TODAY)
    assert errors == {} and clean["started_on"] == stored


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("next Tuesday", "Enter a real date as YYYY-MM-DD"),
        ("2026-02-30", "Enter a real date as YYYY-MM-DD"),
        ("03/01/2026", "Enter a real date as YYYY-MM-DD"),
        (date(1989, 12, 31), "Enter a date from 1990-01-01 on."),
        ("2031-03-16", "no more than 5 years ahead (by 2031-03-15)"),
    ],
)
def test_start_date_refuses_non_dates_and_dates_out_of_range_with_a_clear_reason(raw, reason):
    """Text that is not a real ISO date, dates before 1990 or over five years ahead are refused."""
    values = {**flow_values(organisation_id=1, department_id=1), "started_on": raw}
    assert reason in check_flow(values, today=TODAY)["started_on"]


def test_five_years_after_a_leap_day_is_the_28th_of_february():
    assert years_after(date(2028, 2, 29), 5) == date(2033, 2, 28)


def test_start_date_is_saved_and_its_change_audited_as_iso_text(db):
    """Audit before/after values stay JSON-safe: the date is recorded as YYYY-MM-DD."""
    flow = make_ready_flow(started_on="2025-07-01")
    assert flow.started_on == date(2025, 7, 1)
    [created] = events(db, "flow.created")
    assert created.changes["started_on"] == {"before": None, "after": "2025-07-01"}
    services.update_flow(
        actor=make_user("procurement"),
        flow=flow,
        values={"started_on": date(2025, 9, 1)},
        categories=None,
        expected_version=flow.version,
    )
    db.session.expire_all()
    assert db.session.get(DataFlow, flow.id).started_on == date(2025, 9, 1)
    [updated] = events(db, "flow.updated")
    assert updated.changes["started_on"] == {"before": "2025-07-01", "after": "2025-09-01"}


def test_a_start_date_out_of_range_is_refused_by_the_service_and_writes_nothing(db):
    with pytest.raises(ValidationFailed) as caught:
        make_ready_flow(started_on=date(1985, 6, 1))
    assert set(caught.value.errors) == {"started_on"}
    assert db.session.scalar(select(func.count()).select_from(DataFlow)) == 0


def test_a_new_revision_keeps_the_start_date_of_the_approved_one(db):
    approved = flow_in(FlowStatus.APPROVED, started_on="2024-05-01")
    revision = services.update_flow(
        actor=make_user("procurement"),
        flow=approved,
        values={"retention_days": 30},
        categories=None,
        expected_version=None,
    )
    assert revision.id != approved.id and revision.started_on == date(2024, 5, 1)


# Editing drafts ------------------------------------------------------------------------


def test_update_draft_edits_in_place_and_audits_the_diff_with_categories(db):
    flow = make_ready_flow()
    extra = make_category(name="Home address", sensitivity=Sensitivity.CONFIDENTIAL)
    kept = [(fc.category_id, fc.justification) for fc in flow.categories]
    saved = services.update_flow(
        actor=make_user("procurement"),
        flow=flow,
        values={"retention_days": 90},
        categories=[*kept, (extra.id, "Mail the permit")],
        expected_version=flow.version,
    )
    assert saved.id == flow.id and saved.retention_days == 90
    [event] = events(db, "flow.updated")
    assert event.changes["retention_days"] == {"before": 365, "after": 90}
    assert "Home address" in event.changes["categories"]["after"]
    assert saved.risk_tier == RiskTier.LOW


def test_every_save_moves_the_version_even_for_a_category_only_change(db):
    """Optimistic locking must see a change that touches only the categories."""
    flow = make_ready_flow()
    version = flow.version
    [(category_id, _)] = [(fc.category_id, fc.justification) for fc in flow.categories]
    services.update_flow(
        actor=make_user("procurement"),
        flow=flow,
        values={},
        categories=[(category_id, "A better reason")],
        expected_version=version,
    )
    assert flow.version == version + 1


def test_stale_edit_is_refused_with_the_other_change_and_overwrites_nothing(db):
    """Two people open the same draft; the second save sees what the first one changed."""
    flow = make_ready_flow()
    opened = flow.version
    first = make_user("procurement", email="first@example.org")
    services.update_flow(
        actor=first,
        flow=flow,
        values={"system_name": "Permits portal v2"},
        categories=None,
        expected_version=opened,
    )
    with pytest.raises(Conflict) as caught:
        services.update_flow(
            actor=make_user("procurement"),
            flow=flow,
            values={"purposes": "Something else"},
            categories=None,
            expected_version=opened,
        )
    message = caught.value.message
    assert "first@example.org" in message
    assert "System or service" in message and "Permits portal v2" in message
    db.session.expire_all()
    assert flow.purposes == "Issue and enforce residential parking permits."
    assert len(events(db, "flow.updated")) == 1


@pytest.mark.parametrize("status", [FlowStatus.SUBMITTED, FlowStatus.IN_REVIEW, FlowStatus.RETIRED])
def test_flows_under_review_or_retired_are_locked(db, status):
    flow = flow_in(status)
    with pytest.raises(Conflict):
        services.update_flow(
            actor=make_user("admin"),
            flow=flow,
            values={"purposes": "Changed"},
            categories=None,
            expected_version=None,
        )


def test_changes_requested_flow_can_be_edited_in_place(db):
    flow = flow_in(FlowStatus.CHANGES_REQUESTED)
    saved = services.update_flow(
        actor=make_user("procurement"),
        flow=flow,
        values={"retention_days": 30},
        categories=None,
        expected_version=flow.version,
    )
    assert saved.id == flow.id and saved.status == FlowStatus.CHANGES_REQUESTED


# Revisions -----------------------------------------------------------------------------


def test_editing_an_approved_flow_starts_a_new_draft_revision(db):
    """The approved revision is untouched and stays in force; the new one is a draft."""
    approved = flow_in(FlowStatus.APPROVED, estimated_records=2_000_000)
    revision = services.update_flow(
        actor=make_user("procurement"),
        flow=approved,
        values={"retention_days": 30},
        categories=None,
        expected_version=approved.version,
    )
    db.session.expire_all()
    assert revision.id != approved.id
    assert (revision.lineage_id, revision.revision) == (approved.lineage_id, 2)
    assert revision.status == FlowStatus.DRAFT and revision.retention_days == 30
    assert approved.status == FlowStatus.APPROVED and approved.retention_days == 365
    assert [fc.category_id for fc in revision.categories] == [
        fc.category_id for fc in approved.categories
    ]
    assert services.in_force(revision).id == approved.id
    [event] = events(db, "flow.revision_started")
    assert event.object_id == str(revision.id)
    assert event.changes == {"retention_days": {"before": 365, "after": 30}}


def test_a_second_revision_cannot_be_started_while_one_is_open(db):
    approved = flow_in(FlowStatus.APPROVED)
    pending = services.update_flow(
        actor=make_user("procurement"),
        flow=approved,
        values={},
        categories=None,
        expected_version=None,
    )
    with pytest.raises(Conflict) as caught:
        services.update_flow(
            actor=make_user("procurement"),
            flow=approved,
            values={"purposes": "Other"},
            categories=None,
            expected_version=None,
        )
    assert f"Revision {pending.revision}" in caught.value.message
    assert services.open_revision(approved).id == pending.id


def test_approving_a_revision_supersedes_the_one_in_force(db):
    approved = flow_in(FlowStatus.APPROVED)
    procurement, privacy = make_user("procurement"), make_user("privacy")
    revision = services.update_flow(
        actor=procurement,
        flow=approved,
        values={"retention_days": 60},
        categories=None,
        expected_version=None,
    )
    for actor, action in ((procurement, "submit"), (privacy, "start_review")):
        workflow.transition_flow(actor=actor, flow=revision, action=action, expected_version=None)
    assert approved.status == FlowStatus.APPROVED  # still in force during review
    workflow.transition_flow(actor=privacy, flow=revision, action="approve", expected_version=None)
    db.session.expire_all()
    assert approved.status == FlowStatus.SUPERSEDED
    assert revision.status == FlowStatus.APPROVED
    assert services.in_force(approved).id == revision.id
    [event] = [e for e in events(db, "flow.approve") if e.object_id == str(revision.id)]
    assert event.changes["superseded_revision"]["after"] == 1


def test_a_revision_keeps_an_inactive_category_the_approved_flow_shares(db):
    """Retiring a vocabulary entry does not block revising flows that already use it."""
    old = make_category(sensitivity=Sensitivity.INTERNAL)
    approved = flow_in(FlowStatus.APPROVED, category=old)
    old.active = False
    db.session.commit()
    revision = services.update_flow(
        actor=make_user("procurement"),
        flow=approved,
        values={},
        categories=[(old.id, "Still needed")],
        expected_version=None,
    )
    assert [fc.category_id for fc in revision.categories] == [old.id]
