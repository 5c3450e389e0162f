"""Users, departments, invitations and sign-in failures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from sharing.core.models import Base, TimestampMixin, UTCDateTime, enum_type, utcnow
from sharing.core.roles import Role


def normalise_email(value: str) -> str:
    return value.strip().lower()


class Department(TimestampMixin, Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"<Department {self.code}>"


class User(TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint(
            "(role = 'vendor' AND organisation_id IS NOT NULL)"
            " OR (role <> 'vendor' AND organisation_id IS NULL)",
            name="vendor_has_organisation",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The signer right: may sign agreements for their organisation (vendor users), or
    # countersign for the City (staff of the privacy office).
    may_sign: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped on sign-out, password change and deactivation: every earlier session dies.
    session_generation: Mapped[int] = mapped_column(Integer, default=0)
    # The secret calendar feed URL: only its SHA-256 is kept; rotating replaces it.
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    calendar_token_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation = relationship("Organisation", back_populates="users")
    department: Mapped[Department | None] = relationship()

    @validates("email")
    def _normalise_email(self, _key: str, value: str) -> str:
        return normalise_email(value)

    # Flask-Login protocol ---------------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # The generation travels in the session cookie; a bumped counter invalidates it.
        return f"{self.id}:{self.session_generation}"

    # Role helpers -----------------------------------------------------------------
    def has_role(self, *roles: Role | str) -> bool:
        return self.role in {Role(r) for r in roles}

    @property
    def is_staff(self) -> bool:
        return self.role in Role.STAFF

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class Invitation(Base):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[Role] = mapped_column(enum_type(Role))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    # Only the SHA-256 of the token is kept; the token itself exists only in the mail.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The user it makes gets the signer right.
    may_sign: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation = relationship("Organisation")
    department: Mapped[Department | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    def state(self, *, at: datetime) -> str:
        """pending, accepted, revoked or expired, as of `at`."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if at >= self.expires_at:
            return "expired"
        return "pending"


class SignInFailure(Base):
    """One failed sign-in, counted per account and per address for rate limiting."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (
        Index("ix_sign_in_failures_email_at", "email", "at"),
        Index("ix_sign_in_failures_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
