"""A flow row's references checked and its action decided: the department it names, the
categories it lists with their justifications, and whether it creates, updates (an approved
flow: a new revision), leaves unchanged, or cannot change a retired or locked flow."""

from __future__ import annotations

from sharing.auth.models import Department
from sharing.core.sentences import sentence
from sharing.flows.models import DataCategory, FlowStatus
from sharing.reports.decisions import Decision, changed_columns
from sharing.reports.departments import DepartmentMatcher, normalise_department
from sharing.reports.flow_columns import FLOW_COLUMNS
from sharing.reports.models import RowAction
from sharing.reports.reading import Table

LOCKED = (FlowStatus.SUBMITTED, FlowStatus.IN_REVIEW)
FLOW_COLUMNS_BY_FIELD = {column.field: column for column in FLOW_COLUMNS}


def flow_action(decision: Decision, table: Table) -> Decision:
    """Create, unchanged, update (an approved flow: a new revision), or an error: the row's
    own errors, or a change to a retired flow or to one locked under review."""
    target = decision.target
    if decision.errors:
        decision.action = RowAction.ERROR
        return decision
    if target is None:
        decision.action = RowAction.CREATE
        return decision
    changed = [f for f in decision.values if decision.values[f] != getattr(target, f)]
    if decision.categories is not None:
        wanted = {c.id: reason for c, reason in decision.categories}
        if wanted != {fc.category_id: fc.justification for fc in target.categories}:
            changed.append("categories")
    if not changed:
        decision.action = RowAction.UNCHANGED
        return decision
    decision.detail = changed_columns(table, "flows", changed)
    if target.status == FlowStatus.RETIRED:
        decision.errors.append(
            (
                "",
                f"This flow was retired (revision {target.revision}) and cannot be changed. "
                "Remove the row, or give a new flow its own system name.",
            )
        )
        decision.action = RowAction.ERROR
        return decision
    if target.status in LOCKED:
        decision.errors.append(
            (
                "",
                f"Revision {target.revision} is {target.status.label.lower()} and locked "
                "while under review; wait for the decision, then import again.",
            )
        )
        decision.action = RowAction.ERROR
        return decision
    decision.action = RowAction.UPDATE
    if target.status == FlowStatus.APPROVED:
        decision.revision = True
        decision.detail += (
            f" Starts a new revision; revision {target.revision} stays in force until the "
            "new one is approved."
        )
    return decision


def check_department(
    table: Table, raw: dict, target, decision: Decision, departments: DepartmentChoices
) -> Department | None:
    """The department the row names (by code, name or initials), or the target flow's when
    blank. A partial match is used for checking the rest of the row, and waits in
    `departments.suggestions` until the user confirms it."""
    text = raw.get("department", "")
    header = table.header_of("flows", "department")
    if not text:
        if target is not None:
            return target.department
        decision.errors.append((header, "Enter the department's code or name."))
        return None
    department = departments.find(text, header)
    if department is None:
        decision.errors.append(
            (header, f"No department has the code or name “{text}”; use a code such as DOT.")
        )
    elif not department.active and (target is None or target.department_id != department.id):
        decision.errors.append((header, f"The department {department.name} is not active."))
    return department


class DepartmentChoices:
    """Departments matched for one planning pass, with the suggestions the user has confirmed
    (typed key → department id) and the ones still waiting, one per distinct typed value."""

    def __init__(self, departments: list[Department], confirmed: dict[str, int]) -> None:
        self.matcher = DepartmentMatcher(departments)
        self.by_id = {d.id: d for d in departments}
        self.confirmed = confirmed
        self.suggestions: dict[str, dict] = {}

    def find(self, text: str, header: str) -> Department | None:
        key = normalise_department(text) or text.casefold()
        if key in self.confirmed and self.confirmed[key] in self.by_id:
            return self.by_id[self.confirmed[key]]
        found = self.matcher.match(text)
        if found.department is not None and found.suggested:
            waiting = self.suggestions.setdefault(
                key,
                {
                    "key": key,
                    "typed": text,
                    "column": header,
                    "department_id": found.department.id,
                    "department": found.department.name,
                    "rows": 0,
                },
            )
            waiting["rows"] += 1
        return found.department


def check_categories(
    table: Table,
    raw: dict,
    target,
    decision: Decision,
    errors: dict,
    vocabulary: dict[str, DataCategory],
) -> list[tuple[DataCategory, str]] | None:
    """The categories the row lists, each with its justification; None when the row has no
    categories column (the flow keeps its own)."""
    if "categories" not in raw:
        return None
    header = table.header_of("flows", "categories")
    reasons = {}
    if "category_justifications" in raw:
        try:
            reasons = FLOW_COLUMNS_BY_FIELD["category_justifications"].parse(
                raw["category_justifications"]
            )
        except ValueError as error:
            errors["category_justifications"] = str(error)
    had = {fc.category_id for fc in target.categories} if target is not None else set()
    chosen, seen = [], set()
    for name in FLOW_COLUMNS_BY_FIELD["categories"].parse(raw["categories"]):
        category = vocabulary.get(name.casefold())
        if category is None:
            decision.errors.append((header, f"“{name}” is not in the category vocabulary."))
        elif category.id in seen:
            decision.errors.append((header, f"“{name}” is listed twice."))
        elif not category.active and category.id not in had:
            decision.errors.append((header, f"“{name}” is no longer in use."))
        else:
            seen.add(category.id)
            reason = reasons.pop(category.name.casefold(), None)
            if reason is None:
                # The row may name the category by a former name; its justification too.
                typed = next((k for k in reasons if k.casefold() == name.casefold()), None)
                reason = reasons.pop(typed) if typed is not None else ""
            chosen.append((category, reason.strip()))
    listed = {c.name.casefold() for c, _ in chosen}
    extra = [k for k in reasons if k.casefold() not in listed]
    if extra:
        justified = table.header_of("flows", "category_justifications")
        decision.errors.append(
            (justified, sentence(f"Justified but not listed in the categories: {', '.join(extra)}"))
        )
    return chosen
