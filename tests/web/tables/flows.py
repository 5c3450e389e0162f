"""Coverage-table rows for the flows blueprint, and the flow set-ups its tests share."""

from __future__ import annotations

from typing import Any

from sharing.flows import workflow
from sharing.flows.models import DataFlow, FlowStatus, Sensitivity
from tests.factories import make_category, make_department, make_organisation, make_user
from tests.web.tables import STAFF, AuditCase, Page

# Shared set-ups ------------------------------------------------------------------------

# The steps that lead to each status from a fresh draft.
PATHS: dict[FlowStatus, tuple[str, ...]] = {
    FlowStatus.DRAFT: (),
    FlowStatus.SUBMITTED: ("submit",),
    FlowStatus.IN_REVIEW: ("submit", "start_review"),
    FlowStatus.CHANGES_REQUESTED: ("submit", "start_review", "request_changes"),
    FlowStatus.APPROVED: ("submit", "start_review", "approve"),
    FlowStatus.RETIRED: ("submit", "start_review", "approve", "retire"),
}


def flow_values(**overrides: Any) -> dict[str, Any]:
    """Values for create_flow that also pass the submission check."""
    values: dict[str, Any] = {
        "organisation_id": overrides.pop("organisation_id", None) or make_organisation().id,
        "department_id": overrides.pop("department_id", None) or make_department().id,
        "system_name": "Parking permits portal",
        "description": "Residents apply for parking permits online.",
        "direction": "outbound",
        "purposes": "Issue and enforce residential parking permits.",
        "legal_authority": "Municipal code 11.20",
        "data_subjects": "Residents applying for a permit",
        "estimated_records": 5000,
        "frequency": "daily",
        "transfer_method": "api",
        "storage_location": "Vendor cloud, Oregon",
        "storage_country": "US",
        "retention_days": 365,
        "disposal_method": "Deleted at the end of the retention period",
        "subprocessors": [],
        "notice_given": True,
        "notice_method": "Privacy notice on the application form",
        "published": True,
        "publication_exemption": "",
    }
    values.update(overrides)
    return values


def make_ready_flow(actor=None, **overrides: Any) -> DataFlow:
    """A draft that passes the submission check, made through the service."""
    from sharing.flows import services

    actor = actor or make_user("procurement")
    category = overrides.pop("category", None) or make_category(sensitivity=Sensitivity.INTERNAL)
    justification = overrides.pop("justification", "Needed to contact the applicant")
    return services.create_flow(
        actor=actor,
        values=flow_values(**overrides),
        categories=[(category.id, justification)],
    )


def flow_in(status: FlowStatus, **overrides: Any) -> DataFlow:
    """A flow moved to `status` through the workflow by users of the right roles."""
    procurement = make_user("procurement")
    privacy = make_user("privacy")
    flow = make_ready_flow(procurement, **overrides)
    for action in PATHS[status]:
        actor = procurement if action == "submit" else privacy
        comment = "Please narrow the categories." if action == "request_changes" else ""
        workflow.transition_flow(
            actor=actor, flow=flow, action=action, comment=comment, expected_version=None
        )
    return flow


# Pages ---------------------------------------------------------------------------------


def _flow() -> dict:
    return {"flow": flow_in(FlowStatus.DRAFT).id}


def _category() -> dict:
    return {"category": make_category().id}


PAGES: tuple[Page, ...] = (
    Page("flows.flows", "/flows/", STAFF),
    Page("flows.flow", "/flows/{flow}", STAFF, params=_flow),
    Page("flows.new_flow", "/flows/new", ("admin", "procurement")),
    Page("flows.edit_flow", "/flows/{flow}/edit", ("admin", "procurement"), params=_flow),
    Page("flows.compare", "/flows/{flow}/compare", STAFF, params=_flow),
    Page("flows.categories", "/flows/categories", STAFF),
    Page("flows.new_category", "/flows/categories/new", ("admin", "privacy")),
    Page(
        "flows.edit_category",
        "/flows/categories/{category}/edit",
        ("admin", "privacy"),
        params=_category,
    ),
)


