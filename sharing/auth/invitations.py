"""Invitations: who may invite whom, one-time links stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from sharing.audit import services as audit
from sharing.auth.models import Department, Invitation, User, normalise_email
from sharing.auth.passwords import hash_password
from sharing.auth.recipients import active_users
from sharing.auth.services import check_password_rules, parse_role
from sharing.core.database import commit_or_conflict
from sharing.core.roles import Role
from sharing.errors import Forbidden, Gone, NotFound, ValidationFailed
from sharing.extensions import db
from sharing.inbox import services as inbox
from sharing.mail import services as mail
from sharing.mail.models import Notification
from sharing.vendors.models import Organisation

# Who may invite (or revoke an invitation for) each role.
INVITERS: dict[Role, frozenset[Role]] = {
    Role.VENDOR: frozenset(Role.REGISTRY_EDITORS),
    Role.PROCUREMENT: frozenset(Role.OFFICE),
    Role.PRIVACY: frozenset(Role.OFFICE),
    Role.ADMIN: frozenset({Role.ADMIN}),
}


# The privacy office sends agreements for signature, so it may also invite the person who signs
# for a vendor: a vendor user with the signer right.
SIGNER_INVITERS = frozenset(Role.OFFICE)


def roles_invitable_by(actor: User) -> list[Role]:
    return [role for role, inviters in INVITERS.items() if actor.role in inviters]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(
    *,
    actor: User,
    email: str,
    name: str,
    role: str,
    organisation_id: int | None,
    department_id: int | None,
    now: datetime,
    may_sign: bool = False,
) -> tuple[Invitation, str]:
    """Issue an invitation and queue its mail. Returns the invitation and the one-time token."""
    role_ = parse_role(role)
    inviters = INVITERS[role_] | (SIGNER_INVITERS if may_sign and role_ == Role.VENDOR else set())
    if actor.role not in inviters:
        raise Forbidden("You may not invite users with that role.")
    email = normalise_email(email)
    organisation = _check_invitee(
        email=email, role=role_, organisation_id=organisation_id, department_id=department_id
    )

    superseded = _revoke_pending_for(email, actor=actor, now=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        name=name.strip(),
        role=role_,
        organisation_id=organisation.id if organisation else None,
        department_id=None if role_ == Role.VENDOR else department_id,
        token_hash=token_hash(token),
        may_sign=may_sign,
        created_by_id=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    message = _queue_mail(invitation, token, organisation)
    audit.record(
        actor=actor,
        action="invitation.issued",
        object_type="invitation",
        object_id=invitation.id,
        organisation_id=invitation.organisation_id,
        changes=audit.created(
            {
                "email": email,
                "role": role_,
                "organisation_id": invitation.organisation_id,
                "may_sign": may_sign,
                "expires_at": invitation.expires_at,
            }
        ),
        summary=f"Invited {email} as {role_.label}"
        + (f"; replaced {superseded} earlier invitation(s)" if superseded else ""),
    )
    queued_ids = [message.id] if message else []  # read before commit expires the row
    commit_or_conflict()
    mail.deliver_pending(ids=queued_ids)
    return invitation, token


def _check_invitee(
    *, email: str, role: Role, organisation_id: int | None, department_id: int | None
) -> Organisation | None:
    """The meaning checks of an invitation; returns the vendor user's organisation."""
    errors: dict[str, str] = {}
    if db.session.scalar(select(User.id).where(User.email == email)):
        errors["email"] = "A user with this email already exists."
    organisation = None
    if role == Role.VENDOR:
        organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
        if organisation is None:
            errors["organisation_id"] = "Choose the organization this vendor user belongs to."
    elif department_id is not None:
        department = db.session.get(Department, department_id)
        if department is None or not department.active:
            errors["department_id"] = "Choose one of the active departments."
    if errors:
        raise ValidationFailed(errors)
    return organisation


