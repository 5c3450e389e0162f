"""Account use cases: signing in and out, passwords, users and departments."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from sharing.audit import services as audit
from sharing.auth import limits
from sharing.auth.models import Department, User, normalise_email
from sharing.auth.passwords import hash_password, needs_rehash, verify_password
from sharing.core.database import commit_or_conflict
from sharing.core.roles import Role
from sharing.errors import (
    Conflict,
    DomainError,
    NotFound,
    TooManyRequests,
    ValidationFailed,
)
from sharing.extensions import db

SIGN_IN_FAILED = "Incorrect email or password."
USER_FIELDS = (
    "email",
    "name",
    "role",
    "department_id",
    "organisation_id",
    "active",
    "may_sign",
)


def check_password_rules(password: str, *, email: str, field: str = "password") -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise ValidationFailed({field: f"Use at least {minimum} characters."})
    if len(password) > 256:
        raise ValidationFailed({field: "Use at most 256 characters."})
    if password.strip().lower() == email.strip().lower():
        raise ValidationFailed({field: "The password must not be your email address."})


def parse_role(value: str, *, field: str = "role") -> Role:
    """The Role named by `value`, or a validation error on the field (never a crash)."""
    try:
        return Role(value)
    except ValueError:
        raise ValidationFailed({field: "Choose one of the listed roles."}) from None


# Sign-in --------------------------------------------------------------------------


def sign_in(*, email: str, password: str, ip: str, now: datetime) -> User:
    """Check the credentials; unknown and known accounts fail with the same message, and
    an account slowed down by its own failures answers 429 before the password is looked at
    (auth/limits.py)."""
    email = normalise_email(email)
    try:
        limits.check_limit(email=email, ip=ip, now=now)
    except TooManyRequests:
        db.session.rollback()
        raise

    user = find_user_by_email(email)
    valid = verify_password(user.password_hash if user else None, password)
    if not valid or user is None or not user.active:
        limits.record_failure(email=email, ip=ip, now=now)
        audit.record(
            actor=user,
            action="auth.sign_in_failed",
            object_type="user",
            object_id=user.id if user else None,
            summary=f"Failed sign-in for {email[:254]}",
        )
        commit_or_conflict()
        raise DomainError(SIGN_IN_FAILED)

    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_sign_in_at = now
    limits.forget_failures(email=email)
    audit.record(actor=user, action="auth.signed_in", object_type="user", object_id=user.id)
    commit_or_conflict()
    return user


def sign_out(*, user: User) -> None:
    """End this session and every copy of it."""
    user.session_generation += 1
    audit.record(actor=user, action="auth.signed_out", object_type="user", object_id=user.id)
    commit_or_conflict()


def change_password(*, user: User, current_password: str, new_password: str, now: datetime) -> None:
    if not verify_password(user.password_hash, current_password):
        raise ValidationFailed({"current_password": "This is not your current password."})
    check_password_rules(new_password, email=user.email, field="new_password")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now
    user.session_generation += 1
    audit.record(
        actor=user,
        action="user.password_changed",
        object_type="user",
        object_id=user.id,
        changes={"password": {"before": "(hidden)", "after": "(changed)"}},
    )
    commit_or_conflict()


# Users -----------------------------------------------------------------------------


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("That user does not exist.")
    return user


def update_user(
    *,
    actor: User,
    user_id: int,
    name: str,
    role: str,
    department_id: int | None,
    version: str,
    may_sign: bool | None = None,
) -> User:
    """Change a user's name, role, department or signer right (None keeps it). Vendor users
    stay vendor users."""
    user = get_user(user_id)
    new_role = parse_role(role)
    _check_user_change(actor=actor, user=user, role=new_role, department_id=department_id)
    if version and version != user_version(user):
        raise Conflict("This user was changed by someone else since you opened the page.")
    before = audit.snapshot(user, USER_FIELDS)
    user.name = name.strip()
    user.role = new_role
    user.department_id = department_id if new_role in Role.STAFF else None
    if may_sign is not None:
        user.may_sign = may_sign
    changes = audit.diff(before, audit.snapshot(user, USER_FIELDS))
    action = "user.role_changed" if "role" in changes else "user.updated"
    audit.record(actor=actor, action=action, object_type="user", object_id=user.id, changes=changes)
    commit_or_conflict()
    return user


def _check_user_change(*, actor: User, user: User, role: Role, department_id: int | None) -> None:
    """The meaning checks of a user edit, before anything is changed."""
    if (user.role == Role.VENDOR) != (role == Role.VENDOR):
        raise ValidationFailed({"role": "A vendor user cannot become staff, or the reverse."})
    if user.id == actor.id and role != Role.ADMIN:
        raise ValidationFailed({"role": "You cannot remove your own administrator role."})
    if role in Role.STAFF and department_id not in (None, user.department_id):
        # A user may keep a department that was since deactivated, but not move into one.
        department = db.session.get(Department, department_id)
        if department is None or not department.active:
            raise ValidationFailed({"department_id": "Choose one of the active departments."})


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def user_version(user: User) -> str:
    return user.updated_at.isoformat() if user.updated_at else ""


def set_user_active(*, actor: User, user_id: int, active: bool) -> User:
    user = get_user(user_id)
    if user.id == actor.id and not active:
        raise DomainError("You cannot deactivate your own account.")
    if user.active == active:
        raise DomainError("The user is already " + ("active." if active else "inactive."))
    user.active = active
    if not active:
        user.session_generation += 1
    audit.record(
        actor=actor,
        action="user.activated" if active else "user.deactivated",
        object_type="user",
        object_id=user.id,
        changes={"active": {"before": not active, "after": active}},
        organisation_id=user.organisation_id,
    )
    commit_or_conflict()
    return user


def create_admin(*, email: str, name: str, password: str) -> User:
    """The first administrator of a real deployment (command line)."""
    email = normalise_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise ValidationFailed({"email": "A user with this email already exists."})
    if not name.strip():
        raise ValidationFailed({"name": "Enter the administrator's name."})
    check_password_rules(password, email=email)
    user = User(
        email=email, name=name.strip(), role=Role.ADMIN, password_hash=hash_password(password)
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        actor=None,
        action="user.created",
        object_type="user",
        object_id=user.id,
        changes=audit.created(audit.snapshot(user, USER_FIELDS)),
    )
    commit_or_conflict()
    return user


def users_query(*, search: str = "", role: str = "", state: str = ""):
    # The list shows each user's organisation or department: load them with the page.
    stmt = select(User).options(selectinload(User.organisation), selectinload(User.department))
    if search:
        # autoescape: "_" and "%" in what was typed are literal, not wildcards.
        text = search.strip().lower()
        stmt = stmt.where(
            or_(
                User.email.contains(text, autoescape=True),
                func.lower(User.name).contains(text, autoescape=True),
            )
        )
    if role in {r.value for r in Role}:
        stmt = stmt.where(User.role == Role(role))
    if state in ("active", "inactive"):
        stmt = stmt.where(User.active.is_(state == "active"))
    return stmt


# Departments -----------------------------------------------------------------------

DEPARTMENT_FIELDS = ("name", "code", "active")


def _check_department_unique(name: str, code: str, exclude_id: int | None = None) -> None:
    errors = {}
    for field, column, value in (("name", Department.name, name), ("code", Department.code, code)):
        stmt = select(Department.id).where(func.lower(column) == value.lower())
        if exclude_id is not None:
            stmt = stmt.where(Department.id != exclude_id)
        if db.session.scalar(stmt):
            errors[field] = f"Another department already uses this {field}."
    if errors:
        raise ValidationFailed(errors)


def create_department(*, actor: User, name: str, code: str) -> Department:
    name, code = name.strip(), code.strip().upper()
    _check_department_unique(name, code)
    department = Department(name=name, code=code, active=True)
    db.session.add(department)
    db.session.flush()
    audit.record(
        actor=actor,
        action="department.created",
        object_type="department",
        object_id=department.id,
        changes=audit.created(audit.snapshot(department, DEPARTMENT_FIELDS)),
    )
    commit_or_conflict()
    return department


def update_department(
    *, actor: User, department_id: int, name: str, code: str, active: bool
) -> Department:
    department = db.session.get(Department, department_id)
    if department is None:
        raise NotFound("That department does not exist.")
    name, code = name.strip(), code.strip().upper()
    _check_department_unique(name, code, exclude_id=department.id)
    before = audit.snapshot(department, DEPARTMENT_FIELDS)
    department.name, department.code, department.active = name, code, active
    audit.record(
        actor=actor,
        action="department.updated",
        object_type="department",
        object_id=department.id,
        changes=audit.diff(before, audit.snapshot(department, DEPARTMENT_FIELDS)),
    )
    commit_or_conflict()
    return department


def active_departments(*, including: int | None = None) -> list[Department]:
    """Departments open for new staff, plus `including` (a user's current one) if inactive."""
    wanted = or_(Department.active, Department.id == including) if including else Department.active
    return list(db.session.scalars(select(Department).where(wanted).order_by(Department.name)))
