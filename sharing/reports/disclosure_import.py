"""Disclosure-log rows of an import file: what each would record, and writing them.

The rows pass the log's own checks (log.entry_problems) and get the flags hand entry would
give them, so the preview can say "will be flagged". A row identical to an entry already in
the log (same flow, date, purpose, count and recurrence) is shown unchanged, so that
importing a file twice records nothing twice. The rows are planned with the import's own
pieces (decisions.py: Decision, parse_cells, in_chunks) and written by log.add_disclosure, as
hand entry writes them. Nothing here commits: importing.py owns the transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sharing.auth.models import User
from sharing.core.roles import Role
from sharing.core.sentences import sentence
from sharing.disclosures import log
from sharing.disclosures.log_columns import DISCLOSURE_COLUMNS
from sharing.disclosures.models import Disclosure
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowCategory, FlowStatus, Frequency
from sharing.reports.decisions import Decision, in_chunks, parse_cells
from sharing.reports.models import RowAction
from sharing.reports.reading import ReadResult, Table
from sharing.vendors.models import Organisation, normalise_name

KIND = "disclosures"
# Where each of the log's field errors belongs in the file.
FIELD_COLUMNS = {"flow_id": "system_name"}


class DisclosureDecision(Decision):
    """A disclosure row's plan; its flags are part of what the preview promised."""

    def fingerprint(self) -> str:
        return f"{super().fingerprint()}|{self.detail}"


def _org_key(name: str) -> str:
    return normalise_name(name) or name.strip().casefold()


def _duplicate_key(flow_id: int, entry: log.DisclosureEntry | Disclosure) -> tuple:
    purpose = entry.purpose.strip().casefold()
    return (flow_id, entry.disclosed_on, purpose, entry.record_count, entry.is_recurring)


