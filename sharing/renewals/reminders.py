"""Reminders: decide which are due today (`plan_reminders`), queue each exactly once with its
messages and audit event (`send_reminders`), then deliver the outbox.

A reminder is one (object, kind, window, target date). Its `Reminder` row is inserted in a
savepoint before anything else: a concurrent run that inserted the same key first wins, and the
loser skips the reminder. Each reminder is its own transaction (row, messages, audit event), so
a failure in one never loses another, and no transaction waits on more than one unique key.

Which objects get which reminders:
- renewal: agreements executed, active or expiring, with an expiry date and no successor yet
  (an executed agreement is signed and binding, so its cancel-by date matters already; one that
  has a successor is being renewed by that one). Windows: the notice window opening, then 30,
  7 and 0 days before the cancel-by date (tacit renewal) or the expiry date.
- attestation: requests pending, in progress or returned: 14 and 3 days before the due date,
  then weekly once overdue.
- evidence: files whose valid-until date is within 30 days, unless the organisation has already
  uploaded a newer file of the same type that is valid for longer (it superseded this one).
- incident: incidents reported or under investigation (not notified, not closed) with a notice
  deadline: 48 and 24 hours ahead, and once when it has passed.
- disposition: directives whose certificate is not submitted or accepted (a returned one
  counts as not submitted): DISPOSITION_REMINDER_DAYS before the due date, and once overdue.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import Row, Select, and_, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.attestations.models import (
    AttestationRequest,
    AttestationStatus,
    EvidenceFile,
    EvidenceType,
)
from sharing.audit import services as audit
from sharing.audit.services import SYSTEM
from sharing.auth.recipients import Directory
from sharing.core.clock import local
from sharing.core.database import commit_or_conflict
from sharing.disclosures.models import Incident, IncidentStatus
from sharing.extensions import db
from sharing.mail import services as mail
from sharing.renewals import dates
from sharing.renewals.messages import body_of, subject_of, window_phrase
from sharing.renewals.models import Reminder
from sharing.renewals.reminders_due import (
    Due,
    Planner,
    disposition_due,
    disposition_rows,
)
from sharing.renewals.reminders_due import due_of as _due
from sharing.vendors.models import Organisation

OPEN_ATTESTATIONS = (
    AttestationStatus.PENDING,
    AttestationStatus.IN_PROGRESS,
    AttestationStatus.RETURNED,
)
OPEN_INCIDENTS = (IncidentStatus.REPORTED, IncidentStatus.INVESTIGATING)
DELIVERY_LIMIT = 5000
AUDIT_TYPES = {
    "agreement": "agreement",
    "attestation": "attestation_request",
    "evidence": "evidence_file",
    "incident": "incident",
    "directive": "disposition_directive",
}
AUDIT_FIELDS = ("dedupe_key", "kind", "window", "target_date", "recipients")


@dataclass
class Summary:
    reminders: int = 0  # reminders queued by this run
    messages: int = 0  # messages queued by this run
    skipped: int = 0  # queued meanwhile by a concurrent run
    without_recipients: int = 0  # due, but nobody to tell: left for a later run
    sent: int = 0
    failed: int = 0
    mail_configured: bool = False


# Planning -------------------------------------------------------------------------------------


def plan_reminders(*, today: date, now: datetime) -> list[Due]:
    """The reminders due on `today` (and, for incidents, at `now`) that were never queued,
    sorted by dedupe key. Reads the database; writes nothing."""
    candidates = [
        candidate for planner in PLANNERS for candidate in _candidates(planner, today, now)
    ]
    if not candidates:
        return []
    queued = _existing_keys([due.dedupe_key for due, _ in candidates])
    fresh = [(due, dept) for due, dept in candidates if due.dedupe_key not in queued]
    directory = Directory.load(due.organisation_id for due, _ in fresh)
    planned = [
        _with_recipients(due, directory, department_id=department_id)
        for due, department_id in fresh
    ]
    return sorted(planned, key=lambda due: due.dedupe_key)


def _candidates(planner: Planner, today: date, now: datetime) -> list[tuple[Due, int | None]]:
    found = []
    for row in db.session.execute(planner.rows(today, now)):
        due = planner.due(row, today, now)
        if due is not None:
            found.append((due, row.department_id))
    return found


def _with_recipients(due: Due, directory: Directory, *, department_id: int | None) -> Due:
    found = directory.for_kind(
        due.kind, organisation_id=due.organisation_id, department_id=department_id
    )
    return replace(due, recipients=found)


def _existing_keys(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(
            db.session.scalars(select(Reminder.dedupe_key).where(Reminder.dedupe_key.in_(chunk)))
        )
    return found


def _renewal_rows(today: date, now: datetime) -> Select:
    return (
        select(
            Agreement.id,
            Agreement.number,
            Agreement.organisation_id,
            Agreement.department_id,
            Agreement.expiry_date,
            Agreement.notice_days,
            Agreement.auto_renew,
            Organisation.common_name,
            Organisation.legal_name,
        )
        .join(Organisation, Organisation.id == Agreement.organisation_id)
        .where(
            Agreement.status.in_(AgreementStatus.RENEWABLE),
            Agreement.expiry_date >= today,
            Agreement.successor_id.is_(None),
        )
    )


def _renewal_due(row: Row, today: date, now: datetime) -> Due | None:
    deadline = dates.renewal_deadline(
        expiry=row.expiry_date, notice_days=row.notice_days, auto_renew=row.auto_renew
    )
    window = dates.renewal_window(deadline, row.notice_days, today=today)
    if window is None or deadline is None:
        return None
    return _due(
        row, "agreement", "renewal", window, deadline, row.number,
        "cancel-by date" if row.auto_renew else "expiry date", deadline.isoformat(),
    )  # fmt: skip


def _attestation_rows(today: date, now: datetime) -> Select:
    return (
        select(
            AttestationRequest.id,
            AttestationRequest.organisation_id,
            AttestationRequest.due_date,
            Agreement.number,
            Agreement.department_id,
            Organisation.common_name,
            Organisation.legal_name,
        )
        .join(Agreement, Agreement.id == AttestationRequest.agreement_id)
        .join(Organisation, Organisation.id == AttestationRequest.organisation_id)
        .where(
            AttestationRequest.status.in_(OPEN_ATTESTATIONS),
            AttestationRequest.due_date
            <= today + timedelta(days=max(dates.ATTESTATION_DAYS_BEFORE)),
        )
    )


def _attestation_due(row: Row, today: date, now: datetime) -> Due | None:
    window = dates.attestation_window(row.due_date, today=today)
    if window is None:
        return None
    return _due(
        row, "attestation", "attestation", window, row.due_date, f"{row.number} attestation",
        "due date", row.due_date.isoformat(),
    )  # fmt: skip


def _evidence_rows(today: date, now: datetime) -> Select:
    newer = aliased(EvidenceFile)
    superseded = exists().where(
        newer.organisation_id == EvidenceFile.organisation_id,
        newer.evidence_type == EvidenceFile.evidence_type,
        newer.id != EvidenceFile.id,
        or_(newer.valid_until.is_(None), newer.valid_until > EvidenceFile.valid_until),
    )
    return (
        select(
            EvidenceFile.id,
            EvidenceFile.organisation_id,
            EvidenceFile.valid_until,
            EvidenceFile.evidence_type,
            Agreement.department_id,
            Organisation.common_name,
            Organisation.legal_name,
        )
        .join(Organisation, Organisation.id == EvidenceFile.organisation_id)
        .outerjoin(AttestationRequest, AttestationRequest.id == EvidenceFile.request_id)
        .outerjoin(Agreement, Agreement.id == AttestationRequest.agreement_id)
        .where(
            EvidenceFile.valid_until >= today,
            EvidenceFile.valid_until <= today + timedelta(days=dates.EVIDENCE_DAYS_BEFORE),
            or_(EvidenceFile.evidence_type == EvidenceType.OTHER, ~superseded),
        )
    )


def _evidence_due(row: Row, today: date, now: datetime) -> Due | None:
    window = dates.evidence_window(row.valid_until, today=today)
    if window is None:
        return None
    kind_name = row.evidence_type.value.replace("_", " ").upper()
    return _due(
        row, "evidence", "evidence", window, row.valid_until,
        f"{kind_name} evidence (file {row.id})", "valid-until date", row.valid_until.isoformat(),
    )  # fmt: skip


def _incident_rows(today: date, now: datetime) -> Select:
    horizon = now + timedelta(hours=max(dates.INCIDENT_HOURS_BEFORE))
    return (
        select(
            Incident.id,
            Incident.reference,
            Incident.organisation_id,
            Incident.notice_deadline,
            Agreement.department_id,
            Organisation.common_name,
            Organisation.legal_name,
        )
        .join(Organisation, Organisation.id == Incident.organisation_id)
        .outerjoin(Agreement, Agreement.id == Incident.agreement_id)
        .where(
            Incident.status.in_(OPEN_INCIDENTS),
            Incident.closed_at.is_(None),
            and_(Incident.notice_deadline.is_not(None), Incident.notice_deadline <= horizon),
        )
    )


def _incident_due(row: Row, today: date, now: datetime) -> Due | None:
    window = dates.incident_window(row.notice_deadline, now=now)
    if window is None:
        return None
    return _due(
        row, "incident", "incident", window, dates.city_date(row.notice_deadline),
        row.reference, "notice deadline",
        local(row.notice_deadline).strftime("%Y-%m-%d %H:%M %Z"),
    )  # fmt: skip


# One statement a kind, read in this order on every run.
PLANNERS = (
    Planner(_renewal_rows, _renewal_due),
    Planner(_attestation_rows, _attestation_due),
    Planner(_evidence_rows, _evidence_due),
    Planner(_incident_rows, _incident_due),
    Planner(disposition_rows, disposition_due),
)


# Sending --------------------------------------------------------------------------------------


def send_reminders(*, today: date, now: datetime) -> Summary:
    """Queue every due reminder once (row, one message per recipient, one audit event, one
    commit each), then deliver the outbox, retrying messages that failed before."""
    summary = Summary(mail_configured=mail.mail_configured())
    for due in plan_reminders(today=today, now=now):
        if not due.recipients.all:
            summary.without_recipients += 1
            continue
        queued = _queue_reminder(due, now=now)
        if queued is None:
            summary.skipped += 1
        else:
            summary.reminders += 1
            summary.messages += queued
    commit_or_conflict()
    if summary.mail_configured:
        result = mail.deliver_pending(limit=DELIVERY_LIMIT)
        summary.sent, summary.failed = result["sent"], result["failed"]
    return summary


def _queue_reminder(due: Due, *, now: datetime) -> int | None:
    """One transaction: the Reminder row, its messages, its audit event. None when another
    run queued this reminder first."""
    reminder = Reminder(
        dedupe_key=due.dedupe_key,
        object_type=due.object_type,
        object_id=due.object_id,
        kind=due.kind,
        window=due.window,
        target_date=due.target_date,
        organisation_id=due.organisation_id,
        recipients=due.recipients.all,
        created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(reminder)
    except IntegrityError:
        # A concurrent run inserted this key first (only a unique key can clash here).
        db.session.rollback()
        return None
    queued = 0
    for address in due.recipients.all:
        message = mail.queue(
            recipient=address,
            subject=subject_of(due),
            body=body_of(due, audience=due.recipients.audience(address)),
            kind=f"reminder.{due.kind}",
            dedupe_key=message_key(due.dedupe_key, address),
            object_type=due.object_type,
            object_id=due.object_id,
        )
        queued += message is not None
    audit.record(
        actor=SYSTEM,
        action="reminder.queued",
        object_type=AUDIT_TYPES[due.object_type],
        object_id=due.object_id,
        organisation_id=due.organisation_id,
        changes=audit.created(audit.snapshot(reminder, AUDIT_FIELDS)),
        summary=f"Reminder queued: {window_phrase(due.window)} ({due.deadline_name} "
        f"{due.target_date.isoformat()}), to {len(due.recipients.all)} recipient(s)",
    )
    commit_or_conflict()
    return queued


def message_key(reminder_key: str, address: str) -> str:
    """The outbox key of one recipient's message; a very long address is hashed to fit."""
    key = f"reminder:{reminder_key}:{address}"
    if len(key) <= 255:
        return key
    return f"reminder:{reminder_key}:{hashlib.sha256(address.encode()).hexdigest()}"
