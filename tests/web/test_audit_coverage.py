"""Every state-changing route writes exactly one audit event, and none can alter the trail.

The tables (below, and in tests/web/tables/) must name every endpoint that accepts POST
(or PUT, PATCH, DELETE). A new route fails
`test_every_state_changing_endpoint_has_an_audit_case` until a case is added: a function
that prepares the data, signs in the right role, and returns (url, form data).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sharing.audit.models import AuditEvent
from sharing.auth import invitations
from sharing.core.clock import now
from tests.conftest import TEST_PASSWORD
from tests.factories import make_department, make_organisation, make_sign_in_failures, make_user
from tests.web.tables import (
    AuditCase,
    accountability,
    adoptions,
    agreement_lifecycle,
    agreement_templates,
    agreements,
    algorithms,
    attestations,
    calendar,
    concerns,
    dashboards,
    disclosure_log,
    disposition,
    evidence,
    fact_sheets,
    flows,
    inbox,
    incidents,
    negotiation,
    obligations,
    portal,
    register,
    reminders,
    reports,
    seal,
    signing,
    vendors,
)

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
NEW_PASSWORD = "a brand new passphrase"


# Setups: each gets `login_as` and returns (url, form data) ------------------------------


def sign_in_ok(login_as):
    user = make_user("privacy", password=TEST_PASSWORD)
    return "/auth/sign-in", {"email": user.email, "password": TEST_PASSWORD}


def sign_in_wrong(login_as):
    user = make_user("privacy", password=TEST_PASSWORD)
    return "/auth/sign-in", {"email": user.email, "password": "not the password"}


def sign_in_unknown(login_as):
    return "/auth/sign-in", {"email": "nobody@example.org", "password": "whatever it is"}


def sign_out(login_as):
    login_as("vendor")
    return "/auth/sign-out", {}


def change_password(login_as):
    login_as("procurement")
    return "/auth/account", {
        "current_password": TEST_PASSWORD,
        "new_password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }


def edit_user(login_as):
    login_as("admin")
    user = make_user("procurement")
    data = {"name": user.name, "role": "privacy", "department_id": "", "version": ""}
    return f"/auth/users/{user.id}", data


def deactivate_user(login_as):
    login_as("admin")
    return f"/auth/users/{make_user('vendor').id}/deactivate", {}


def activate_user(login_as):
    login_as("admin")
    return f"/auth/users/{make_user('privacy', active=False).id}/activate", {}


def clear_sign_in_limit(login_as):
    login_as("admin")
    user = make_user("privacy")
    make_sign_in_failures(user.email, 3)
    return f"/auth/users/{user.id}/sign-in-limit/clear", {}


def new_department(login_as):
    login_as("admin")
    return "/auth/departments/new", {"name": "Parks", "code": "PRNS", "active": "y"}


def edit_department(login_as):
    login_as("admin")
    department = make_department(name="Parks", code="PRNS")
    return f"/auth/departments/{department.id}", {"name": "Parks and Trails", "code": "PRNS"}


def new_invitation(login_as):
    login_as("procurement")
    data = {
        "email": "vendor@example.org",
        "role": "vendor",
        "organisation_id": make_organisation().id,
    }
    return "/auth/invitations/new", data


def _issue():
    return invitations.invite(
        actor=make_user("admin"),
        email="invitee@example.org",
        name="Ivy",
        role="privacy",
        organisation_id=None,
        department_id=None,
        now=now(),
    )


def revoke_invitation(login_as):
    login_as("admin")
    invitation, _ = _issue()
    return f"/auth/invitations/{invitation.id}/revoke", {}


def accept_invitation(login_as):
    _, token = _issue()
    data = {"name": "Ivy", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    return f"/auth/invitations/accept/{token}", data


AUTH_CASES = (
    AuditCase("auth.sign_in", "auth.signed_in", sign_in_ok, "success"),
    AuditCase("auth.sign_in", "auth.sign_in_failed", sign_in_wrong, "wrong-password"),
    AuditCase("auth.sign_in", "auth.sign_in_failed", sign_in_unknown, "unknown-email"),
    AuditCase("auth.sign_out", "auth.signed_out", sign_out),
    AuditCase("auth.account", "user.password_changed", change_password),
    AuditCase("auth.edit_user", "user.role_changed", edit_user),
    AuditCase("auth.deactivate_user", "user.deactivated", deactivate_user),
    AuditCase("auth.activate_user", "user.activated", activate_user),
    AuditCase("auth.clear_sign_in_limit", "user.sign_in_limit_cleared", clear_sign_in_limit),
    AuditCase("auth.new_department", "department.created", new_department),
    AuditCase("auth.edit_department", "department.updated", edit_department),
    AuditCase("auth.new_invitation", "invitation.issued", new_invitation),
    AuditCase("auth.revoke_invitation", "invitation.revoked", revoke_invitation),
    AuditCase("auth.accept_invitation", "invitation.accepted", accept_invitation),
)

# Each package keeps its cases in tests/web/tables/<package>.py.
CASES = (
    AUTH_CASES
    + vendors.AUDIT_CASES
    + flows.AUDIT_CASES
    + algorithms.AUDIT_CASES
    + reports.AUDIT_CASES
    + obligations.AUDIT_CASES
    + agreements.AUDIT_CASES
    + agreement_templates.AUDIT_CASES
    + agreement_lifecycle.AUDIT_CASES
    + attestations.AUDIT_CASES
    + evidence.AUDIT_CASES
    + fact_sheets.AUDIT_CASES
    + portal.AUDIT_CASES
    + reminders.AUDIT_CASES
    + calendar.AUDIT_CASES
    + incidents.AUDIT_CASES
    + dashboards.AUDIT_CASES
    + accountability.AUDIT_CASES
    + disclosure_log.AUDIT_CASES
    + register.AUDIT_CASES
    + concerns.AUDIT_CASES
    + inbox.AUDIT_CASES
    + negotiation.AUDIT_CASES
    + seal.AUDIT_CASES
    + signing.AUDIT_CASES
    + adoptions.AUDIT_CASES
    + disposition.AUDIT_CASES
)


def state_changing_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.methods & MUTATING}


def audit_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_every_state_changing_endpoint_has_an_audit_case(app):
    """A route that accepts POST, PUT, PATCH or DELETE must be added to CASES."""
    missing = state_changing_endpoints(app) - {case.endpoint for case in CASES}
    assert missing == set(), f"add an AuditCase for: {sorted(missing)}"


def test_every_audit_case_names_a_live_endpoint(app):
    """A case for a removed or renamed route is stale and must go."""
    stale = {case.endpoint for case in CASES} - state_changing_endpoints(app)
    assert stale == set()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_each_post_writes_exactly_one_audit_event(client, login_as, db, case):
    """Posting the form (with CSRF) writes one event, of the expected action."""
    url, data = case.setup(login_as)
    token = client.csrf_token(url)
    db.session.expire_all()
    before = audit_count(db)
    response = client.post(url, data={**data, "csrf_token": token})
    body = response.get_data(as_text=False)  # a streamed response does its work as it is read
    assert response.status_code in (200, 302), body[:500]
    db.session.expire_all()
    assert audit_count(db) == before + 1
    newest = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert newest.action == case.action
    assert newest.ip == "127.0.0.1" and newest.request_id


def test_no_route_can_change_the_audit_trail(app):
    """The audit blueprint only reads; nothing under /audit accepts a mutating method."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/audit") or rule.endpoint.startswith("audit."):
            assert not (rule.methods & MUTATING), rule.rule