class DisclosurePlanner:
    """Plans every disclosure row against the registry and the log as they are now."""

    count_keys = (KIND,)

    def __init__(self, read: ReadResult, *, today: date) -> None:
        self.read, self.today = read, today
        self.rows = list(read.rows(KIND))
        self.agreements: dict[tuple[int, date], Any] = {}
        self.seen: dict[tuple, int] = {}
        self.logged: dict[tuple, int] = {}

    def decisions(self) -> Iterator[Decision]:
        flows = self._flows()
        self.logged = self._logged([f.id for found in flows.values() for f in found])
        staff = self._staff()
        for table, number, cells in self.rows:
            yield self._plan(table, number, cells, flows, staff)

    # Reference data ------------------------------------------------------------------------

    def _flows(self) -> dict[tuple[str, str], list[DataFlow]]:
        """Every current flow of the organisations the file names, by (organisation, name)."""
        names = {
            _org_key(t.values(KIND, cells).get("organisation", "")) for t, _, cells in self.rows
        }
        orgs = []
        for chunk in in_chunks(sorted(n for n in names if n)):
            orgs += db.session.scalars(
                select(Organisation).where(Organisation.normalised_name.in_(chunk))
            ).all()
        found: dict[tuple[str, str], list[DataFlow]] = {}
        for chunk in in_chunks(sorted({o.id for o in orgs})):
            stmt = (
                select(DataFlow)
                .where(DataFlow.organisation_id.in_(chunk))
                .options(
                    selectinload(DataFlow.organisation),
                    selectinload(DataFlow.categories).selectinload(FlowCategory.category),
                )
            )
            for flow in db.session.scalars(stmt):
                key = (_org_key(flow.organisation.legal_name), flow.system_name.casefold())
                found.setdefault(key, []).append(flow)
        return found

    def _logged(self, flow_ids: list[int]) -> dict[tuple, int]:
        logged: dict[tuple, int] = {}
        for chunk in in_chunks(sorted(set(flow_ids))):
            for entry in db.session.scalars(
                select(Disclosure).where(Disclosure.flow_id.in_(chunk))
            ):
                key = _duplicate_key(entry.flow_id, entry)
                logged.setdefault(key, entry.id)
        return logged

    def _staff(self) -> dict[str, int]:
        rows = db.session.execute(
            select(User.id, User.email).where(User.active.is_(True), User.role != Role.VENDOR)
        )
        return {row.email.casefold(): row.id for row in rows}

    def _flags(self, flow: DataFlow, entry: log.DisclosureEntry) -> list[str]:
        key = (flow.id, entry.disclosed_on)
        if key not in self.agreements:
            self.agreements[key] = log.agreement_in_force(flow, entry.disclosed_on)
        return log.flags_for(flow, self.agreements[key], entry.purpose.strip())

    # Rows ------------------------------------------------------------------------------------

    def _plan(self, table: Table, number: int, cells, flows, staff) -> Decision:
        raw = table.values(KIND, cells)
        values, errors = parse_cells(DISCLOSURE_COLUMNS, raw)
        name = str(values.get("system_name") or "")
        label = f"{name} ({values.get('organisation') or '—'})"
        if values.get("disclosed_on"):
            label += f" on {values['disclosed_on'].isoformat()}"
        decision = DisclosureDecision("disclosure", table.sheet, number, label)
        flow = self._flow(values, flows, errors)
        entry = self._entry(flow, values, staff, errors)
        if entry is not None:
            problems = log.entry_problems(flow, entry, today=self.today)
            errors.update({FIELD_COLUMNS.get(k, k): v for k, v in problems.items()})
        for field_name, reason in errors.items():
            decision.errors.append((table.header_of(KIND, field_name), reason))
        if decision.errors:
            return decision
        decision.target = flow
        return self._action(decision, flow, entry)

    def _action(self, decision: Decision, flow: DataFlow, entry: log.DisclosureEntry):
        key = _duplicate_key(flow.id, entry)
        if key in self.logged:
            decision.action = RowAction.UNCHANGED
            decision.detail = f"Already in the log as entry #{self.logged[key]}."
            return decision
        if key in self.seen:
            decision.errors.append(("", f"The same disclosure as row {self.seen[key]}."))
            return decision
        self.seen[key] = decision.row
        by_id = {link.category_id: link.category for link in flow.categories}
        decision.values = {"entry": entry, "chosen": [by_id[i] for i in entry.categories]}
        decision.action = RowAction.CREATE
        notes = []
        flags = self._flags(flow, entry)
        if flags:
            notes.append("Will be flagged: " + "; ".join(flags).lower() + ".")
        if entry.exempt:
            notes.append(f"Exempt: {entry.exempt_reason.strip()}")
        decision.detail = " ".join(notes)
        return decision

    def _flow(self, values: dict, flows, errors: dict) -> DataFlow | None:
        """The approved flow the row names; an error on its column otherwise."""
        organisation, name = values.get("organisation") or "", values.get("system_name") or ""
        if not organisation or not name:
            errors.setdefault(
                "organisation" if not organisation else "system_name",
                "Name the organization and the flow's system name.",
            )
            return None
        found = flows.get((_org_key(organisation), name.casefold()), [])
        approved = [f for f in found if f.status == FlowStatus.APPROVED]
        if len(approved) == 1:
            return approved[0]
        if len(approved) > 1:
            errors["system_name"] = "Several approved flows have this name; rename one first."
        elif found:
            status = found[0].status.label.lower()
            errors["system_name"] = (
                f"“{name}” is {status}; only approved flows can carry disclosures."
            )
        else:
            errors["system_name"] = f"No flow “{name}” of “{organisation}” is registered."
        return None

    def _entry(self, flow, values: dict, staff: dict, errors: dict) -> log.DisclosureEntry | None:
        """The row as a DisclosureEntry; None when the cells themselves are wrong."""
        if not values.get("disclosed_on"):
            errors.setdefault("disclosed_on", "Give the date of the disclosure.")
        if flow is None or "disclosed_on" in errors:
            return None
        ids = self._category_ids(flow, values.get("categories") or [], errors)
        authorized_by = None
        email = (values.get("authorized_by") or "").strip()
        if email:
            authorized_by = staff.get(email.casefold())
            if authorized_by is None:
                errors["authorized_by"] = f"No active staff member has the email {email}."
        frequency = values.get("frequency") or ""
        if values.get("is_recurring") and frequency == Frequency.ONE_TIME:
            errors["frequency"] = "A recurring disclosure needs a frequency, such as daily."
        if errors:
            return None
        return log.DisclosureEntry(
            flow_id=flow.id,
            disclosed_on=values["disclosed_on"],
            categories=ids,
            record_count=values.get("record_count"),
            purpose=values.get("purpose") or "",
            legal_authority=values.get("legal_authority") or "",
            requested_by=values.get("requested_by") or "",
            authorized_by_id=authorized_by,
            method=values.get("method") or "",
            is_recurring=bool(values.get("is_recurring")),
            frequency=frequency,
            exempt=bool(values.get("exempt")),
            exempt_reason=values.get("exempt_reason") or "",
        )

    def _category_ids(self, flow: DataFlow, names: list[str], errors: dict) -> list[int]:
        declared = {link.category.name.casefold(): link.category_id for link in flow.categories}
        unknown = [n for n in names if n.casefold() not in declared]
        if unknown:
            errors["categories"] = (
                f"Not among the flow's categories: {', '.join(unknown)}. "
                + sentence(
                    f"It declares: {', '.join(sorted(c.category.name for c in flow.categories))}"
                )
            )
        return list(dict.fromkeys(declared[n.casefold()] for n in names if n not in unknown))


class DisclosureWriter:
    """Records each planned disclosure with the same service step as hand entry."""

    def __init__(self, *, actor: Any, source: str, progress: Callable[[int], None]) -> None:
        self.actor, self.source, self.progress = actor, source, progress
        self.counts: Counter = Counter()
        self.done = 0

    def add(self, decision: Decision) -> None:
        if decision.action == RowAction.CREATE:
            log.add_disclosure(
                flow=decision.target,
                entry=decision.values["entry"],
                chosen=decision.values["chosen"],
                actor=self.actor,
                source=f"imported from {self.source}, {decision.sheet} row {decision.row}",
            )
            self.counts[f"disclosure.{decision.action}"] += 1
        self.done += 1
        if self.done % 100 == 0:
            self.progress(self.done)

    def flush(self) -> None:
        db.session.flush()
        self.progress(self.done)
