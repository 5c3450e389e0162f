"""Coverage-table rows for the staff algorithm register, and the record set-ups its tests
share."""

from __future__ import annotations

from typing import Any

from sharing.algorithms import services, workflow
from sharing.algorithms.models import Algorithm, AlgorithmStatus
from sharing.core.clock import today
from sharing.flows.models import DataFlow
from tests.factories import make_approved_flow, make_organisation, make_user
from tests.web.tables import STAFF, AuditCase, Page

EDITORS = ("admin", "procurement")

# The steps that lead to each status from a fresh draft.
PATHS: dict[AlgorithmStatus, tuple[str, ...]] = {
    AlgorithmStatus.DRAFT: (),
    AlgorithmStatus.SUBMITTED: ("submit",),
    AlgorithmStatus.IN_REVIEW: ("submit", "start_review"),
    AlgorithmStatus.CHANGES_REQUESTED: ("submit", "start_review", "request_changes"),
    AlgorithmStatus.APPROVED: ("submit", "start_review", "approve"),
    AlgorithmStatus.RETIRED: ("submit", "start_review", "approve", "retire"),
}


def algorithm_values(organisation_id: int, **overrides: Any) -> dict[str, Any]:
    """Values for create_algorithm that also pass the submission check."""
    values: dict[str, Any] = {
        "name": "Pothole report triage",
        "organisation_id": organisation_id,
        "summary": "Ranks pothole reports so crews fix the most dangerous first.",
        "purpose": "Keep streets safe by repairing the worst damage first.",
        "decisions": "The order in which crews visit reported potholes.",
        "decision_maker": "The street maintenance supervisor.",
        "human_oversight": "A supervisor reviews the ranked list every morning.",
        "contest_route": "Call 311 and ask for the report to be looked at again.",
        "legal_basis": "San José Municipal Code, title 14",
        "legal_basis_url": "https://library.municode.com/ca/san_jose",
        "model_kind": "statistical",
        "model_name": "StreetRank 2.1",
        "risk_tier": "medium",
        "contact_email": "streets@example.org",
        "owner_name": "Dana Internal",
        "internal_notes": "Contract renews in June.",
        "published": True,
    }
    values.update(overrides)
    return values


def provider_with_flow(**flow_overrides: Any) -> tuple[Any, DataFlow]:
    organisation = make_organisation()
    flow = make_approved_flow(organisation, **flow_overrides)
    return organisation, flow


def make_ready_algorithm(actor=None, **overrides: Any) -> Algorithm:
    """A draft that passes the submission check, made through the service."""
    actor = actor or make_user("procurement")
    organisation, flow = provider_with_flow(automated_decisions=True)
    return services.create_algorithm(
        actor=actor,
        values=algorithm_values(organisation.id, **overrides),
        flows=[flow.lineage_id],
        today=today(),
    )


def algorithm_in(status: AlgorithmStatus, **overrides: Any) -> Algorithm:
    """A record moved to `status` through the workflow by users of the right roles."""
    procurement = make_user("procurement")
    privacy = make_user("privacy")
    algorithm = make_ready_algorithm(procurement, **overrides)
    for action in PATHS[status]:
        workflow.transition_algorithm(
            actor=procurement if action == "submit" else privacy,
            algorithm=algorithm,
            action=action,
            comment="Please name the groups tested." if action == "request_changes" else "",
            retired_on=today() if action == "retire" else None,
            expected_version=None,
        )
    return algorithm


def form_data(algorithm: Algorithm, **changes: Any) -> dict[str, Any]:
    """The edit form's fields for `algorithm`, as a browser would post them."""
    data: dict[str, Any] = {}
    for name in services.FIELDS:
        value = getattr(algorithm, name)
        if isinstance(value, bool):
            if value:
                data[name] = "y"
        elif value is None:
            data[name] = ""
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = str(getattr(value, "value", value))
    data["flows"] = [str(link.flow_lineage_id) for link in algorithm.flows]
    data["version"] = str(algorithm.version)
    data.update(changes)
    return data


# Pages ---------------------------------------------------------------------------------


def _algorithm() -> dict:
    return {"algorithm": algorithm_in(AlgorithmStatus.DRAFT).id}


PAGES: tuple[Page, ...] = (
    Page("algorithms.algorithms", "/algorithms/", STAFF),
    Page("algorithms.algorithm", "/algorithms/{algorithm}", STAFF, params=_algorithm),
    Page("algorithms.new", "/algorithms/new", EDITORS),
    Page("algorithms.edit", "/algorithms/{algorithm}/edit", EDITORS, params=_algorithm),
)


# Audited posts -------------------------------------------------------------------------


def new_algorithm(login_as):
    login_as("procurement")
    organisation, flow = provider_with_flow(automated_decisions=True)
    data = {k: str(v) for k, v in algorithm_values(organisation.id).items() if k != "published"}
    data.update({"published": "y", "flows": [str(flow.lineage_id)]})
    return "/algorithms/new", data


def edit_algorithm(login_as):
    login_as("procurement")
    algorithm = make_ready_algorithm()
    return f"/algorithms/{algorithm.id}/edit", form_data(algorithm, purpose="A narrower purpose")


def edit_approved(login_as):
    login_as("admin")
    algorithm = algorithm_in(AlgorithmStatus.APPROVED)
    return f"/algorithms/{algorithm.id}/edit", form_data(algorithm, limitations="Rain hides holes")


def _transition(role: str, status: AlgorithmStatus, action: str, **extra: Any):
    """A field given as a function is read when the case runs: a date relative to the day
    the suite believes it is."""

    def setup(login_as):
        algorithm = algorithm_in(status)
        login_as(role)
        return f"/algorithms/{algorithm.id}/actions/{action}", {
            "version": str(algorithm.version),
            **{name: value() if callable(value) else value for name, value in extra.items()},
        }

    return setup


def comment(login_as):
    algorithm = algorithm_in(AlgorithmStatus.CHANGES_REQUESTED)
    login_as("procurement")
    return f"/algorithms/{algorithm.id}/comments", {"body": "Added the groups tested."}


def _case(action: str, role: str, status: AlgorithmStatus, **extra: Any) -> AuditCase:
    return AuditCase(
        "algorithms.transition",
        f"algorithm.{action}",
        _transition(role, status, action, **extra),
        action,
    )


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("algorithms.new", "algorithm.created", new_algorithm),
    AuditCase("algorithms.edit", "algorithm.updated", edit_algorithm, "draft"),
    AuditCase("algorithms.edit", "algorithm.updated", edit_approved, "approved"),
    _case("submit", "procurement", AlgorithmStatus.DRAFT),
    _case("start_review", "privacy", AlgorithmStatus.SUBMITTED),
    _case("approve", "privacy", AlgorithmStatus.IN_REVIEW),
    _case("request_changes", "admin", AlgorithmStatus.IN_REVIEW, comment="Name the groups."),
    _case("retire", "privacy", AlgorithmStatus.APPROVED, retired_on=lambda: today().isoformat()),
    AuditCase("algorithms.comment", "algorithm.commented", comment),
)
