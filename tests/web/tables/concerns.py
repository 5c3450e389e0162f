"""Coverage rows for the public concern form and status pages, and the privacy office's
cases: roles (PAGES), audit events (AUDIT_CASES) and vendor isolation (ISOLATION_CASES)."""

from __future__ import annotations

from datetime import timedelta

from sharing.concerns.models import ConcernStatus
from tests.factories import make_concern
from tests.web.tables import ROLES, AuditCase, IsolationCase, Page

OFFICE = ("admin", "privacy")


def _concern() -> dict:
    concern = make_concern()
    return {"concern": concern.id, "reference": concern.reference}


PAGES: tuple[Page, ...] = (
    Page("concerns.new", "/concerns/new", ROLES, anonymous=200),
    # The receipt is read once from the session; without one it leads back to the form.
    Page("concerns.received", "/concerns/received", (), anonymous=302, redirected=ROLES),
    Page("concerns.lookup", "/concerns/status", ROLES, anonymous=200),
    Page("concerns.status", "/concerns/status/{reference}", ROLES, anonymous=200, params=_concern),
    Page("concerns.cases", "/concerns/cases", OFFICE),
    Page("concerns.case", "/concerns/cases/{concern}", OFFICE, params=_concern),
)


def raise_concern(login_as):
    return "/concerns/new", {
        "kind": "concern",
        "body": "The register lists the wrong retention period.",
        "email": "",
        "language": "en",
        "website": "",
    }


def _case_post(path: str, data: dict, **overrides):
    def setup(login_as):
        concern = make_concern(**overrides)
        login_as("privacy")
        return f"/concerns/cases/{concern.id}/{path}", {"version": str(concern.version), **data}

    return setup


def _deadline(login_as):
    concern = make_concern()
    login_as("privacy")
    later = concern.due_on + timedelta(days=7)
    return f"/concerns/cases/{concern.id}/deadline", {
        "version": str(concern.version),
        "due_on": later.isoformat(),
        "reason": "Waiting for the department.",
    }


def _assign_me(login_as):
    concern = make_concern()
    login_as("privacy")
    return f"/concerns/cases/{concern.id}/assign", {
        "version": str(concern.version),
        "me": "1",
        "assignee_id": "",
    }


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("concerns.new", "concern.raised", raise_concern),
    AuditCase("concerns.assign", "concern.assigned", _assign_me),
    AuditCase(
        "concerns.step", "concern.start_review", _case_post("steps/start_review", {}), "review"
    ),
    AuditCase("concerns.step", "concern.close", _case_post("steps/close", {}), "close"),
    AuditCase(
        "concerns.step",
        "concern.reopen",
        _case_post("steps/reopen", {}, status=ConcernStatus.CLOSED),
        "reopen",
    ),
    AuditCase("concerns.note", "concern.note_added", _case_post("notes", {"body": "Rang them."})),
    AuditCase(
        "concerns.respond",
        "concern.answered",
        _case_post("response", {"public_response": "We corrected the entry."}),
    ),
    AuditCase("concerns.deadline", "concern.deadline_changed", _deadline),
)
ISOLATION_CASES: tuple[IsolationCase, ...] = ()
