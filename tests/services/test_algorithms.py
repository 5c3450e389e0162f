"""Drafting and editing algorithm records: each check of meaning, the audit trail, and an
approved record going back to draft while the public keeps its snapshot."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from sharing.algorithms import services
from sharing.algorithms.models import AlgorithmStatus
from sharing.audit.models import AuditEvent
from sharing.core.clock import today
from sharing.errors import Conflict, ValidationFailed
from tests.factories import make_department, make_flow, make_organisation, make_user
from tests.web.tables.algorithms import (
    algorithm_in,
    algorithm_values,
    make_ready_algorithm,
    provider_with_flow,
)


def _create(values_overrides=None, flows=None, organisation=None, flow=None):
    if organisation is None:
        organisation, flow = provider_with_flow()
    values = {**algorithm_values(organisation.id), **(values_overrides or {})}
    return services.create_algorithm(
        actor=make_user("procurement"),
        values=values,
        flows=[flow.lineage_id] if flows is None else flows,
        today=today(),
    )


def _reasons(error: pytest.ExceptionInfo) -> dict[str, str]:
    return error.value.errors


def test_create_saves_a_draft_linked_to_the_flow_and_audits_every_value(db):
    """A new record is a draft linked by flow lineage, and its audit event holds its values."""
    organisation, flow = provider_with_flow()
    algorithm = _create(organisation=organisation, flow=flow)
    assert algorithm.status == AlgorithmStatus.DRAFT
    assert [link.flow_lineage_id for link in algorithm.flows] == [flow.lineage_id]
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "algorithm.created")
    ).one()
    assert event.object_id == str(algorithm.id)
    assert event.changes["name"] == {"before": None, "after": "Pothole report triage"}
    assert event.changes["flows"] == {"before": None, "after": [flow.lineage_id]}


def test_retired_before_deployed_is_refused(db):
    """A system cannot stop being used before it started."""
    day = today() - timedelta(days=30)
    with pytest.raises(ValidationFailed) as error:
        _create({"deployed_on": day, "retired_on": day - timedelta(days=1)})
    assert "retired_on" in _reasons(error)


def test_retired_on_the_day_it_was_deployed_is_accepted(db):
    """The same day is in order."""
    day = today() - timedelta(days=30)
    algorithm = _create({"deployed_on": day, "retired_on": day})
    assert algorithm.retired_on == day


def test_last_tested_in_the_future_is_refused(db):
    """A bias test cannot have happened tomorrow."""
    with pytest.raises(ValidationFailed) as error:
        _create({"last_tested_on": today() + timedelta(days=1)})
    assert "last_tested_on" in _reasons(error)


def test_last_tested_today_is_accepted(db):
    """Today is the latest a test can have happened."""
    assert _create({"last_tested_on": today()}).last_tested_on == today()


@pytest.mark.parametrize("link", ["ftp://example.org/law", "javascript:alert(1)", "example.org"])
def test_legal_basis_link_must_be_http_or_https(db, link):
    """Only a web address may be published as the link to the law."""
    with pytest.raises(ValidationFailed) as error:
        _create({"legal_basis_url": link})
    assert "legal_basis_url" in _reasons(error)


def test_flow_of_another_organisation_is_refused(db):
    """A record may only link its provider's flows."""
    organisation, _ = provider_with_flow()
    stranger = make_flow(make_organisation())
    with pytest.raises(ValidationFailed) as error:
        _create(organisation=organisation, flow=None, flows=[stranger.lineage_id])
    assert _reasons(error) == {"flows": "Choose only flows with the provider organization."}


def test_unknown_flow_is_refused(db):
    """A lineage that names no flow is refused."""
    organisation, _ = provider_with_flow()
    with pytest.raises(ValidationFailed) as error:
        _create(organisation=organisation, flows=[987654])
    assert "flows" in _reasons(error)


def test_missing_provider_and_name_are_refused_together(db):
    """Every problem is reported at once, each on its field."""
    with pytest.raises(ValidationFailed) as error:
        _create({"organisation_id": None, "name": " "})
    assert {"organisation_id", "name"} <= set(_reasons(error))


def test_inactive_department_is_refused_for_a_new_record(db):
    """A closed department cannot be given to a new record."""
    department = make_department(active=False)
    with pytest.raises(ValidationFailed) as error:
        _create({"department_id": department.id})
    assert "department_id" in _reasons(error)


def test_public_contact_must_be_a_mailbox(db):
    """The public contact must look like an email address."""
    with pytest.raises(ValidationFailed) as error:
        _create({"contact_email": "call the office"})
    assert "contact_email" in _reasons(error)


def test_edit_of_a_draft_is_audited_with_before_and_after(db):
    """Each changed field is recorded with its old and new value."""
    algorithm = make_ready_algorithm()
    version = algorithm.version
    services.update_algorithm(
        actor=make_user("procurement"),
        algorithm=algorithm,
        values={"purpose": "Fix the worst potholes first."},
        flows=None,
        expected_version=version,
        today=today(),
    )
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "algorithm.updated")
    ).one()
    assert event.changes["purpose"] == {
        "before": "Keep streets safe by repairing the worst damage first.",
        "after": "Fix the worst potholes first.",
    }
    assert event.changes["version"] == {"before": version, "after": version + 1}
    assert "status" not in event.changes


def test_edit_of_an_approved_record_returns_it_to_draft_and_keeps_the_snapshot(db):
    """The public keeps reading the approved values until the next approval."""
    algorithm = algorithm_in(AlgorithmStatus.APPROVED)
    snapshot = dict(algorithm.approved_snapshot)
    services.update_algorithm(
        actor=make_user("procurement"),
        algorithm=algorithm,
        values={"summary": "A new summary nobody approved yet."},
        flows=None,
        expected_version=algorithm.version,
        today=today(),
    )
    db.session.refresh(algorithm)
    assert algorithm.status == AlgorithmStatus.DRAFT
    assert algorithm.approved_snapshot == snapshot
    assert algorithm.is_public
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "algorithm.updated")
    ).one()
    assert event.changes["status"] == {"before": "approved", "after": "draft"}


@pytest.mark.parametrize(
    "status", [AlgorithmStatus.SUBMITTED, AlgorithmStatus.IN_REVIEW, AlgorithmStatus.RETIRED]
)
def test_records_under_review_or_retired_cannot_be_edited(db, status):
    """Only drafts, returned and approved records open for editing."""
    algorithm = algorithm_in(status)
    with pytest.raises(Conflict):
        services.update_algorithm(
            actor=make_user("procurement"),
            algorithm=algorithm,
            values={"name": "Renamed"},
            flows=None,
            expected_version=algorithm.version,
            today=today(),
        )


def test_edit_from_a_stale_version_is_refused(db):
    """Someone else's save in between wins; nothing is overwritten."""
    algorithm = make_ready_algorithm()
    with pytest.raises(Conflict):
        services.update_algorithm(
            actor=make_user("procurement"),
            algorithm=algorithm,
            values={"name": "Renamed"},
            flows=None,
            expected_version=algorithm.version - 1,
            today=today(),
        )


def test_changing_the_provider_without_its_flows_is_refused(db):
    """Moving a record to another provider while it links the first one's flows is refused."""
    algorithm = make_ready_algorithm()
    other = make_organisation()
    with pytest.raises(ValidationFailed) as error:
        services.update_algorithm(
            actor=make_user("procurement"),
            algorithm=algorithm,
            values={"organisation_id": other.id},
            flows=None,
            expected_version=algorithm.version,
            today=today(),
        )
    assert "flows" in _reasons(error)
