"""Invitation services: who may invite whom, one-time hashed tokens, the outbox, acceptance."""

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from sharing.audit.models import AuditEvent
from sharing.auth import invitations
from sharing.auth.models import Invitation, Role, User
from sharing.auth.passwords import verify_password
from sharing.core.clock import now
from sharing.errors import Forbidden, Gone, NotFound, ValidationFailed
from sharing.extensions import db
from sharing.mail.models import Notification
from tests.factories import make_department, make_organisation, make_user

PASSWORD = "a long enough passphrase"


def invite(actor, role="vendor", **overrides):
    values = {
        "actor": actor,
        "email": f"new.{role}@example.org",
        "name": "New Person",
        "role": role,
        "organisation_id": None,
        "department_id": None,
        "now": now(),
    }
    if role == "vendor" and "organisation_id" not in overrides:
        values["organisation_id"] = make_organisation().id
    values.update(overrides)
    return invitations.invite(**values)


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# Issuing -----------------------------------------------------------------------------


def test_the_token_is_stored_only_as_its_sha256(db):
    """No column of the invitations table holds the token; token_hash is sha256(token)."""
    invitation, token = invite(make_user("admin"))
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    row = db.session.execute(text("SELECT * FROM invitations")).mappings().one()
    assert all(token not in str(value) for value in row.values())
    assert row["token_hash"] == invitation.token_hash


def test_tokens_are_long_and_different_each_time(db):
    """Tokens are unguessable: at least 32 random bytes and never repeated."""
    admin = make_user("admin")
    _, first = invite(admin, email="one@example.org")
    _, second = invite(admin, email="two@example.org")
    assert first != second
    assert len(first) >= 43


@pytest.mark.parametrize("inviter", ["admin", "procurement"])
def test_admin_and_procurement_invite_vendor_users_to_one_organisation(db, inviter):
    """A vendor invitation names its organisation and is audited as invitation.issued."""
    organisation = make_organisation()
    invitation, _ = invite(make_user(inviter), organisation_id=organisation.id)
    assert (invitation.role, invitation.organisation_id) == (Role.VENDOR, organisation.id)
    assert actions() == ["invitation.issued"]


def test_vendor_invitation_requires_an_existing_organisation(db):
    """Without an organisation (or with an unknown one) the organisation field is in error."""
    admin = make_user("admin")
    for organisation_id in (None, 999_999):
        with pytest.raises(ValidationFailed) as caught:
            invite(admin, organisation_id=organisation_id)
        assert set(caught.value.errors) == {"organisation_id"}
    assert count(Invitation) == 0 and count(Notification) == 0


@pytest.mark.parametrize(
    ("inviter", "role"),
    [
        ("admin", "procurement"),
        ("admin", "privacy"),
        ("admin", "admin"),
        ("privacy", "procurement"),
        ("privacy", "privacy"),
    ],
)
def test_admin_and_privacy_invite_staff(db, inviter, role):
    """Staff invitations carry the department and no organisation."""
    department = make_department()
    invitation, _ = invite(
        make_user(inviter),
        role=role,
        organisation_id=make_organisation().id,
        department_id=department.id,
    )
    assert invitation.role == Role(role)
    assert (invitation.organisation_id, invitation.department_id) == (None, department.id)


@pytest.mark.parametrize(
    ("inviter", "role"),
    [
        ("procurement", "procurement"),
        ("procurement", "privacy"),
        ("procurement", "admin"),
        ("privacy", "vendor"),
        ("privacy", "admin"),
        ("vendor", "vendor"),
    ],
)
def test_roles_cannot_invite_outside_their_remit(db, inviter, role):
    """Procurement invites no staff; privacy no vendors or admins; vendor users nobody."""
    with pytest.raises(Forbidden):
        invite(make_user(inviter), role=role)
    assert count(Invitation) == 0 and actions() == []


def test_an_unknown_role_is_a_validation_error(db):
    """A role outside the enumeration is refused on the role field."""
    with pytest.raises(ValidationFailed) as caught:
        invite(make_user("admin"), role="owner")
    assert set(caught.value.errors) == {"role"}


def test_an_unknown_department_is_a_validation_error(db):
    """A staff invitation cannot point at a department that does not exist."""
    with pytest.raises(ValidationFailed) as caught:
        invite(make_user("admin"), role="privacy", department_id=999_999)
    assert set(caught.value.errors) == {"department_id"}
    assert count(Invitation) == 0


def test_existing_users_cannot_be_invited_again(db):
    """An email that already has an account is refused on the email field."""
    existing = make_user("privacy")
    with pytest.raises(ValidationFailed) as caught:
        invite(make_user("admin"), role="privacy", email=existing.email.upper())
    assert set(caught.value.errors) == {"email"}


def test_the_invitation_mail_waits_in_the_outbox_with_the_one_time_link(db):
    """Without a mail server the message stays queued in the outbox, holding the link."""
    invitation, token = invite(make_user("admin"), email="Vendor.Person@Example.org")
    (message,) = db.session.scalars(select(Notification)).all()
    assert message.recipient == "vendor.person@example.org"
    assert message.kind == "invitation"
    assert message.state == "queued"
    assert f"http://localhost/auth/invitations/accept/{token}" in message.body
    assert (message.object_type, message.object_id) == ("invitation", str(invitation.id))


def test_reinviting_an_email_revokes_the_earlier_pending_invitation(db):
    """Only the newest link for an address works."""
    admin = make_user("admin")
    first, first_token = invite(admin, email="again@example.org")
    invite(admin, email="again@example.org")
    db.session.expire_all()
    assert db.session.get(Invitation, first.id).revoked_at is not None
    with pytest.raises(Gone):
        invitations.find_usable(first_token, now=now())


