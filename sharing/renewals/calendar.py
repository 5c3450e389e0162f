"""The calendar feed: each user's secret feed URL (rotate, revoke, look up) and the ICS it serves.

Only the SHA-256 of a feed token is stored, like invitation tokens: the token itself is shown
to its owner once, and a leaked database cannot be turned into working feed URLs. A vendor's
feed carries only its own organisation's dates; the filter is in each query.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import icalendar
from flask import current_app
from sqlalchemy import Select, select

from sharing.agreements.dates import cancel_by
from sharing.agreements.models import Agreement, AgreementStatus
from sharing.attestations.models import AttestationRequest, EvidenceFile
from sharing.attestations.workflow import OPEN_FOR_ANSWERS
from sharing.audit import services as audit
from sharing.audit.services import ActorLike
from sharing.auth.models import User
from sharing.core.database import commit_or_conflict
from sharing.core.roles import Role
from sharing.errors import Conflict
from sharing.extensions import db
from sharing.vendors.models import Organisation

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 128  # token_urlsafe(32) is 43 characters; anything much longer is junk
# The feed covers a year back (recent history) and three years ahead (a full agreement term).
DAYS_BACK = 366
DAYS_AHEAD = 3 * 366
PRODID = "-//City privacy office//sharing register//EN"
CALENDAR_NAME = "Data-sharing register"
REFRESH = "PT12H"
AUDITED = ("calendar_token_created_at",)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# -- the secret URL ----------------------------------------------------------------------------


def rotate_calendar_token(*, user: User, actor: ActorLike, now: datetime) -> str:
    """Give `user` a new feed token (the old URL stops working) and return it; only its hash
    is kept, so the caller must show it now or never."""
    before = audit.snapshot(user, AUDITED)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    user.calendar_token_hash = token_hash(token)
    user.calendar_token_created_at = now
    # Only the creation time is audited: the token and its hash never enter the trail.
    audit.record(
        actor=actor,
        action="calendar.rotated",
        object_type="user",
        object_id=user.id,
        changes=audit.diff(before, audit.snapshot(user, AUDITED)),
        summary=f"Calendar feed URL {'rotated' if before[AUDITED[0]] else 'created'} "
        f"for {user.email}",
        organisation_id=user.organisation_id,
    )
    commit_or_conflict()
    return token


def revoke_calendar_token(*, user: User, actor: ActorLike) -> None:
    """Turn the user's feed off: the URL stops working at once."""
    if user.calendar_token_hash is None:
        raise Conflict("There is no calendar feed URL to turn off.")
    before = audit.snapshot(user, AUDITED)
    user.calendar_token_hash = None
    user.calendar_token_created_at = None
    audit.record(
        actor=actor,
        action="calendar.revoked",
        object_type="user",
        object_id=user.id,
        changes=audit.diff(before, audit.snapshot(user, AUDITED)),
        summary=f"Calendar feed URL turned off for {user.email}",
        organisation_id=user.organisation_id,
    )
    commit_or_conflict()


def user_for_token(token: str) -> User | None:
    """The active user whose feed this token opens, else None (unknown, revoked, rotated)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    digest = token_hash(token)
    user = db.session.scalar(select(User).where(User.calendar_token_hash == digest))
    if user is None or not user.active or user.calendar_token_hash is None:
        return None
    # The lookup is by a hash the caller cannot steer; compare again in constant time anyway.
    return user if hmac.compare_digest(user.calendar_token_hash, digest) else None


# -- the feed ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEvent:
    """One all-day event. The UID names the object and the date's meaning, not the date, so a
    calendar app updates the event when the date moves (e.g. after a tacit renewal)."""

    uid: str
    day: date
    summary: str
    description: str
    url: str


def feed_window(today: date) -> tuple[date, date]:
    return today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD)


def build_feed(*, user: User, today: date, now: datetime) -> bytes:
    """The user's calendar as ICS bytes: agreement expiry and cancel-by dates, open attestation
    due dates and evidence expiry dates within the feed window."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _calendar_name(user))
    calendar.add("x-wr-caldesc", "Renewal, attestation and evidence dates from the register.")
    calendar.add("x-published-ttl", REFRESH)
    for event in feed_events(user=user, today=today):
        calendar.add_component(_vevent(event, now))
    return calendar.to_ical()


def feed_events(*, user: User, today: date) -> list[FeedEvent]:
    """The events of the user's feed, by date, in the user's scope."""
    start, end = feed_window(today)
    org_id = user.organisation_id if user.role == Role.VENDOR else None
    if user.role == Role.VENDOR and org_id is None:
        return []  # never let a missing organisation widen a vendor's feed to everyone's
    events = [
        *_agreement_events(org_id, start),
        *_attestation_events(org_id, start, end),
        *_evidence_events(org_id, start, end),
    ]
    return sorted((e for e in events if start <= e.day <= end), key=lambda e: (e.day, e.uid))


