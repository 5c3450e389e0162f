"""What each imported row would do: create, update, unchanged or error, by the forms' own rules.

Nothing here writes. Organisation rows come first, so that flow rows may refer to
organisations that the same file creates. Flow rows are planned in chunks, so that memory
and the number of queries stay bounded however long the file is. The row's Decision and the
helpers every planner shares are decisions.py; a flow row's department, categories and action
are flow_checks.py.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from sharing.audit import services as audit
from sharing.auth.models import Department
from sharing.core.sentences import sentence
from sharing.extensions import db
from sharing.flows.models import DataCategory, DataFlow, FlowCategory, FlowStatus
from sharing.flows.rules import FLOW_FIELDS, normalise_flow
from sharing.flows.vocabulary import FORMER_NAMES
from sharing.reports.contact_planning import contact_decisions
from sharing.reports.decisions import Decision, changed_columns, in_chunks, parse_cells
from sharing.reports.flow_checks import (
    DepartmentChoices,
    check_categories,
    check_department,
    flow_action,
)
from sharing.reports.flow_columns import FLOW_COLUMNS
from sharing.reports.models import RowAction
from sharing.reports.organisation_columns import ORGANISATION_COLUMNS
from sharing.reports.reading import ReadResult, Table
from sharing.vendors.models import Organisation, OrganisationKind, normalise_name
from sharing.vendors.rules import (
    ORGANISATION_FIELDS,
    check_organisation,
    clean_organisation_values,
)

CHUNK = 500
OPEN = (FlowStatus.DRAFT, FlowStatus.SUBMITTED, FlowStatus.IN_REVIEW, FlowStatus.CHANGES_REQUESTED)
EDITABLE = (FlowStatus.DRAFT, FlowStatus.CHANGES_REQUESTED)
IDENTIFIERS = (("ein", "EIN"), ("duns", "DUNS"), ("state_registration", "state registration"))
# Flow columns that name other records rather than hold a DataFlow field.
REFERENCE_FIELDS = ("organisation", "organisation_ein", "department", "categories")
FLOW_HEADERS = {"organisation_id": "organisation", "department_id": "department"}


def _org_keys(values: dict[str, Any]) -> list[tuple[str, str]]:
    keys = [(name, str(values[name])) for name, _ in IDENTIFIERS if values.get(name)]
    return keys + name_keys(values.get("legal_name") or "")


@functools.lru_cache(maxsize=4096)
def _normalised(legal_name: str) -> str:
    return normalise_name(legal_name)


def name_keys(legal_name: str) -> list[tuple[str, str]]:
    """The normalised name; a name with no Latin letters or digits is kept as typed."""
    name = _normalised(legal_name)
    if name:
        return [("name", name)]
    return [("legal", legal_name.strip())] if legal_name.strip() else []


class Planner:
    """Plans every row of a read file against the database as it is now."""

    def __init__(self, read: ReadResult) -> None:
        self.read = read
        departments = list(db.session.scalars(select(Department).order_by(Department.id)))
        self.departments = DepartmentChoices(departments, read.confirmed_departments)
        self.categories = {c.name.casefold(): c for c in db.session.scalars(select(DataCategory))}
        for former, name in FORMER_NAMES.items():
            if name.casefold() in self.categories:
                self.categories.setdefault(former.casefold(), self.categories[name.casefold()])
        self.file_orgs: dict[tuple[str, str], Decision] = {}
        self.file_flows: dict[tuple, int] = {}
        self.orgs_by_key: dict[tuple[str, str], list[Organisation]] = {}
        self.kind_missing = any(
            "organisations" in t.kinds and "kind" not in t.mapping["organisations"]
            for t in read.tables
        )

    def decisions(self) -> Iterator[Decision]:
        self._load_organisations()
        yield from self._organisations()
        batch: list = []
        for item in self.read.rows("flows"):
            batch.append(item)
            if len(batch) == CHUNK:
                yield from self._flow_chunk(batch)
                batch = []
        if batch:
            yield from self._flow_chunk(batch)
        yield from contact_decisions(self, self.read)

    # Reference data ----------------------------------------------------------------------

    def _load_organisations(self) -> None:
        """Every registered organisation that a key in the file could match, in a few queries."""
        wanted: dict[str, set[str]] = {"ein": set(), "duns": set(), "state_registration": set()}
        wanted["name"], wanted["legal"] = set(), set()
        for table, _number, cells in self.read.rows("organisations"):
            raw = table.values("organisations", cells)
            cleaned = clean_organisation_values(parse_cells(ORGANISATION_COLUMNS, raw)[0])
            for name, value in _org_keys(cleaned):
                wanted[name].add(value)
        for table, _number, cells in self.read.rows("flows"):
            for name, value in self._flow_org_keys(table, cells):
                wanted[name].add(value)
        for table, _number, cells in self.read.rows("contacts"):
            for name, value in name_keys(table.values("contacts", cells).get("organisation", "")):
                wanted[name].add(value)
        columns = {
            "ein": Organisation.ein,
            "duns": Organisation.duns,
            "state_registration": Organisation.state_registration,
            "name": Organisation.normalised_name,
            "legal": Organisation.legal_name,
        }
        for name, values in wanted.items():
            for chunk in in_chunks(sorted(values)):
                stmt = select(Organisation).where(or_(columns[name].in_(chunk)))
                for org in db.session.scalars(stmt):
                    for key in _org_keys(audit.snapshot(org, ORGANISATION_FIELDS)):
                        bucket = self.orgs_by_key.setdefault(key, [])
                        if org not in bucket:
                            bucket.append(org)

    # Organisations -------------------------------------------------------------------------

    def _organisations(self) -> Iterator[Decision]:
        for table, number, cells in self.read.rows("organisations"):
            decision = self._organisation(table, number, cells)
            if decision is not None:
                yield decision

    def _organisation(self, table: Table, number: int, cells) -> Decision | None:
        raw = table.values("organisations", cells)
        values, errors = parse_cells(ORGANISATION_COLUMNS, raw)
        cleaned = clean_organisation_values(values)
        if cleaned.get("country") == "":
            cleaned["country"] = "US"
        for name in ("kind", "status"):
            if name in cleaned and cleaned[name] is None:
                del cleaned[name]  # blank: keep what is registered (or the default)
        decision = Decision("organisation", table.sheet, number, cleaned.get("legal_name") or "")
        decision.signature = tuple(sorted(raw.items()))
        keys = _org_keys(cleaned)
        earlier = next((self.file_orgs[k] for k in keys if k in self.file_orgs), None)
        if earlier is not None:
            if (
                len(table.kinds) > 1
                and earlier.signature == decision.signature
                and earlier.sheet == table.sheet
            ):
                return None  # a one-sheet file repeats its organisation on each flow row
            decision.errors.append(
                (
                    table.header_of("organisations", "legal_name"),
                    f"The same organization as row {earlier.row}; list each organization once.",
                )
            )
            return self._finish_org(decision, table, errors)
        for key in keys:
            self.file_orgs.setdefault(key, decision)
        decision.values, decision.keys = cleaned, keys
        target, problem = self._match_organisation(cleaned, keys)
        if problem:
            decision.errors.append(problem)
            return self._finish_org(decision, table, errors)
        if target is None:
            if "kind" not in cleaned and self.kind_missing:
                cleaned["kind"] = OrganisationKind.VENDOR
            errors.update(check_organisation(cleaned))
            decision.action = RowAction.CREATE
        else:
            decision.target = target
            merged = {**audit.snapshot(target, ORGANISATION_FIELDS), **cleaned}
            errors.update(check_organisation(merged))
            changes = _organisation_changes(target, cleaned)
            decision.action = RowAction.UPDATE if changes else RowAction.UNCHANGED
            decision.detail = changed_columns(table, "organisations", changes)
        return self._finish_org(decision, table, errors)

    def _finish_org(self, decision: Decision, table: Table, errors: dict) -> Decision:
        for name, reason in errors.items():
            decision.errors.append((table.header_of("organisations", name), reason))
        if decision.errors:
            decision.action = RowAction.ERROR
        return decision

    def _match_organisation(self, cleaned: dict, keys: list[tuple[str, str]]):
        """The registered organisation by EIN, else DUNS, else state registration, else name."""
        for key in keys:
            found = self.orgs_by_key.get(key, [])
            if len(found) > 1:
                return None, ("", f"Several registered organizations share this {key[0]}.")
            if found:
                target = found[0]
                for name, label in IDENTIFIERS:
                    theirs, ours = getattr(target, name), cleaned.get(name)
                    if theirs and ours and theirs != ours:
                        return None, (
                            label,
                            f"{target.legal_name} is registered with {label} {theirs}, "
                            f"not {ours}. Check which is right.",
                        )
                    other = self.orgs_by_key.get((name, str(ours)), []) if ours else []
                    if any(o is not target for o in other):
                        owner = other[0].legal_name
                        return None, (label, sentence(f"This {label} belongs to {owner}"))
                return target, None
        return None, None

    # Flows ----------------------------------------------------------------------------------

    def _flow_org_keys(self, table: Table, cells) -> list[tuple[str, str]]:
        raw = table.values("flows", cells)
        keys = []
        ein = clean_organisation_values({"ein": raw.get("organisation_ein", "")}).get("ein")
        if ein:
            keys.append(("ein", ein))
        return keys + name_keys(raw.get("organisation", ""))

    def _flow_chunk(self, batch: list) -> Iterator[Decision]:
        resolved = [(item, self._flow_organisation(item[0], item[2])) for item in batch]
        org_ids = sorted({org.id for _, (org, _, _) in resolved if org is not None})
        current = self._current_flows(org_ids)
        for (table, number, cells), org_ref in resolved:
            yield self._flow(table, number, cells, org_ref, current)

    def _flow_organisation(self, table: Table, cells):
        """(registered organisation, key of one this file creates, problem)."""
        typed = table.values("flows", cells).get("organisation", "")
        header = table.header_of("flows", "organisation")
        return self.resolve_organisation(self._flow_org_keys(table, cells), header, typed)

    def keys_of_name(self, legal_name: str) -> list[tuple[str, str]]:
        return name_keys(legal_name)

    def resolve_organisation(self, keys: list[tuple[str, str]], header: str, typed: str):
        """The organisation a row names by `keys`: (registered one, key of one this file
        creates, problem)."""
        for key in keys:
            planned = self.file_orgs.get(key)
            if planned is not None:
                if planned.action == RowAction.ERROR:
                    return (
                        None,
                        None,
                        (header, f"The organization on row {planned.row} has errors."),
                    )
                if planned.target is not None:
                    return planned.target, None, None
                return None, key, None
            found = self.orgs_by_key.get(key, [])
            if len(found) == 1:
                return found[0], None, None
            if len(found) > 1:
                return None, None, (header, "Several organizations match; give the EIN.")
        if not keys:
            return None, None, (header, "Name the organization.")
        name = typed or keys[0][1]
        return None, None, (header, f"No organization “{name}” is registered or in this file.")

    def _current_flows(self, org_ids: list[int]) -> dict[tuple[int, str], list[DataFlow]]:
        """Each lineage's current revision (open, else approved or retired), by organisation
        and name. Retired flows are matched so that re-importing an export leaves them
        unchanged instead of registering them again."""
        by_lineage: dict[int, DataFlow] = {}
        for chunk in in_chunks(org_ids):
            stmt = (
                select(DataFlow)
                .where(
                    DataFlow.organisation_id.in_(chunk),
                    DataFlow.status.in_((*OPEN, FlowStatus.APPROVED, FlowStatus.RETIRED)),
                )
                .options(selectinload(DataFlow.categories).selectinload(FlowCategory.category))
            )
            for flow in db.session.scalars(stmt):
                lineage = flow.lineage_id or flow.id
                held = by_lineage.get(lineage)
                if held is None or (flow.status in OPEN and held.status not in OPEN):
                    by_lineage[lineage] = flow
        current: dict[tuple[int, str], list[DataFlow]] = {}
        for flow in by_lineage.values():
            key = (flow.organisation_id, flow.system_name.strip().casefold())
            current.setdefault(key, []).append(flow)
        return current

    def _flow(self, table: Table, number: int, cells, org_ref, current) -> Decision:
        org, org_key, problem = org_ref
        raw = table.values("flows", cells)
        values, errors = parse_cells(FLOW_COLUMNS, raw, skip=REFERENCE_FIELDS)
        name = str(values.get("system_name") or "")
        org_label = org.legal_name if org is not None else raw.get("organisation", "")
        decision = Decision("flow", table.sheet, number, f"{name} ({org_label})" if name else "")
        decision.org_key = org_key
        decision.organisation_id = org.id if org is not None else None
        if problem:
            decision.errors.append(problem)
        if values.get("storage_country") == "":
            values["storage_country"] = "US"
        file_key = (org.id if org is not None else org_key, name.strip().casefold())
        if name and (org is not None or org_key) and file_key in self.file_flows:
            decision.errors.append(
                (
                    table.header_of("flows", "system_name"),
                    f"The same flow as row {self.file_flows[file_key]}; list each flow once.",
                )
            )
        elif name:
            self.file_flows[file_key] = number
        target = None
        if org is not None:
            matches = current.get((org.id, name.strip().casefold()), [])
            if len(matches) > 1:
                decision.errors.append(("", "Several current flows have this system name."))
            target = matches[0] if len(matches) == 1 else None
        department = check_department(table, raw, target, decision, self.departments)
        chosen = check_categories(table, raw, target, decision, errors, self.categories)
        base = _flow_values(target) if target is not None else {}
        merged = {**base, **values}
        merged["organisation_id"] = org.id if org is not None else (1 if org_key else None)
        merged["department_id"] = (
            department.id if department is not None else base.get("department_id")
        )
        clean, problems = normalise_flow(merged)
        errors.update(
            {
                k: v
                for k, v in problems.items()
                if k not in FLOW_HEADERS or not _has(decision, table, k)
            }
        )
        for key, reason in errors.items():
            decision.errors.append((table.header_of("flows", FLOW_HEADERS.get(key, key)), reason))
        clean.pop("organisation_id", None)
        decision.values, decision.categories, decision.target = clean, chosen, target
        return flow_action(decision, table)


def _has(decision: Decision, table: Table, field_name: str) -> bool:
    """Whether the row already carries an error for the column behind a reference field."""
    header = table.header_of("flows", FLOW_HEADERS[field_name])
    return any(column == header for column, _ in decision.errors)


def _flow_values(flow: DataFlow) -> dict[str, Any]:
    return {name: copy.deepcopy(getattr(flow, name)) for name in FLOW_FIELDS}


def _organisation_changes(target: Organisation, cleaned: dict[str, Any]) -> dict[str, Any]:
    before = audit.snapshot(target, ORGANISATION_FIELDS)
    after = {**before, **{k: audit.jsonable(v) for k, v in cleaned.items()}}
    return audit.diff(before, after)
