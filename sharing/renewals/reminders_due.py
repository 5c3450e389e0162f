"""What a reminder that is due looks like (Due), how a kind of reminder finds its candidates
(Planner), and the disposition kind's planner: a directive whose certificate is not yet
submitted or accepted is reminded a few days before its due date and once when it is overdue.
reminders.py holds the other kinds and sends them all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import Row, Select, select

from sharing.agreements.models import Agreement
from sharing.auth.recipients import Recipients
from sharing.disposition.models import DirectiveStatus, DispositionDirective
from sharing.renewals import dates
from sharing.vendors.models import Organisation

# A returned certificate is one the vendor must submit again.
OPEN_DIRECTIVES = (DirectiveStatus.ISSUED, DirectiveStatus.RETURNED)


@dataclass(frozen=True)
class Due:
    """One reminder that is due: what it is about, its window, and who receives it."""

    object_type: str
    object_id: int
    kind: str
    window: str
    target_date: date
    organisation_id: int | None
    label: str  # "TST-00001", "INC-2026-0003": names and numbers only
    organisation_name: str
    deadline_name: str  # "cancel-by date", "due date", ...
    deadline_text: str  # the date (or local time) as shown in the message
    recipients: Recipients = field(default_factory=Recipients)

    @property
    def dedupe_key(self) -> str:
        key = f"{self.object_type}:{self.object_id}:{self.kind}:{self.window}"
        return f"{key}:{self.target_date.isoformat()}"


@dataclass(frozen=True)
class Planner:
    """One kind of reminder: the statement that reads its candidate rows, and the reminder a
    row is due (None when no window is open). Each row has `id`, `organisation_id`,
    `department_id`, `common_name` and `legal_name`."""

    rows: Callable[[date, datetime], Select]
    due: Callable[[Row, date, datetime], Due | None]


def due_of(
    row: Row, object_type: str, kind: str, window: str, target_date: date, label: str,
    deadline_name: str, deadline_text: str,
) -> Due:  # fmt: skip
    """A row's Due: the parts every kind shares come from the row itself."""
    name = row.common_name or row.legal_name
    return Due(
        object_type, row.id, kind, window, target_date, row.organisation_id, label, name,
        deadline_name, deadline_text,
    )  # fmt: skip


def disposition_rows(today: date, now: datetime) -> Select:
    return (
        select(
            DispositionDirective.id,
            DispositionDirective.number,
            DispositionDirective.organisation_id,
            DispositionDirective.due_on,
            Agreement.department_id,
            Organisation.common_name,
            Organisation.legal_name,
        )
        .join(Agreement, Agreement.id == DispositionDirective.agreement_id)
        .join(Organisation, Organisation.id == DispositionDirective.organisation_id)
        .where(
            DispositionDirective.status.in_(OPEN_DIRECTIVES),
            DispositionDirective.due_on <= today + timedelta(days=_days_before()),
        )
    )


def disposition_due(row: Row, today: date, now: datetime) -> Due | None:
    window = dates.disposition_window(row.due_on, days_before=_days_before(), today=today)
    if window is None:
        return None
    return due_of(
        row, "directive", "disposition", window, row.due_on, f"Disposition directive {row.number}",
        "due date", row.due_on.isoformat(),
    )  # fmt: skip


def _days_before() -> int:
    return int(current_app.config["DISPOSITION_REMINDER_DAYS"])
