"""Counting running tallies again from the rows they count, as one audited step: shared by the
`retally` commands of the accounting report and the dashboards (the tallies' own mechanics are
in core/tallies.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, func, select

from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.extensions import db


def recount(
    model: Any, rebuild: Callable[[Connection], int], *, action: str, summary: str
) -> tuple[int, int]:
    """Rebuild `model`'s rows with `rebuild`, audit it as `action` (the summary ends with the
    number of rows written) and commit; returns the rows (before, after)."""
    before = db.session.scalar(select(func.count()).select_from(model))
    written = rebuild(db.session.connection())
    audit.record(
        actor=audit.SYSTEM,
        action=action,
        object_type=model.__tablename__,
        changes={"rows": {"before": before, "after": written}},
        summary=f"{summary}: {written} rows",
    )
    commit_or_conflict()
    return before, written
