"""Filtering the audit trail, and turning it into CSV rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select

from sharing.audit.models import AuditEvent
from sharing.core.clock import city_timezone
from sharing.core.csv_safety import csv_lines
from sharing.core.menus import distinct_values
from sharing.extensions import db

CSV_HEADER = [
    "id",
    "at_utc",
    "actor_email",
    "actor_role",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "summary",
    "changes",
    "ip",
    "request_id",
]


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_args(cls, args) -> AuditFilters:
        return cls(
            actor=args.get("actor", "").strip()[:254],
            action=args.get("action", "").strip()[:64],
            object_type=args.get("object_type", "").strip()[:64],
            object_id=args.get("object_id", "").strip()[:64],
            date_from=_date(args.get("date_from")),
            date_to=_date(args.get("date_to")),
        )

    def as_args(self) -> dict[str, str]:
        values = {
            "actor": self.actor,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {k: v for k, v in values.items() if v}


def _start_of(day: date) -> datetime:
    """Midnight in the city, as an instant: the filter dates are the office's local dates."""
    return datetime.combine(day, time.min, tzinfo=city_timezone())


def events_query(filters: AuditFilters) -> Select:
    stmt = select(AuditEvent)
    if filters.actor:
        # autoescape: "_" is common in addresses and must not act as a wildcard.
        stmt = stmt.where(AuditEvent.actor_email.contains(filters.actor.lower(), autoescape=True))
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.object_type:
        stmt = stmt.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id:
        stmt = stmt.where(AuditEvent.object_id == filters.object_id)
    if filters.date_from:
        stmt = stmt.where(AuditEvent.at >= _start_of(filters.date_from))
    if filters.date_to:
        stmt = stmt.where(AuditEvent.at < _start_of(filters.date_to + timedelta(days=1)))
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def known_actions() -> list[str]:
    return distinct_values(AuditEvent.action)


def known_object_types() -> list[str]:
    return distinct_values(AuditEvent.object_type)


def csv_rows(stmt: Select, batch: int = 1000) -> Iterator[str]:
    def rows():
        for event in db.session.scalars(stmt.execution_options(yield_per=batch)):
            yield [
                event.id,
                event.at.isoformat(),
                event.actor_email,
                event.actor_role,
                event.organisation_id,
                event.action,
                event.object_type,
                event.object_id,
                event.summary,
                json.dumps(event.changes, ensure_ascii=False, sort_keys=True),
                event.ip,
                event.request_id,
            ]

    return csv_lines(CSV_HEADER, rows())
