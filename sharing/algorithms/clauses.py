"""The SQL conditions that a count and the list it links to share, so the dashboard's number
and the filtered register always agree."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, or_

from sharing.algorithms.dates import bias_test_cutoff
from sharing.algorithms.models import Algorithm, AlgorithmStatus


def in_use_clause() -> ColumnElement[bool]:
    """A record of a system the City still uses: not retired, and no retirement date set."""
    return and_(Algorithm.status != AlgorithmStatus.RETIRED, Algorithm.retired_on.is_(None))


def bias_test_stale_clause(today: date) -> ColumnElement[bool]:
    """In use, and never tested for bias or last tested more than a year before `today`."""
    return and_(
        in_use_clause(),
        or_(Algorithm.last_tested_on.is_(None), Algorithm.last_tested_on < bias_test_cutoff(today)),
    )
