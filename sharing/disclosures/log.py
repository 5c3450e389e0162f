"""The disclosure log: recording a release of personal information, editing it, adding an
occurrence to a recurring summary, and the request document kept with it.

Rules (documented here so the office can find them):
- **Approved flows only.** A disclosure is recorded against a data flow in status approved.
- **Agreement in force.** The agreement is found, never chosen: an agreement of the flow's
  organisation, in status active or expiring, that covers the flow (any revision of it), and
  whose effective..expiry dates include the disclosure date. None → flagged
  "No agreement in force".
- **Agreed purposes.** The flow's `purposes` text declares them, one per line (or separated by
  semicolons). The entry's purpose is chosen from those, or typed as "other"; a purpose that is
  not one of the declared ones (compared without case or surrounding spaces) is flagged
  "Purpose outside the agreed purposes".
- **Categories** must be among the flow's categories.
- **Exempt** entries (a Public Records Act release, internal need-to-know) need a reason; they
  are kept in the log and shown as exempt in the accounting report, never left out.
- **Retention.** retain_until = the later of (last disclosure date + 5 years) and (last
  disclosure date + the flow's retention period, when known).
- **Recurring** disclosures are one summary entry: first date, frequency, last date, the number
  of occurrences and the running total of records.
- **Bulk entry.** A CSV or XLSX file of entries goes through the registry's import path
  (reports.importing, with reports/disclosure_import.py planning and writing the rows); each
  row passes entry_problems and is written by add_disclosure, exactly as hand entry is.

The request document is checked by content (sharing/files) and written
atomically under UPLOAD_DIR/disclosures before the row is committed; if anything fails, neither
the file nor the row remains.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from sharing.agreements.models import Agreement, AgreementStatus, agreement_flows
from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.disclosures.log_files import (  # noqa: F401 - Upload and readers re-exported
    RequestFileUnavailable,
    Upload,
    discard,
    read_request_file,
    request_dir,
    store,
)
from sharing.disclosures.models import Disclosure
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from sharing.flows.models import DataCategory, DataFlow, FlowStatus

log = logging.getLogger(__name__)

RETENTION_YEARS = 5
NO_AGREEMENT = "No agreement in force"
OUTSIDE_PURPOSE = "Purpose outside the agreed purposes"
AUDIT_FIELDS = (
    "flow_id",
    "agreement_id",
    "organisation_id",
    "disclosed_on",
    "is_recurring",
    "frequency",
    "last_disclosed_on",
    "occurrence_count",
    "record_count",
    "purpose",
    "legal_authority",
    "requested_by",
    "authorized_by_id",
    "method",
    "request_file_name",
    "request_file_sha256",
    "exempt",
    "exempt_reason",
    "flagged",
    "flag_reasons",
    "retain_until",
)


# -- rules -------------------------------------------------------------------------------------


def declared_purposes(flow: DataFlow) -> list[str]:
    """The flow's agreed purposes: one per line, or separated by semicolons."""
    parts = re.split(r"[\n;]", flow.purposes or "")
    return [part.strip(" \t\r-•") for part in parts if part.strip(" \t\r-•")]


def agreement_in_force(flow: DataFlow, on: date) -> Agreement | None:
    """The active or expiring agreement of the flow's organisation covering the flow on `on`."""
    lineage = flow.lineage_id or flow.id
    covered = select(agreement_flows.c.agreement_id).join(
        DataFlow, DataFlow.id == agreement_flows.c.flow_id
    )
    covered = covered.where((DataFlow.lineage_id == lineage) | (DataFlow.id == flow.id))
    return db.session.scalar(
        select(Agreement)
        .where(
            Agreement.organisation_id == flow.organisation_id,
            Agreement.status.in_(AgreementStatus.IN_FORCE),
            Agreement.id.in_(covered),
            (Agreement.effective_date.is_(None)) | (Agreement.effective_date <= on),
            (Agreement.expiry_date.is_(None)) | (Agreement.expiry_date >= on),
        )
        .order_by(Agreement.effective_date.desc(), Agreement.id.desc())
        .limit(1)
    )


def purpose_agreed(flow: DataFlow, purpose: str) -> bool:
    wanted = purpose.strip().casefold()
    return any(wanted == agreed.casefold() for agreed in declared_purposes(flow))


def plus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)


def retention_until(flow: DataFlow, last: date) -> date:
    """The later of five years after the last disclosure and the flow's own retention end."""
    floor = plus_years(last, RETENTION_YEARS)
    if flow.retention_days:
        return max(floor, last + timedelta(days=flow.retention_days))
    return floor


