"""What the settings page reports: the mail server, the scheduled jobs' last traces, the time
zone, the PDF converter and the City's certificate for sealing agreements, each with the
section of docs/OPERATIONS.md that changes it. Nothing here shows a password or any other
secret."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from sharing.agreements import pdf
from sharing.agreements.roll import ROLL_EVENTS
from sharing.audit.models import AuditEvent
from sharing.audit.services import SYSTEM
from sharing.auth.models import User
from sharing.core.clock import city_timezone, local
from sharing.extensions import db
from sharing.mail.models import Notification
from sharing.renewals.models import Reminder
from sharing.seal.certificates import active_certificate
from sharing.seal.models import SealCertificate

# The event the daily attestation schedule writes for each request it creates.
SCHEDULE_ACTIONS = ("attestation.scheduled",)


@dataclass(frozen=True)
class MailSettings:
    configured: bool
    server: str
    sender: str
    signs_in: bool
    security: str
    waiting: int
    failed: int
    last_sent: datetime | None


@dataclass(frozen=True)
class JobTrace:
    name: str
    last: datetime | None
    note: str
    docs: str


@dataclass(frozen=True)
class PdfSettings:
    mode: str  # "warm", "one-off" or "missing"
    where: str


@dataclass(frozen=True)
class SealSettings:
    certificate: SealCertificate | None
    production: bool  # with no certificate: sealing refuses, instead of making one
    uploaded_by: str


def seal_settings(config: Any) -> SealSettings:
    row = active_certificate()
    uploaded_by = ""
    if row is not None and row.uploaded_by_id is not None:
        uploaded_by = db.session.scalar(select(User.name).where(User.id == row.uploaded_by_id))
    return SealSettings(row, bool(config.get("PRODUCTION")), uploaded_by or "")


def mail_settings(config: Any) -> MailSettings:
    server = config.get("MAIL_SERVER") or ""
    if config.get("MAIL_USE_SSL"):
        security = "an encrypted connection (SSL/TLS)"
    elif config.get("MAIL_USE_STARTTLS"):
        security = "an encrypted connection (STARTTLS)"
    else:
        security = "no encryption"
    unsent = Notification.sent_at.is_(None)
    waiting, failed, last_sent = db.session.execute(
        select(
            func.count().filter(unsent, Notification.failed_at.is_(None)),
            func.count().filter(unsent, Notification.failed_at.is_not(None)),
            func.max(Notification.sent_at),
        )
    ).one()
    return MailSettings(
        configured=bool(server),
        server=f"{server}:{config.get('MAIL_PORT')}" if server else "",
        sender=config.get("MAIL_SENDER") or "",
        signs_in=bool(config.get("MAIL_USERNAME")),
        security=security,
        waiting=waiting or 0,
        failed=failed or 0,
        last_sent=last_sent,
    )


def _last_system_event(actions: tuple[str, ...]) -> datetime | None:
    # max() keeps the column's type, so the instant comes back aware, in UTC.
    return db.session.scalar(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.action.in_(actions), AuditEvent.actor_email == SYSTEM.email
        )
    )


def job_traces() -> list[JobTrace]:
    last_reminder = db.session.scalar(select(func.max(Reminder.created_at)))
    return [
        JobTrace(
            "Reminders (hourly)",
            last_reminder,
            "The last time a reminder was queued. A run with nothing due leaves no trace.",
            "Reminders: cron or a systemd timer",
        ),
        JobTrace(
            "Daily agreement roll",
            _last_system_event(ROLL_EVENTS),
            "The last time the roll activated, expired or renewed an agreement. A run with "
            "nothing to change leaves no trace.",
            "Daily agreement roll",
        ),
        JobTrace(
            "Daily attestation schedule",
            _last_system_event(SCHEDULE_ACTIONS),
            "The last time the schedule created an attestation request. A run with nothing "
            "due leaves no trace.",
            "Daily attestation schedule and the evidence check",
        ),
    ]


def pdf_settings(config: Any) -> PdfSettings:
    server = config.get("PDF_UNOSERVER") or ""
    if server:
        return PdfSettings("warm", server)
    path = pdf.soffice_path(config.get("SOFFICE_BINARY"))
    return PdfSettings("one-off", path) if path else PdfSettings("missing", "")


def time_zone() -> tuple[str, str]:
    """The city's time zone name and the local time now, with its abbreviation."""
    zone = city_timezone()
    return zone.key, local(datetime.now(zone)).strftime("%Y-%m-%d %H:%M %Z")