# Audited posts -------------------------------------------------------------------------


def _form(flow: DataFlow, **changes: Any) -> dict[str, Any]:
    """The edit form's fields for `flow`, as a browser would post them."""
    data: dict[str, Any] = {}
    for name, value in flow_values(
        organisation_id=flow.organisation_id, department_id=flow.department_id
    ).items():
        if isinstance(value, bool):
            if value:
                data[name] = "y"
        elif name != "subprocessors":
            data[name] = "" if value is None else str(value)
    data["system_name"] = flow.system_name
    data["version"] = str(flow.version)
    for position, fc in enumerate(flow.categories):
        data[f"categories-{position}-category_id"] = str(fc.category_id)
        data[f"categories-{position}-selected"] = "y"
        data[f"categories-{position}-justification"] = fc.justification
    data.update(changes)
    return data


def new_flow(login_as):
    login_as("procurement")
    category = make_category()
    data = _form(make_ready_flow(), system_name="Library app")
    data.pop("version")
    data.update(
        {
            "categories-0-category_id": str(category.id),
            "categories-0-selected": "y",
            "categories-0-justification": "Sends holds notices",
        }
    )
    return "/flows/new", data


def edit_flow(login_as):
    login_as("procurement")
    flow = make_ready_flow()
    return f"/flows/{flow.id}/edit", _form(flow, purposes="A narrower purpose")


def revise_flow(login_as):
    login_as("admin")
    flow = flow_in(FlowStatus.APPROVED)
    return f"/flows/{flow.id}/edit", _form(flow, retention_days="180")


def _transition(role: str, status: FlowStatus, action: str, comment: str = ""):
    def setup(login_as):
        flow = flow_in(status)
        login_as(role)
        return f"/flows/{flow.id}/actions/{action}", {
            "version": str(flow.version),
            "comment": comment,
        }

    return setup


def comment(login_as):
    flow = flow_in(FlowStatus.CHANGES_REQUESTED)
    login_as("procurement")
    return f"/flows/{flow.id}/comments", {"body": "Narrowed to the categories we need."}


def new_category(login_as):
    login_as("privacy")
    return "/flows/categories/new", {"name": "Parcel ownership", "sensitivity": "internal"}


def edit_category(login_as):
    login_as("admin")
    category = make_category()
    data = {"name": category.name, "sensitivity": "restricted", "is_health": "y", "active": "y"}
    return f"/flows/categories/{category.id}/edit", data


def install_vocabulary(login_as):
    login_as("privacy")
    return "/flows/categories/install", {}


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("flows.new_flow", "flow.created", new_flow),
    AuditCase("flows.edit_flow", "flow.updated", edit_flow, "draft"),
    AuditCase("flows.edit_flow", "flow.revision_started", revise_flow, "approved"),
    AuditCase(
        "flows.transition",
        "flow.submit",
        _transition("procurement", FlowStatus.DRAFT, "submit"),
        "submit",
    ),
    AuditCase(
        "flows.transition",
        "flow.submit",
        _transition("procurement", FlowStatus.CHANGES_REQUESTED, "submit"),
        "resubmit",
    ),
    AuditCase(
        "flows.transition",
        "flow.start_review",
        _transition("privacy", FlowStatus.SUBMITTED, "start_review"),
        "start_review",
    ),
    AuditCase(
        "flows.transition",
        "flow.approve",
        _transition("privacy", FlowStatus.IN_REVIEW, "approve"),
        "approve",
    ),
    AuditCase(
        "flows.transition",
        "flow.request_changes",
        _transition("admin", FlowStatus.IN_REVIEW, "request_changes", "Drop the SSN."),
        "request_changes",
    ),
    AuditCase(
        "flows.transition",
        "flow.retire",
        _transition("procurement", FlowStatus.APPROVED, "retire"),
        "retire",
    ),
    AuditCase("flows.comment", "flow.commented", comment),
    AuditCase("flows.new_category", "category.created", new_category),
    AuditCase("flows.edit_category", "category.updated", edit_category),
    AuditCase("flows.install_vocabulary", "category.vocabulary_installed", install_vocabulary),
)
