"""Keeping the public concern form usable without a CAPTCHA: a limit on submissions per
client address, counted under a keyed hash so the table holds no one's address, and the
count of posts that filled the hidden field only robots see.

The limits are CONCERN_LIMIT_HOUR and CONCERN_LIMIT_DAY; a refused post is not counted, so
a person who waits gets through. Attempts older than a day count for nothing and are pruned
by `flask --app app concerns prune`."""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from sharing.concerns.models import ConcernAttempt
from sharing.core.database import commit_or_conflict
from sharing.errors import TooManyRequests
from sharing.extensions import db

HOUR, DAY = timedelta(hours=1), timedelta(days=1)


class TooManyConcerns(TooManyRequests):
    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def address_key(remote_addr: str | None) -> str:
    """The address as an HMAC under the app's secret: the same address always gives the same
    key, and the key cannot be turned back into the address without the secret."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, (remote_addr or "").encode(), hashlib.sha256).hexdigest()


def _window(key: str, since: datetime) -> tuple[int, datetime | None]:
    count, oldest = db.session.execute(
        select(func.count(), func.min(ConcernAttempt.at)).where(
            ConcernAttempt.address_key == key, ConcernAttempt.at > since
        )
    ).one()
    return count, oldest


def retry_after(*, key: str, now: datetime) -> int:
    """Whole seconds before this address may submit again (0: it may now)."""
    config = current_app.config
    waits = [0]
    for span, limit in ((HOUR, config["CONCERN_LIMIT_HOUR"]), (DAY, config["CONCERN_LIMIT_DAY"])):
        count, oldest = _window(key, now - span)
        if count >= limit and oldest is not None:
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
            waits.append(max(1, math.ceil((oldest + span - now).total_seconds())))
    return max(waits)


def check_limit(*, key: str, now: datetime) -> None:
    """Raise TooManyConcerns when this address has used up its submissions for now."""
    seconds = retry_after(key=key, now=now)
    if seconds:
        minutes = math.ceil(seconds / 60)
        wait = "1 minute" if minutes == 1 else f"{minutes} minutes"
        raise TooManyConcerns(
            "Too many concerns have been sent from your connection recently. Your text is "
            f"kept below: please try again in {wait}.",
            retry_after=seconds,
        )


def count_attempt(*, key: str, now: datetime, trapped: bool = False) -> None:
    """Add the attempt to the caller's transaction."""
    db.session.add(ConcernAttempt(address_key=key, at=now, trapped=trapped))


def trapped_since(since: datetime) -> int:
    """How many posts filled the hidden field since `since` (among those not yet pruned)."""
    return db.session.scalar(
        select(func.count()).where(ConcernAttempt.trapped.is_(True), ConcernAttempt.at >= since)
    )


def record_trapped(*, key: str, now: datetime) -> None:
    """A robot's post: counted, and nothing else kept."""
    count_attempt(key=key, now=now, trapped=True)
    commit_or_conflict()
    current_app.logger.info("concern form: hidden field filled; post discarded")


def prune_attempts(*, now: datetime) -> int:
    """Delete the attempts older than a day, which no limit reads any more."""
    result = db.session.execute(delete(ConcernAttempt).where(ConcernAttempt.at <= now - DAY))
    commit_or_conflict()
    return result.rowcount or 0
