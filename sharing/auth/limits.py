"""Sign-in limits: failed sign-ins slow an account down, and lock it only after very many.

Failures are counted for the account from all addresses and for the account from one
address. Failures against other accounts never count, so one address (or every user behind
one misconfigured proxy) cannot slow anyone else down. Past a threshold each further
attempt must wait a delay that doubles with every failure, up to a cap; an attempt during
the delay is refused without checking the password and is not counted. A correct password
after the delay clears the account's failures. At SIGNIN_LOCK_FAILURES consecutive failures
the account is locked until an administrator clears it (NIST SP 800-63B §5.2.2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from sharing.audit import services as audit
from sharing.auth.models import SignInFailure, User
from sharing.core.database import commit_or_conflict
from sharing.errors import NotFound, TooManyRequests
from sharing.extensions import db

LOCKED_MESSAGE = (
    "Sign-in to this account is locked after too many failed attempts. "
    "Ask an administrator to clear the sign-in limit."
)


@dataclass(frozen=True)
class SignInLimit:
    """Where an account stands: its failures since the last success, and from one address."""

    failures: int = 0
    address_failures: int = 0
    slowed_until: datetime | None = None
    locked: bool = False

    def retry_after(self, *, now: datetime) -> int:
        """Whole seconds to wait before the next attempt is looked at (0: go ahead)."""
        if self.slowed_until is None or self.slowed_until <= now:
            return 0
        return math.ceil((self.slowed_until - now).total_seconds())


class SignInSlowed(TooManyRequests):
    """Refused before the password is checked; `retry_after` is None when locked."""

    def __init__(self, message: str, *, retry_after: int | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def delay_after(failures: int, *, threshold: int) -> timedelta:
    """The wait after `failures` failures: none below the threshold, then SIGNIN_DELAY_SECONDS
    doubling with each further failure, never more than SIGNIN_MAX_DELAY_MINUTES."""
    if failures < threshold:
        return timedelta(0)
    config = current_app.config
    cap = timedelta(minutes=config["SIGNIN_MAX_DELAY_MINUTES"])
    doublings = min(failures - threshold, 32)  # 2**32 seconds is far past any cap
    return min(timedelta(seconds=config["SIGNIN_DELAY_SECONDS"] * 2**doublings), cap)


def limit_for(*, email: str, ip: str | None = None) -> SignInLimit:
    """The account's limit as an attempt from `ip` meets it; without `ip`, as its most
    slowed-down address meets it (what the user page shows)."""
    rows = db.session.execute(
        select(SignInFailure.ip, func.count(), func.max(SignInFailure.at))
        .where(SignInFailure.email == email)
        .group_by(SignInFailure.ip)
    ).all()
    config = current_app.config
    failures = sum(n for _, n, _ in rows)
    if failures >= config["SIGNIN_LOCK_FAILURES"]:
        return SignInLimit(failures, _pair_count(rows, ip), None, True)
    waits = []
    if rows:
        last = max(_aware(at) for _, _, at in rows)
        waits.append(
            last + delay_after(failures, threshold=config["SIGNIN_MAX_FAILURES_PER_ACCOUNT"])
        )
    for address, n, at in rows:
        if ip is None or address == ip:
            waits.append(_aware(at) + delay_after(n, threshold=config["SIGNIN_MAX_FAILURES"]))
    # A zero delay adds nothing: the account is slowed only if a wait ends after its last failure.
    slowed = max(waits, default=None)
    if slowed is not None and slowed <= max(_aware(at) for _, _, at in rows):
        slowed = None
    return SignInLimit(failures, _pair_count(rows, ip), slowed, False)


def _pair_count(rows, ip: str | None) -> int:
    counts = [n for address, n, _ in rows if ip is None or address == ip]
    return max(counts, default=0)


def _aware(moment: datetime) -> datetime:
    """Aggregates come back as stored: naive UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_limit(*, email: str, ip: str, now: datetime) -> None:
    """Raise SignInSlowed when this attempt must not be looked at yet."""
    limit = limit_for(email=email, ip=ip)
    if limit.locked:
        raise SignInSlowed(LOCKED_MESSAGE, retry_after=None)
    seconds = limit.retry_after(now=now)
    if seconds:
        raise SignInSlowed(
            f"Too many failed sign-ins. Try again in {wait_in_words(seconds)}.",
            retry_after=seconds,
        )


def wait_in_words(seconds: int) -> str:
    if seconds < 60:
        return "1 second" if seconds == 1 else f"{seconds} seconds"
    minutes = math.ceil(seconds / 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def record_failure(*, email: str, ip: str, now: datetime) -> None:
    db.session.add(SignInFailure(email=email[:254], ip=ip[:64], at=now))


def forget_failures(*, email: str) -> None:
    """A success ends the run of consecutive failures, from every address."""
    db.session.execute(delete(SignInFailure).where(SignInFailure.email == email))


def clear_sign_in_limit(*, actor: User | None, user_id: int, now: datetime) -> User:
    """An administrator lifts a user's delay or lock; the trail keeps what it was."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("That user does not exist.")
    before = limit_for(email=user.email)
    forget_failures(email=user.email)
    audit.record(
        actor=actor,
        action="user.sign_in_limit_cleared",
        object_type="user",
        object_id=user.id,
        summary=f"Sign-in limit cleared for {user.email}",
        changes={
            "sign_in_failures": {"before": before.failures, "after": 0},
            "sign_in_slowed_until": {
                "before": before.slowed_until.isoformat()
                if before.slowed_until and before.slowed_until > now
                else None,
                "after": None,
            },
            "sign_in_locked": {"before": before.locked, "after": False},
        },
        organisation_id=user.organisation_id,
    )
    commit_or_conflict()
    return user