# Accepting ---------------------------------------------------------------------------


def test_accepting_creates_the_user_with_the_chosen_password(db):
    """The new user has the invited role, organisation and a working password."""
    organisation = make_organisation()
    invitation, token = invite(make_user("procurement"), organisation_id=organisation.id)
    user = invitations.accept(token=token, name=" Vera Vendor ", password=PASSWORD, now=now())
    assert (user.email, user.name, user.role, user.organisation_id, user.active) == (
        invitation.email,
        "Vera Vendor",
        Role.VENDOR,
        organisation.id,
        True,
    )
    assert verify_password(user.password_hash, PASSWORD)
    db.session.expire_all()
    saved = db.session.get(Invitation, invitation.id)
    assert saved.accepted_user_id == user.id and saved.state(at=now()) == "accepted"
    assert actions() == ["invitation.issued", "invitation.accepted"]


def test_a_link_works_only_once(db):
    """A second acceptance with the same token is Gone, and no second user appears."""
    _, token = invite(make_user("admin"))
    invitations.accept(token=token, name="Once", password=PASSWORD, now=now())
    with pytest.raises(Gone, match="already been used"):
        invitations.accept(token=token, name="Twice", password=PASSWORD, now=now())
    assert count(User) == 2


def test_an_expired_link_is_gone(db):
    """A link used after INVITATION_DAYS is Gone."""
    _, token = invite(make_user("admin"), now=now() - timedelta(days=8))
    with pytest.raises(Gone, match="expired"):
        invitations.accept(token=token, name="Late", password=PASSWORD, now=now())
    assert count(User) == 1


def test_a_revoked_link_is_gone_and_the_revocation_is_audited(db):
    """Revoking a pending invitation stops its link and writes invitation.revoked."""
    admin = make_user("admin")
    invitation, token = invite(admin)
    invitations.revoke(actor=admin, invitation_id=invitation.id, now=now())
    with pytest.raises(Gone, match="withdrawn"):
        invitations.find_usable(token, now=now())
    assert actions() == ["invitation.issued", "invitation.revoked"]


def test_an_unknown_token_is_gone(db):
    """A made-up token gives the same 410 as a used one."""
    with pytest.raises(Gone):
        invitations.find_usable("made-up-token", now=now())


def test_accepting_applies_the_password_rules(db):
    """A short password is refused on the password field and the link still works."""
    _, token = invite(make_user("admin"))
    with pytest.raises(ValidationFailed) as caught:
        invitations.accept(token=token, name="Short", password="short", now=now())
    assert set(caught.value.errors) == {"password"}
    assert invitations.find_usable(token, now=now()).accepted_at is None


def test_only_a_pending_invitation_can_be_revoked(db):
    """Revoking an accepted invitation is refused."""
    admin = make_user("admin")
    invitation, token = invite(admin)
    invitations.accept(token=token, name="Done", password=PASSWORD, now=now())
    with pytest.raises(ValidationFailed):
        invitations.revoke(actor=admin, invitation_id=invitation.id, now=now())


def test_procurement_cannot_see_or_revoke_staff_invitations(db):
    """Staff invitations are invisible to procurement: NotFound, and absent from the list."""
    invitation, _ = invite(make_user("admin"), role="privacy")
    procurement = make_user("procurement")
    with pytest.raises(NotFound):
        invitations.revoke(actor=procurement, invitation_id=invitation.id, now=now())
    visible = db.session.scalars(invitations.invitations_query(actor=procurement, now=now()))
    assert list(visible) == []


def test_invitation_list_filters_by_state(db):
    """pending, accepted, revoked and expired are each found by their filter."""
    admin = make_user("admin")
    pending, _ = invite(admin, email="pending@example.org")
    accepted, token = invite(admin, email="accepted@example.org")
    invitations.accept(token=token, name="A", password=PASSWORD, now=now())
    revoked, _ = invite(admin, email="revoked@example.org")
    invitations.revoke(actor=admin, invitation_id=revoked.id, now=now())
    expired, _ = invite(admin, email="expired@example.org", now=now() - timedelta(days=8))
    for state, expected in [
        ("pending", pending),
        ("accepted", accepted),
        ("revoked", revoked),
        ("expired", expired),
    ]:
        stmt = invitations.invitations_query(actor=admin, state=state, now=now())
        assert [i.id for i in db.session.scalars(stmt)] == [expected.id], state


def test_the_invitation_mail_is_sent_when_a_mail_server_is_configured(app, db, smtp_server):
    """With SMTP configured the invitation is delivered at once and marked sent."""
    app.config.update(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port)
    _, token = invite(make_user("admin"), email="mailed@example.org")
    (received,) = smtp_server.messages
    assert received["to"] == ["mailed@example.org"]
    assert f"/auth/invitations/accept/{token}" in received["message"].get_content()
    db.session.expire_all()
    assert db.session.scalar(select(Notification)).sent_at is not None


def test_invitation_search_treats_wildcards_as_plain_text(db):
    """An underscore typed in the search box matches an underscore, not any character."""
    admin = make_user("admin")
    invite(admin, email="a_b@example.org")
    invite(admin, email="axb@example.org")
    stmt = invitations.invitations_query(actor=admin, search="A_B", now=now())
    assert [i.email for i in db.session.scalars(stmt)] == ["a_b@example.org"]