def _calendar_name(user: User) -> str:
    if user.role == Role.VENDOR and user.organisation is not None:
        return f"{CALENDAR_NAME} – {user.organisation.display_name}"
    return CALENDAR_NAME


def _vevent(item: FeedEvent, now: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", item.uid)
    event.add("dtstamp", now)
    event.add("dtstart", item.day)
    event.add("dtend", item.day + timedelta(days=1))
    event.add("summary", item.summary)
    event.add("description", item.description)
    event.add("url", item.url)
    event.add("transp", "TRANSPARENT")  # a reminder, not a meeting: never shows as busy
    return event


def _scoped(stmt: Select, column, organisation_id: int | None) -> Select:
    """A vendor's feed: only its own organisation's rows, whatever else is asked."""
    return stmt if organisation_id is None else stmt.where(column == organisation_id)


def _link(path: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}{path}"


def _name(common: str | None, legal: str) -> str:
    return common or legal


def _agreement_events(organisation_id: int | None, start: date) -> list[FeedEvent]:
    stmt = _scoped(
        select(
            Agreement.id,
            Agreement.number,
            Agreement.expiry_date,
            Agreement.notice_days,
            Agreement.auto_renew,
            Agreement.renewal_term_months,
            Organisation.common_name,
            Organisation.legal_name,
        )
        .join(Organisation, Agreement.organisation_id == Organisation.id)
        .where(Agreement.status.in_(AgreementStatus.RENEWABLE), Agreement.expiry_date >= start),
        Agreement.organisation_id,
        organisation_id,
    )
    events = []
    for id_, number, expiry, notice, renews, term, common, legal in db.session.execute(stmt):
        label = f"{number} ({_name(common, legal)})"
        path = f"/portal/agreements/{id_}" if organisation_id else f"/agreements/{id_}"
        events.append(
            FeedEvent(
                uid=f"agreement-{id_}-expiry@sharing",
                day=expiry,
                summary=f"Expires: {label}",
                description=f"Agreement {label} expires.\n{_link(path)}",
                url=_link(path),
            )
        )
        what = (
            f"after it the agreement renews by itself for {term} months"
            if renews
            else "the notice window before expiry opens"
        )
        events.append(
            FeedEvent(
                uid=f"agreement-{id_}-cancel-by@sharing",
                day=cancel_by(expiry, notice),
                summary=f"Cancel-by: {label}",
                description=f"Last day to give notice on agreement {label}; {what}.\n{_link(path)}",
                url=_link(path),
            )
        )
    return events


def _attestation_events(organisation_id: int | None, start: date, end: date) -> list[FeedEvent]:
    stmt = _scoped(
        select(
            AttestationRequest.id,
            AttestationRequest.due_date,
            Agreement.number,
            Organisation.common_name,
            Organisation.legal_name,
        )
        .join(Agreement, AttestationRequest.agreement_id == Agreement.id)
        .join(Organisation, AttestationRequest.organisation_id == Organisation.id)
        .where(
            AttestationRequest.status.in_(OPEN_FOR_ANSWERS),
            AttestationRequest.due_date.between(start, end),
        ),
        AttestationRequest.organisation_id,
        organisation_id,
    )
    events = []
    for id_, due, number, common, legal in db.session.execute(stmt):
        label = f"{number} ({_name(common, legal)})"
        url = _link(f"/attestations/{id_}")
        events.append(
            FeedEvent(
                uid=f"attestation-{id_}-due@sharing",
                day=due,
                summary=f"Attestation due: {label}",
                description=f"The attestation for agreement {label} is due.\n{url}",
                url=url,
            )
        )
    return events


def _evidence_events(organisation_id: int | None, start: date, end: date) -> list[FeedEvent]:
    stmt = _scoped(
        select(
            EvidenceFile.id,
            EvidenceFile.valid_until,
            EvidenceFile.original_name,
            EvidenceFile.organisation_id,
            Organisation.common_name,
            Organisation.legal_name,
        )
        .join(Organisation, EvidenceFile.organisation_id == Organisation.id)
        .where(EvidenceFile.valid_until.between(start, end)),
        EvidenceFile.organisation_id,
        organisation_id,
    )
    events = []
    for id_, until, file_name, org_id, common, legal in db.session.execute(stmt):
        label = f"{file_name} ({_name(common, legal)})"
        path = "/attestations/evidence" + ("" if organisation_id else f"?organisation={org_id}")
        events.append(
            FeedEvent(
                uid=f"evidence-{id_}-expiry@sharing",
                day=until,
                summary=f"Evidence expires: {label}",
                description=f"Evidence {label} is valid until this day; upload a current "
                f"copy.\n{_link(path)}",
                url=_link(path),
            )
        )
    return events
