"""What the user settles on the preview before confirming: which column feeds which field
(the mapping), and which department a partly typed name means. Each choice is saved beside
the job's parsed rows, audited, and every row is planned again with it; nothing else is
written until the import is confirmed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.errors import Conflict, ValidationFailed
from sharing.reports.import_jobs import check_open
from sharing.reports.import_mapping import (
    IGNORE,
    allowed_choices,
    column_field,
    remember_mapping,
)
from sharing.reports.import_preview import preview, set_file_issues
from sharing.reports.import_store import load_rows, save_rows
from sharing.reports.models import ImportJob
from sharing.reports.reading import (
    apply_choices,
    choice_problems,
    field_options,
    refresh_mapping_issues,
)


def _described(table, choices: list[str]) -> dict[str, str]:
    labels = dict(field_options(table.kinds))
    return {
        header or f"Column {position + 1}": labels.get(choice, IGNORE)
        for position, (header, choice) in enumerate(zip(table.headers, choices, strict=True))
    }


def remap_import(
    *, actor: Any, job: ImportJob, choices: dict[int, list[str]], now: datetime
) -> ImportJob:
    """Check the rows again with the columns the user chose, sheet by sheet.

    `choices` gives, for each sheet (by its position in the file), one entry per column:
    "kind.field", or "" to ignore it. Two columns feeding one field are refused with a reason
    for each of them, keyed by `column_field`, and nothing is saved. The choices are
    remembered for the next file with the same headers.
    """
    check_open(job, now, doing="changed")
    result = load_rows(job)
    errors: dict[str, str] = {}
    changes: dict[str, dict] = {}
    for index, table in enumerate(result.tables):
        wanted = choices.get(index)
        if wanted is None or len(wanted) != len(table.headers):
            raise ValidationFailed({}, "The columns of this file have changed; reload the page.")
        allowed = allowed_choices(table)
        for position, choice in enumerate(wanted):
            if choice not in allowed:
                errors[column_field(index, position)] = "Choose one of the listed fields."
        before = list(table.choices)
        apply_choices(table, wanted)
        for position, reason in choice_problems(table).items():
            errors[column_field(index, position)] = reason
        if before != wanted:
            changes[table.sheet] = {
                "before": _described(table, before) if before else None,
                "after": _described(table, wanted),
            }
    if errors:
        raise ValidationFailed(errors, "Choose one column for each field.")
    for table in result.tables:
        table.remembered = False
        remember_mapping(table, actor=actor)
    refresh_mapping_issues(result)
    save_rows(job, result)
    set_file_issues(job, result)
    audit.record(
        actor=actor,
        action="import.mapping_changed",
        object_type="import",
        object_id=job.id,
        summary=f"Chose the columns of {job.filename} and checked every row again",
        changes=changes,
    )
    commit_or_conflict()
    preview(job, result)
    return job


def confirm_department(*, actor: Any, job: ImportJob, key: str, now: datetime) -> ImportJob:
    """Accept one suggested department for every row that typed this value, and check the
    rows again."""
    check_open(job, now, doing="changed")
    waiting = next((s for s in job.suggestions or [] if s["key"] == key), None)
    if waiting is None:
        raise Conflict("That suggestion is no longer waiting; the page below is up to date.")
    result = load_rows(job)
    result.confirmed_departments[key] = int(waiting["department_id"])
    save_rows(job, result)
    audit.record(
        actor=actor,
        action="import.department_confirmed",
        object_type="import",
        object_id=job.id,
        summary=(
            f"Confirmed that “{waiting['typed']}” in {job.filename} means "
            f"{waiting['department']} ({waiting['rows']} rows)"
        ),
        changes={waiting["typed"]: {"before": None, "after": waiting["department"]}},
    )
    commit_or_conflict()
    preview(job, result)
    return job
