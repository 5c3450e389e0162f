"""Invitation pages: one-time links (410 when used, expired or revoked) and who may invite whom."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from sharing.audit.models import AuditEvent
from sharing.auth import invitations
from sharing.auth.models import Invitation, Role, User
from sharing.core.clock import now
from sharing.mail.models import Notification
from tests.factories import make_department, make_organisation, make_user

PASSWORD = "a long enough passphrase"
NEW = "/auth/invitations/new"


def issue(role="vendor", when=None, **overrides):
    """An invitation issued directly by the service; returns (invitation, token)."""
    values = {
        "actor": make_user("admin"),
        "email": "invitee@example.org",
        "name": "Ivy Invitee",
        "role": role,
        "organisation_id": make_organisation().id if role == "vendor" else None,
        "department_id": None,
        "now": when or now(),
    }
    values.update(overrides)
    return invitations.invite(**values)


def accept_url(token: str) -> str:
    return f"/auth/invitations/accept/{token}"


def accept(client, token: str, password: str = PASSWORD):
    form = {"name": "Ivy Invitee", "password": password, "confirm": password}
    # Used links show an error page without a form, so the token comes from the sign-in page.
    return client.post_form(accept_url(token), form, from_url="/auth/sign-in")


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# The one-time link --------------------------------------------------------------------


def test_accepting_sets_a_password_and_signs_the_user_in(client, db):
    """The link shows the invitation, then creates the account and signs its owner in."""
    organisation = make_organisation(common_name="Acme Analytics")
    _, token = issue(organisation_id=organisation.id)
    page = client.get(accept_url(token))
    assert page.status_code == 200
    assert "Acme Analytics" in page.get_data(as_text=True)
    response = accept(client, token)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    account = client.get("/auth/account")
    assert account.status_code == 200
    assert "invitee@example.org" in account.get_data(as_text=True)
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "invitee@example.org"))
    assert (user.role, user.organisation_id) == (Role.VENDOR, organisation.id)
    # The chosen password works on the sign-in page.
    client.post_form("/auth/sign-out", {}, from_url="/auth/account")
    signed_in = client.post_form("/auth/sign-in", {"email": user.email, "password": PASSWORD})
    assert signed_in.status_code == 302


def test_a_link_works_once_then_gives_410(client, db):
    """After acceptance the same link is Gone, on GET and on POST; no second account appears."""
    _, token = issue()
    assert accept(client, token).status_code == 302
    client.post_form("/auth/sign-out", {}, from_url="/auth/account")
    assert client.get(accept_url(token)).status_code == 410
    assert accept(client, token).status_code == 410
    db.session.expire_all()
    assert count(db, User) == 2  # the inviting admin and the invitee


def test_an_expired_link_gives_410(client, db):
    """A link older than INVITATION_DAYS is Gone, on GET and on POST."""
    _, token = issue(when=now() - timedelta(days=8))
    get = client.get(accept_url(token))
    assert get.status_code == 410
    assert "expired" in get.get_data(as_text=True)
    assert accept(client, token).status_code == 410
    assert count(db, User) == 1


def test_a_revoked_link_gives_410(client, login_as, db):
    """An invitation revoked from the list page stops working, on GET and on POST."""
    login_as("admin")
    invitation, token = issue()
    response = client.post_form(
        f"/auth/invitations/{invitation.id}/revoke", {}, from_url="/auth/invitations"
    )
    assert response.status_code == 302
    client.post_form("/auth/sign-out", {}, from_url="/auth/account")
    assert client.get(accept_url(token)).status_code == 410
    assert accept(client, token).status_code == 410
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).revoked_at is not None


def test_a_made_up_token_gives_410(client):
    """Guessing tokens gets the same answer as a used link."""
    assert client.get(accept_url("not-a-real-token")).status_code == 410


def test_a_rejected_acceptance_keeps_the_link_usable(client, db):
    """A too-short password is shown beside the field, and the link still works afterwards."""
    _, token = issue()
    response = accept(client, token, password="short")
    assert response.status_code == 200
    assert 'id="password-error"' in response.get_data(as_text=True)
    assert count(db, User) == 1
    assert accept(client, token).status_code == 302


def test_no_token_is_stored_in_clear(client, login_as, db):
    """An invitation sent through the page stores only sha256(token), which the mail holds."""
    login_as("admin")
    organisation = make_organisation()
    response = client.post_form(
        NEW,
        {"email": "clear@example.org", "role": "vendor", "organisation_id": organisation.id},
    )
    assert response.status_code == 302
    db.session.expire_all()
    (message,) = db.session.scalars(select(Notification)).all()
    token = message.body.split("/auth/invitations/accept/")[1].split()[0]
    invitation = db.session.scalar(select(Invitation))
    assert invitation.token_hash == invitations.token_hash(token)
    assert all(
        token not in str(getattr(invitation, column.key)) for column in Invitation.__table__.columns
    )


# Who may invite whom -------------------------------------------------------------------


@pytest.mark.parametrize("inviter", ["admin", "procurement"])
def test_admin_and_procurement_invite_a_vendor_user_to_an_organisation(
    client, login_as, db, inviter
):
    """The invitation names the organisation, is audited, and its mail waits in the outbox."""
    login_as(inviter)
    organisation = make_organisation()
    response = client.post_form(
        NEW,
        {"email": "Vendor.User@Example.org", "role": "vendor", "organisation_id": organisation.id},
    )
    assert response.status_code == 302
    db.session.expire_all()
    invitation = db.session.scalar(select(Invitation))
    assert (invitation.email, invitation.role, invitation.organisation_id) == (
        "vendor.user@example.org",
        Role.VENDOR,
        organisation.id,
    )
    (message,) = db.session.scalars(select(Notification)).all()
    assert message.recipient == "vendor.user@example.org" and message.sent_at is None
    assert "http://localhost/auth/invitations/accept/" in message.body
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == (
        "invitation.issued"
    )


def test_vendor_invitation_without_organisation_is_refused_beside_the_field(client, login_as, db):
    """The organisation is required for vendor users; the form keeps what was typed."""
    login_as("procurement")
    response = client.post_form(NEW, {"email": "typed@example.org", "role": "vendor"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="organisation_id-error"' in html
    assert 'value="typed@example.org"' in html
    assert count(db, Invitation) == 0


@pytest.mark.parametrize(("inviter", "role"), [("admin", "procurement"), ("privacy", "privacy")])
def test_admin_and_privacy_invite_staff_to_a_department(client, login_as, db, inviter, role):
    """Staff invitations carry the chosen department."""
    login_as(inviter)
    department = make_department()
    response = client.post_form(
        NEW, {"email": "staff@example.org", "role": role, "department_id": department.id}
    )
    assert response.status_code == 302
    db.session.expire_all()
    invitation = db.session.scalar(select(Invitation))
    assert (invitation.role, invitation.department_id) == (Role(role), department.id)


@pytest.mark.parametrize(
    ("inviter", "role"),
    [
        ("procurement", "procurement"),
        ("procurement", "privacy"),
        ("procurement", "admin"),
        ("privacy", "vendor"),
        ("privacy", "admin"),
    ],
)
def test_roles_cannot_invite_outside_their_remit(client, login_as, db, inviter, role):
    """The role is not offered, a forged post is refused on the role field, nothing is sent."""
    login_as(inviter)
    form = client.get(NEW).get_data(as_text=True)
    assert f'<option value="{role}"' not in form
    data = {"email": "outside@example.org", "role": role, "organisation_id": make_organisation().id}
    response = client.post_form(NEW, data)
    assert response.status_code == 200
    assert 'id="role-error"' in response.get_data(as_text=True)
    assert count(db, Invitation) == 0
    assert count(db, Notification) == 0


def test_vendor_users_cannot_open_the_invitation_form(client, login_as):
    """Vendor users invite nobody."""
    login_as("vendor")
    assert client.get(NEW).status_code == 403
    assert client.post_form(NEW, {"email": "x@example.org", "role": "vendor"}).status_code == 403


def test_procurement_cannot_revoke_a_staff_invitation(client, login_as, db):
    """Staff invitations are not procurement's: revoking one is 404 and changes nothing."""
    invitation, _ = issue(role="privacy")
    login_as("procurement")
    listing = client.get("/auth/invitations").get_data(as_text=True)
    assert "invitee@example.org" not in listing
    response = client.post_form(
        f"/auth/invitations/{invitation.id}/revoke", {}, from_url="/auth/invitations"
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).revoked_at is None


def test_revoking_needs_csrf(client, login_as, db):
    """A forged revoke post is refused and the link keeps working."""
    login_as("admin")
    invitation, _ = issue()
    assert client.post(f"/auth/invitations/{invitation.id}/revoke").status_code == 400
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).revoked_at is None
