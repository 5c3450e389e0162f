"""The accountability report's sheets on models and the public: the algorithm register and
the concerns raised with the City, each a fixed number of statements whatever the row count.

The report is meant for publication, so these sheets hold only what the public may read: a
concern's reference, subject, dates and outcome, never its text, the person's e-mail or the
office's notes."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from sharing.algorithms.dates import bias_test_is_recent
from sharing.algorithms.models import (
    Algorithm,
    AlgorithmStatus,
    FactSheet,
    FactSheetStatus,
)
from sharing.concerns.models import Concern, ConcernKind
from sharing.extensions import db
from sharing.flows.models import RiskTier
from sharing.renewals.dates import city_date
from sharing.reports.accountability_sheets import Year

ALGORITHM_HEADERS = (
    "Name",
    "Provider",
    "Department",
    "Status",
    "Risk tier",
    "On the public register",
    "In use since",
    "Retired on",
    "Last tested for bias",
    "Bias tested in the 12 months to year end",
    "Fact sheets accepted in the year",
)
CONCERN_HEADERS = (
    "Reference",
    "Received on",
    "Kind",
    "About",
    "Status",
    "Response due",
    "Answered on",
    "Answered by the due date",
)


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


# -- Algorithms --------------------------------------------------------------------------


def algorithm_rows(span: Year) -> list[tuple[list, Algorithm]]:
    """Every record created by year end and not retired before the year began, by name."""
    stmt = (
        select(Algorithm)
        .options(selectinload(Algorithm.organisation), selectinload(Algorithm.department))
        .where(
            Algorithm.created_at < span.until_utc,
            or_(Algorithm.retired_on.is_(None), Algorithm.retired_on >= span.start),
        )
        .order_by(Algorithm.name, Algorithm.id)
    )
    algorithms = list(db.session.scalars(stmt))
    accepted = _sheets_accepted(span, [a.id for a in algorithms])
    rows = []
    for algorithm in algorithms:
        tested = algorithm.last_tested_on
        row = [
            algorithm.name,
            algorithm.organisation.display_name if algorithm.organisation else "",
            algorithm.department.name if algorithm.department else "",
            algorithm.status.label,
            algorithm.risk_tier.label if algorithm.risk_tier else "Not assessed",
            _yes(algorithm.is_public),
            algorithm.deployed_on,
            algorithm.retired_on,
            tested,
            _yes(bias_test_is_recent(tested, today=span.end) and tested <= span.end),
            accepted.get(algorithm.id, 0),
        ]
        rows.append((row, algorithm))
    return rows


def _sheets_accepted(span: Year, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    stmt = (
        select(FactSheet.algorithm_id, func.count())
        .where(
            FactSheet.algorithm_id.in_(ids),
            FactSheet.status == FactSheetStatus.ACCEPTED,
            FactSheet.reviewed_at >= span.from_utc,
            FactSheet.reviewed_at < span.until_utc,
        )
        .group_by(FactSheet.algorithm_id)
    )
    return {algorithm_id: count for algorithm_id, count in db.session.execute(stmt)}


def _in_use_at(algorithm: Algorithm, day: date) -> bool:
    return algorithm.status != AlgorithmStatus.RETIRED and (
        algorithm.retired_on is None or algorithm.retired_on > day
    )


def algorithm_summary(rows: list[tuple[list, Algorithm]], span: Year) -> list[list]:
    algorithms = [algorithm for _, algorithm in rows]
    in_use = [(row, a) for row, a in rows if _in_use_at(a, span.end)]
    high = {RiskTier.HIGH, RiskTier.CRITICAL}
    untested = [row for row, _ in in_use if row[9] == "No"]
    return [
        [
            "Algorithms in use at year end",
            len(in_use),
            "Records in the algorithm register not retired by 31 December.",
        ],
        [
            "Algorithms on the public register",
            sum(1 for a in algorithms if a.is_public),
            "Of the records in the year, those approved at least once and published.",
        ],
        [
            "Algorithms at high or critical risk",
            sum(1 for _, a in in_use if a.risk_tier in high),
            "Of those in use at year end, by the privacy office's risk tier.",
        ],
        [
            "Algorithms with no bias test in the 12 months to year end",
            len(untested),
            "Of those in use at year end: never tested, or last tested over a year before.",
        ],
        [
            "AI fact sheets accepted in the year",
            sum(row[10] for row, _ in rows),
            "Vendors' fact sheet editions the privacy office accepted in the year.",
        ],
    ]


# -- Concerns ----------------------------------------------------------------------------


def concern_rows(span: Year, today: date) -> list[list]:
    """Every concern received in the year, oldest first, with its outcome so far."""
    stmt = (
        select(Concern)
        .options(selectinload(Concern.algorithm))
        .where(Concern.received_at >= span.from_utc, Concern.received_at < span.until_utc)
        .order_by(Concern.received_at, Concern.id)
    )
    rows = []
    for concern in db.session.scalars(stmt):
        answered_on = city_date(concern.responded_at) if concern.responded_at else None
        if answered_on is not None:
            on_time = _yes(answered_on <= concern.due_on)
        else:
            on_time = "No (past due)" if today > concern.due_on else "Not yet"
        rows.append(
            [
                concern.reference,
                city_date(concern.received_at),
                concern.kind.label,
                _about(concern),
                concern.status.label,
                concern.due_on,
                answered_on,
                on_time,
            ]
        )
    return rows


def _about(concern: Concern) -> str:
    if concern.algorithm is not None and concern.algorithm.is_public:
        return f"Algorithm: {concern.algorithm.approved_snapshot.get('name', '')}"
    if concern.flow_lineage_id is not None:
        return f"Arrangement {concern.flow_lineage_id}"
    return "In general"


def concern_summary(rows: list[list]) -> list[list]:
    kinds = Counter(row[2] for row in rows)
    answered = [row for row in rows if row[6] is not None]
    return [
        ["Concerns raised by the public", len(rows), "Received in the year, of every kind."],
        [
            "Errors in the register reported",
            kinds[ConcernKind.ERROR.label],
            "Of those, reports of a wrong or missing entry.",
        ],
        ["Concerns answered", len(answered), "Of those, with a public response given."],
        [
            "Concerns answered by the due date",
            sum(1 for row in answered if row[7] == "Yes"),
            "Of those answered, on or before the date promised to the person.",
        ],
        [
            "Concerns past their due date without an answer",
            sum(1 for row in rows if row[7] == "No (past due)"),
            "Of those received in the year, on the report date.",
        ],
    ]