def flags_for(flow: DataFlow, agreement: Agreement | None, purpose: str) -> list[str]:
    reasons = []
    if agreement is None:
        reasons.append(NO_AGREEMENT)
    if not purpose_agreed(flow, purpose):
        reasons.append(OUTSIDE_PURPOSE)
    return reasons


# -- storage -----------------------------------------------------------------------------------


# -- services ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DisclosureEntry:
    """What a person (the form) or a file row (the import) says about one disclosure."""

    flow_id: int
    disclosed_on: date
    categories: list[int]
    record_count: int | None = None
    purpose: str = ""
    legal_authority: str = ""
    requested_by: str = ""
    authorized_by_id: int | None = None
    method: str = ""
    is_recurring: bool = False
    frequency: str = ""
    exempt: bool = False
    exempt_reason: str = ""

    def values(self) -> dict[str, Any]:
        """The entry's own fields, as first recorded (one occurrence)."""
        return dict(
            flow_id=self.flow_id,
            disclosed_on=self.disclosed_on,
            last_disclosed_on=self.disclosed_on if self.is_recurring else None,
            occurrence_count=1,
            record_count=self.record_count,
            purpose=self.purpose,
            legal_authority=self.legal_authority.strip(),
            requested_by=self.requested_by.strip(),
            authorized_by_id=self.authorized_by_id,
            method=self.method,
            is_recurring=self.is_recurring,
            frequency=self.frequency,
            exempt=self.exempt,
            exempt_reason=self.exempt_reason,
        )


def entry_problems(flow: DataFlow | None, entry: DisclosureEntry, *, today: date) -> dict:
    """Every reason the entry cannot be recorded, by field; empty when it can."""
    if flow is None or flow.status != FlowStatus.APPROVED:
        return {"flow_id": "Choose an approved data flow."}
    errors: dict[str, str] = {}
    if entry.disclosed_on > today:
        errors["disclosed_on"] = "The disclosure date cannot be in the future."
    allowed = {link.category_id for link in flow.categories}
    if not entry.categories:
        errors["categories"] = "Choose the categories of data disclosed."
    elif any(category_id not in allowed for category_id in entry.categories):
        errors["categories"] = "Choose only categories the flow declares."
    if not entry.purpose.strip():
        errors["purpose"] = "Give the purpose of the disclosure."
    if entry.is_recurring and not entry.frequency:
        errors["frequency"] = "Choose how often the recurring disclosure happens."
    if entry.exempt and not entry.exempt_reason.strip():
        errors["exempt_reason"] = "Give the reason the disclosure is exempt."
    return errors


def _check(flow: DataFlow | None, entry: DisclosureEntry, *, today: date) -> list[DataCategory]:
    errors = entry_problems(flow, entry, today=today)
    if errors:
        raise ValidationFailed(errors)
    allowed = {link.category_id: link.category for link in flow.categories}
    return [allowed[category_id] for category_id in entry.categories]


def _apply(disclosure: Disclosure, flow: DataFlow, values: dict[str, Any]) -> None:
    """Set the entry's fields and derive its agreement, flags and retention."""
    for name, value in values.items():
        setattr(disclosure, name, value)
    disclosure.purpose = disclosure.purpose.strip()
    disclosure.exempt_reason = disclosure.exempt_reason.strip() if disclosure.exempt else ""
    disclosure.frequency = disclosure.frequency if disclosure.is_recurring else ""
    last = disclosure.last_disclosed_on or disclosure.disclosed_on
    agreement = agreement_in_force(flow, disclosure.disclosed_on)
    disclosure.agreement_id = agreement.id if agreement else None
    disclosure.flag_reasons = flags_for(flow, agreement, disclosure.purpose)
    disclosure.flagged = bool(disclosure.flag_reasons)
    disclosure.retain_until = retention_until(flow, last)


def add_disclosure(
    *,
    flow: DataFlow,
    entry: DisclosureEntry,
    chosen: list[DataCategory],
    actor: Any,
    stored: tuple[str, str, str] | None = None,
    source: str = "",
) -> Disclosure:
    """Add a checked entry and its `disclosure.recorded` event; the caller commits.

    `source` says where an imported entry came from, for the event's summary.
    """
    disclosure = Disclosure(organisation_id=flow.organisation_id, created_by_id=actor.id)
    values = entry.values()
    if stored:
        values.update(request_file=stored[0], request_file_name=stored[1])
        values["request_file_sha256"] = stored[2]
    _apply(disclosure, flow, values)
    disclosure.categories = chosen
    db.session.add(disclosure)
    db.session.flush()
    summary = f"Disclosure recorded: {flow.system_name} on {entry.disclosed_on.isoformat()}"
    audit.record(
        actor=actor,
        action="disclosure.recorded",
        object_type="disclosure",
        object_id=disclosure.id,
        changes=audit.created(audit.snapshot(disclosure, AUDIT_FIELDS)),
        summary=summary + (f" ({source})" if source else ""),
        organisation_id=flow.organisation_id,
    )
    return disclosure


