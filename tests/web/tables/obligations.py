"""Coverage-table rows for the obligations blueprint, and the policy set-ups its tests share."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sharing.obligations import services
from sharing.obligations.library import DATA_DIR
from sharing.obligations.models import Obligation, PolicyStatus, PolicyVersion
from tests.factories import make_user
from tests.web.tables import STAFF, AuditCase, Page

EDITORS = ("admin", "privacy")
LOADED_AT = datetime(2025, 12, 15, 17, 0, tzinfo=UTC)

# Shared set-ups ------------------------------------------------------------------------


def published_policy() -> PolicyVersion:
    """Policy 2026.1 loaded from the library file (once per test)."""
    from sharing.extensions import db

    existing = db.session.scalar(db.select(PolicyVersion).where(PolicyVersion.label == "2026.1"))
    return existing or services.load_library(
        actor=make_user("privacy"), path=DATA_DIR / "policy-2026.1.json", now=LOADED_AT
    )


def draft_policy(label: str = "2026.2") -> PolicyVersion:
    published_policy()
    return services.open_draft() or services.create_draft(actor=make_user("privacy"), label=label)


def find(version: PolicyVersion, code: str) -> Obligation:
    return next(o for o in version.obligations if o.code == code)


def obligation_form(obligation: Obligation, **changes: Any) -> dict[str, str]:
    """The obligation form's fields as a browser would post them."""
    data = {
        name: getattr(obligation, name)
        for name in (
            "code",
            "title",
            "source_document",
            "source_reference",
            "summary",
            "clause_template",
            "attestation_question",
        )
    }
    data["parameters"] = json.dumps(obligation.parameters)
    data["applicability"] = json.dumps(obligation.applicability)
    data.update(changes)
    return data


# Pages ---------------------------------------------------------------------------------


def _published() -> dict:
    version = published_policy()
    return {"version": version.id, "obligation": find(version, "BRN-1").id}


def _draft() -> dict:
    version = draft_policy()
    return {"version": version.id, "obligation": find(version, "BRN-1").id}


PAGES: tuple[Page, ...] = (
    Page("obligations.versions", "/obligations/", STAFF),
    Page("obligations.version", "/obligations/{version}", STAFF, params=_published),
    Page(
        "obligations.obligation",
        "/obligations/obligation/{obligation}",
        STAFF,
        params=_published,
    ),
    Page("obligations.impact", "/obligations/{version}/impact", STAFF, params=_published),
    Page("obligations.new_draft", "/obligations/new-draft", EDITORS),
    Page(
        "obligations.edit_obligation",
        "/obligations/obligation/{obligation}/edit",
        EDITORS,
        params=_draft,
    ),
    Page(
        "obligations.new_obligation",
        "/obligations/{version}/obligations/new",
        EDITORS,
        params=_draft,
    ),
    Page("obligations.publish", "/obligations/{version}/publish", EDITORS, params=_draft),
)


# Audited posts -------------------------------------------------------------------------


def new_draft(login_as):
    published_policy()
    login_as("privacy")
    return "/obligations/new-draft", {"label": "2026.2", "notes": "Shorter breach notice"}


def edit_obligation(login_as):
    breach = find(draft_policy(), "BRN-1")
    login_as("admin")
    data = obligation_form(breach, title="Report incidents within the agreed hours")
    data.pop("code")
    return f"/obligations/obligation/{breach.id}/edit", data


def new_obligation(login_as):
    draft = draft_policy()
    login_as("privacy")
    data = obligation_form(find(draft, "NOT-1"), code="NOT-2", title="Notice in other languages")
    return f"/obligations/{draft.id}/obligations/new", data


def remove_obligation(login_as):
    draft = draft_policy()
    login_as("privacy")
    return f"/obligations/obligation/{find(draft, 'PER-1').id}/remove", {}


def publish(login_as):
    draft = draft_policy()
    login_as("admin")
    assert draft.status == PolicyStatus.DRAFT
    return f"/obligations/{draft.id}/publish", {"effective_date": "2026-07-01"}


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("obligations.new_draft", "policy.draft_created", new_draft),
    AuditCase("obligations.edit_obligation", "obligation.updated", edit_obligation),
    AuditCase("obligations.new_obligation", "obligation.created", new_obligation),
    AuditCase("obligations.remove_obligation", "obligation.removed", remove_obligation),
    AuditCase("obligations.publish", "policy.published", publish),
)
