"""How the walk reaches each route: its URL and (for POST) its form data, built for an owner
organisation without signing anyone in.

Most routes reuse a row of the coverage tables in tests/web/tables/: a `Page` for a GET, the
first `AuditCase` for a POST. An `AuditCase` setup signs in through `login_as`; here it gets a
`Maker` instead, which only creates the user (or hands back the principal itself, so that the
objects it makes belong to whoever the walk signs in as). `EXTRA` lists what no table covers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sharing.algorithms.models import AlgorithmStatus
from sharing.auth.models import User
from sharing.core.clock import now
from sharing.flows.models import FlowStatus
from sharing.vendors.models import Organisation
from tests.conftest import TEST_PASSWORD
from tests.factories import make_department, make_user
from tests.web import test_audit_coverage as audit_tables
from tests.web.tables import Page
from tests.web.tables import algorithms as algorithm_tables
from tests.web.tables import evidence as evidence_tables
from tests.web.tables import flows as flow_tables
from tests.web.tables import negotiation as negotiation_tables
from tests.web.tables import pages as role_tables
from tests.web.tables import signing as signing_tables

PRINCIPALS = ("anonymous", "vendor_a", "vendor_b", "procurement", "privacy", "admin")
# Returns (url, form data); the walk adds the CSRF token.
Build = Callable[["Maker"], tuple[str, dict]]
SKIPPED_ENDPOINTS = {"static"}
WALKED_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


class Maker:
    """Stands in for `login_as` in the table set-ups: it makes the user and signs nobody in.

    Asked for the principal's own role, it returns the principal (a vendor only when it
    belongs to the owner), so an import job is the signed-in user's own, a vendor's request
    is the owner's, and a password change knows the principal's password.
    """

    def __init__(self, owner: Organisation, principal: User | None) -> None:
        self.owner = owner
        self.principal = principal

    def __call__(self, role: str = "admin", **overrides: Any) -> User:
        if self._is_principal(role):
            return self.principal  # type: ignore[return-value]
        if role == "vendor":
            overrides.setdefault("organisation_id", self.owner.id)
        return make_user(role, password=TEST_PASSWORD, **overrides)

    def _is_principal(self, role: str) -> bool:
        principal = self.principal
        if principal is None or principal.role.value != role:
            return False
        return role != "vendor" or principal.organisation_id == self.owner.id


def make_principal(name: str, owner: Organisation) -> User | None:
    """The user the walk signs in as: vendor_a belongs to `owner`, vendor_b to another."""
    if name == "anonymous":
        return None
    if name == "vendor_a":
        return make_user("vendor", password=TEST_PASSWORD, organisation_id=owner.id)
    if name == "vendor_b":
        return make_user("vendor", password=TEST_PASSWORD)
    return make_user(name, password=TEST_PASSWORD)


def _page(page: Page) -> Build:
    def build(maker: Maker) -> tuple[str, dict]:
        # A vendor page's objects belong to the owner's vendor (the principal, for vendor_a).
        return page.url(maker("vendor") if page.for_user else None), {}

    return build


def _fixed(url: str) -> Build:
    return lambda maker: (url, {})


def _invitation_page(maker: Maker) -> tuple[str, dict]:
    _, token = audit_tables._issue()
    return f"/auth/invitations/accept/{token}", {}


def _pdf(maker: Maker) -> tuple[str, dict]:
    """A generated agreement whose PDF is already in the cache, so LibreOffice never runs."""
    from sharing.agreements.pdf_cache import pdf_cache_dir
    from tests.web.tables.agreement_lifecycle import SAMPLE_PDF
    from tests.web.tables.agreements import draft

    agreement = draft(generated=True)
    cache = pdf_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    (cache / f"{agreement.generated_sha256}.pdf").write_bytes(SAMPLE_PDF)
    return f"/agreements/{agreement.id}/agreement.pdf", {}


def _invite_staff(maker: Maker) -> tuple[str, dict]:
    """Privacy officers invite staff, not vendors (the table's case invites a vendor)."""
    return "/auth/invitations/new", {"email": "new.officer@example.org", "role": "privacy"}


def _revoke_visible(maker: Maker) -> tuple[str, dict]:
    """An invitation of a role the principal may manage (procurement sees vendor ones)."""
    from sharing.auth.invitations import invite, roles_invitable_by

    principal = maker.principal
    roles = roles_invitable_by(principal) if principal is not None else []
    role = roles[0].value if roles else "privacy"
    organisation_id = maker.owner.id if role == "vendor" else None
    invitation, _ = invite(
        actor=make_user("admin"),
        email="invitee@example.org",
        name="Ivy",
        role=role,
        organisation_id=organisation_id,
        department_id=None,
        now=now(),
    )
    return f"/auth/invitations/{invitation.id}/revoke", {}


def _cancel_import(maker: Maker) -> tuple[str, dict]:
    """A job uploaded by a procurement user: the principal itself when it is one."""
    from tests.fixtures.spreadsheets import small_registry, upload

    job = upload(maker("procurement"), small_registry(make_department().code))
    return f"/reports/imports/{job.id}/cancel", {}


# Routes no coverage table lists (public pages), and rows that need another set-up.
EXTRA: dict[tuple[str, str], Build] = {
    ("auth.sign_in", "GET"): _fixed("/auth/sign-in"),
    ("auth.accept_invitation", "GET"): _invitation_page,
    ("core.healthz", "GET"): _fixed("/healthz"),
    ("bootstrap.static", "GET"): _fixed("/bootstrap/static/css/bootstrap.min.css"),
    ("agreements.download_pdf", "GET"): _pdf,
    ("auth.revoke_invitation", "POST"): _revoke_visible,
    ("reports.cancel_import", "POST"): _cancel_import,
}
# A valid submission differs by role on these routes: {(endpoint, method): {role: build}}.
BY_ROLE: dict[tuple[str, str], dict[str, Build]] = {
    ("flows.transition", "POST"): {
        "privacy": flow_tables._transition("privacy", FlowStatus.SUBMITTED, "start_review"),
    },
    ("algorithms.transition", "POST"): {
        "privacy": algorithm_tables._transition(
            "privacy", AlgorithmStatus.SUBMITTED, "start_review"
        ),
    },
    ("attestations.upload_evidence", "POST"): {
        "privacy": evidence_tables.upload_as_privacy,
        "admin": evidence_tables.upload_as_privacy,
    },
    ("auth.new_invitation", "POST"): {"privacy": _invite_staff},
    # Staff bring in a returned copy only once the agreement is back from signature.
    ("negotiation.return_copy", "POST"): {
        role: negotiation_tables.return_copy_by_mail for role in ("admin", "privacy", "procurement")
    },
    # The City's signer is whichever office user the walk signs in as.
    ("signing.countersign", "POST"): {"admin": signing_tables.countersign_as("admin")},
}


def _collect() -> dict[tuple[str, str], Build]:
    builds: dict[tuple[str, str], Build] = {}
    for page in role_tables.PAGES:
        builds.setdefault((page.endpoint, "GET"), _page(page))
    for case in audit_tables.CASES:
        builds.setdefault((case.endpoint, "POST"), case.setup)
    builds.update(EXTRA)
    return builds


CASES: dict[tuple[str, str], Build] = _collect()


def routes(app) -> set[tuple[str, str]]:
    """Every (endpoint, method) the application answers, bar static files, HEAD and OPTIONS."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in SKIPPED_ENDPOINTS
        for method in rule.methods & WALKED_METHODS
    }


def build(endpoint: str, method: str, owner: Organisation, principal: User | None):
    """The (url, data) to send for this route, with objects belonging to `owner`."""
    role = principal.role.value if principal is not None else ""
    build_for = BY_ROLE.get((endpoint, method), {}).get(role, CASES[(endpoint, method)])
    return build_for(Maker(owner, principal))