def record_disclosure(
    *, entry: DisclosureEntry, request_file: Upload | None, actor: Any, today: date
) -> Disclosure:
    """Record one disclosure (or the first of a recurring series); flags are derived."""
    flow = db.session.get(DataFlow, entry.flow_id)
    chosen = _check(flow, entry, today=today)
    stored = store(request_file)
    try:
        disclosure = add_disclosure(
            flow=flow, entry=entry, chosen=chosen, actor=actor, stored=stored
        )
        commit_or_conflict()
    except BaseException:
        db.session.rollback()
        discard(stored[0] if stored else None)
        raise
    return disclosure


def edit_disclosure(
    *,
    disclosure: Disclosure,
    entry: DisclosureEntry,
    request_file: Upload | None,
    actor: Any,
    today: date,
) -> Disclosure:
    """Correct an entry (its flow stays); a new request document replaces the old one."""
    flow = disclosure.flow
    entry = replace(entry, flow_id=flow.id)
    chosen = _check(flow, entry, today=today)
    before = audit.snapshot(disclosure, AUDIT_FIELDS) | {"categories": _ids(disclosure)}
    old_file = disclosure.request_file
    stored = store(request_file)
    try:
        values = entry.values()
        for name in ("flow_id", "occurrence_count", "last_disclosed_on"):
            values.pop(name)
        if entry.is_recurring:
            values["last_disclosed_on"] = max(
                disclosure.last_disclosed_on or entry.disclosed_on, entry.disclosed_on
            )
        else:
            values.update(last_disclosed_on=None, occurrence_count=1)
        if stored:
            values.update(request_file=stored[0], request_file_name=stored[1])
            values["request_file_sha256"] = stored[2]
        _apply(disclosure, flow, values)
        disclosure.categories = chosen
        after = audit.snapshot(disclosure, AUDIT_FIELDS) | {"categories": _ids(disclosure)}
        audit.record(
            actor=actor,
            action="disclosure.updated",
            object_type="disclosure",
            object_id=disclosure.id,
            changes=audit.diff(before, after),
            summary=f"Disclosure #{disclosure.id} corrected",
            organisation_id=disclosure.organisation_id,
        )
        commit_or_conflict()
    except BaseException:
        db.session.rollback()
        discard(stored[0] if stored else None)
        raise
    if stored and old_file:
        discard(old_file)
    return disclosure


def record_occurrence(
    *, disclosure: Disclosure, on: date, records: int, actor: Any, today: date
) -> Disclosure:
    """Add one occurrence to a recurring summary: last date, count and running total."""
    if not disclosure.is_recurring:
        raise Conflict("Only a recurring disclosure takes further occurrences.")
    if on < disclosure.disclosed_on:
        raise ValidationFailed({"on": "The date is before the first disclosure of the series."})
    if on > today:
        raise ValidationFailed({"on": "The date cannot be in the future."})
    before = audit.snapshot(disclosure, AUDIT_FIELDS)
    flow = disclosure.flow
    disclosure.last_disclosed_on = max(disclosure.last_disclosed_on or on, on)
    disclosure.occurrence_count = (disclosure.occurrence_count or 1) + 1
    disclosure.record_count = (disclosure.record_count or 0) + records
    disclosure.retain_until = retention_until(flow, disclosure.last_disclosed_on)
    if agreement_in_force(flow, on) is None and NO_AGREEMENT not in disclosure.flag_reasons:
        disclosure.flag_reasons = [*disclosure.flag_reasons, NO_AGREEMENT]
        disclosure.flagged = True
    audit.record(
        actor=actor,
        action="disclosure.occurrence_recorded",
        object_type="disclosure",
        object_id=disclosure.id,
        changes=audit.diff(before, audit.snapshot(disclosure, AUDIT_FIELDS)),
        summary=f"Occurrence on {on.isoformat()} of disclosure #{disclosure.id}: {records} records",
        organisation_id=disclosure.organisation_id,
    )
    commit_or_conflict()
    return disclosure


def _ids(disclosure: Disclosure) -> list[int]:
    return sorted(category.id for category in disclosure.categories)