def _revoke_pending_for(email: str, *, actor: User, now: datetime) -> int:
    pending = db.session.scalars(
        select(Invitation).where(
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    ).all()
    for invitation in pending:
        invitation.revoked_at, invitation.revoked_by_id = now, actor.id
    return len(pending)


def accept_url(token: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/auth/invitations/accept/{token}"


def _queue_mail(
    invitation: Invitation, token: str, organisation: Organisation | None
) -> Notification | None:
    days = current_app.config["INVITATION_DAYS"]
    where = f" for {organisation.display_name}" if organisation else ""
    body = (
        f"Hello {invitation.name or invitation.email},\n\n"
        f"You have been invited to the city's data-sharing register{where} "
        f"as {invitation.role.label}.\n\n"
        f"Open this link to choose a password and activate your account:\n{accept_url(token)}\n\n"
        f"The link works once and expires in {days} days. If you did not expect this "
        "invitation, you can ignore this message.\n"
    )
    return mail.queue(
        recipient=invitation.email,
        subject="Your invitation to the data-sharing register",
        body=body,
        kind="invitation",
        dedupe_key=f"invitation:{invitation.id}",
        object_type="invitation",
        object_id=invitation.id,
    )


def find_usable(token: str, *, now: datetime) -> Invitation:
    """The pending invitation behind a token, or Gone (410) if it was used, revoked or expired."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == token_hash(token))
    )
    if invitation is None:
        raise Gone("This invitation link is not valid. Ask for a new invitation.")
    state = invitation.state(at=now)
    if state == "accepted":
        raise Gone("This invitation has already been used. Sign in instead.")
    if state == "revoked":
        raise Gone("This invitation was withdrawn. Ask for a new invitation.")
    if state == "expired":
        raise Gone("This invitation has expired. Ask for a new invitation.")
    return invitation


def accept(*, token: str, name: str, password: str, now: datetime) -> User:
    invitation = find_usable(token, now=now)
    if db.session.scalar(select(User.id).where(User.email == invitation.email)):
        raise Gone("An account with this email already exists. Sign in instead.")
    check_password_rules(password, email=invitation.email)
    user = User(
        email=invitation.email,
        name=(name or invitation.name).strip(),
        role=invitation.role,
        organisation_id=invitation.organisation_id,
        department_id=invitation.department_id,
        may_sign=invitation.may_sign,
        password_hash=hash_password(password),
        password_changed_at=now,
        last_sign_in_at=now,
        active=True,
    )
    db.session.add(user)
    db.session.flush()
    invitation.accepted_at, invitation.accepted_user_id = now, user.id
    audit.record(
        actor=user,
        action="invitation.accepted",
        object_type="invitation",
        object_id=invitation.id,
        changes=audit.created(
            {
                "user_id": user.id,
                "email": user.email,
                "role": user.role,
                "name": user.name,
                "may_sign": user.may_sign,
            }
        ),
    )
    _tell_inviter(invitation, user)
    commit_or_conflict()
    return user


def _tell_inviter(invitation: Invitation, user: User) -> None:
    where = f" for {invitation.organisation.display_name}" if invitation.organisation else ""
    inbox.notify(
        people=active_users([invitation.created_by_id]),
        kind="invitation.accepted",
        key=f"invitation:{invitation.id}:accepted",
        title=f"{user.name or user.email} accepted your invitation",
        text=f"{user.email} is now a {invitation.role.label} user{where}.",
        link="/auth/invitations?state=accepted",
        object_type="invitation",
        object_id=invitation.id,
    )


def revoke(*, actor: User, invitation_id: int, now: datetime) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or not _may_see(actor, invitation):
        raise NotFound("That invitation does not exist.")
    if invitation.state(at=now) != "pending":
        raise ValidationFailed({}, "Only a pending invitation can be revoked.")
    invitation.revoked_at, invitation.revoked_by_id = now, actor.id
    audit.record(
        actor=actor,
        action="invitation.revoked",
        object_type="invitation",
        object_id=invitation.id,
        organisation_id=invitation.organisation_id,
        changes={"revoked_at": {"before": None, "after": now.isoformat()}},
    )
    commit_or_conflict()
    return invitation


def _may_see(actor: User, invitation: Invitation) -> bool:
    return actor.role in INVITERS[invitation.role]


def invitation_mail(invitation_ids: list[int]) -> dict[int, Notification]:
    """Each invitation's own email, in one query, so staff see whether it really went out."""
    if not invitation_ids:
        return {}
    rows = db.session.scalars(
        select(Notification).where(
            Notification.object_type == "invitation",
            Notification.kind == "invitation",
            Notification.object_id.in_([str(i) for i in invitation_ids]),
        )
    )
    return {int(row.object_id): row for row in rows}


def mail_states(invitation_ids: list[int]) -> dict[int, str]:
    """For the invitations page: where each invitation's email stands, in words."""
    found = invitation_mail(invitation_ids)
    return {i: mail.delivery_text(found.get(i)) for i in invitation_ids}


def issued_message(invitation: Invitation) -> str:
    """The flash after an invitation: it says sent only when the mail server took it."""
    message = invitation_mail([invitation.id]).get(invitation.id)
    who = invitation.email
    if message is None:
        return f"The invitation to {who} is ready, but no email was queued."
    if message.state == "sent":
        return f"Invitation sent to {who}."
    if message.state == "failed":
        return (
            f"The invitation to {who} is ready, but its email was not sent: {message.reason}. "
            "It is tried again automatically."
        )
    if not mail.mail_configured():
        return (
            f"The invitation to {who} is ready, but its email is only queued: no mail server "
            "is set up, so it has not been sent."
        )
    return f"The invitation to {who} is ready; its email is queued and not yet delivered."


def invitations_query(*, actor: User, state: str = "", search: str = "", now: datetime):
    visible = [role for role, inviters in INVITERS.items() if actor.role in inviters]
    stmt = select(Invitation).where(Invitation.role.in_(visible))
    if search:
        stmt = stmt.where(Invitation.email.contains(search.strip().lower(), autoescape=True))
    if state == "pending":
        stmt = stmt.where(
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
    elif state == "accepted":
        stmt = stmt.where(Invitation.accepted_at.is_not(None))
    elif state == "revoked":
        stmt = stmt.where(Invitation.revoked_at.is_not(None))
    elif state == "expired":
        stmt = stmt.where(
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at <= now,
        )
    return stmt
