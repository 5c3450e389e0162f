"""The public algorithm records: which are public, their list with search, filters and sort,
and their values. Everything shown comes from `Algorithm.approved_snapshot` (the fields of
sharing/algorithms/public.py as they stood at the last approval), never from the record's
current columns, so an edit waiting for review stays private."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort
from sqlalchemy import Select, and_, func, or_, select

from sharing.algorithms.models import Algorithm, AlgorithmFlow
from sharing.algorithms.public import ALGORITHM_FIELDS
from sharing.extensions import db
from sharing.flows.models import DataFlow, RiskTier
from sharing.register.models import RegisterEntry

IN_USE = ("yes", "no")
RISK_TIERS = tuple(tier.value for tier in RiskTier)


def approved(key: str) -> Any:
    """One value of the approved snapshot, as text, in SQL (JSON extraction on SQLite and
    PostgreSQL alike)."""
    return Algorithm.approved_snapshot[key].as_string()


def public_clause() -> Any:
    """Published, and approved at least once: the snapshot has a name only after approval
    (the same rule as Algorithm.is_public)."""
    return and_(Algorithm.published.is_(True), approved("name").is_not(None))


SORTS: dict[str, Any] = {
    "name": func.lower(approved("name")),
    "provider": func.lower(approved("provider")),
    "department": func.lower(approved("department")),
    "risk_tier": approved("risk_tier"),
}
TIEBREAK = Algorithm.id
SEARCHED = ("name", "summary", "purpose", "provider", "department", "model_name")


@dataclass(frozen=True)
class AlgorithmFilters:
    q: str = ""
    in_use: str = ""
    risk_tier: str = ""

    @classmethod
    def from_args(cls, args: Any) -> AlgorithmFilters:
        in_use = args.get("in_use") or ""
        risk_tier = args.get("risk_tier") or ""
        return cls(
            q=(args.get("q") or "").strip()[:200],
            in_use=in_use if in_use in IN_USE else "",
            risk_tier=risk_tier if risk_tier in RISK_TIERS else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.in_use or self.risk_tier)

    def args(self) -> dict[str, str]:
        """The filters in use, as query-string arguments (for links to the feeds)."""
        values = {"q": self.q, "in_use": self.in_use, "risk_tier": self.risk_tier}
        return {name: value for name, value in values.items() if value}


def algorithms_query(filters: AlgorithmFilters) -> Select:
    """The public algorithm records matching the search and filters."""
    stmt = select(Algorithm).where(public_clause())
    if filters.q:
        needle = filters.q.lower()
        stmt = stmt.where(
            or_(*(func.lower(approved(key)).contains(needle, autoescape=True) for key in SEARCHED))
        )
    if filters.in_use:
        stmt = stmt.where(approved("in_use") == filters.in_use)
    if filters.risk_tier:
        stmt = stmt.where(approved("risk_tier") == filters.risk_tier)
    return stmt


def algorithm_record(algorithm: Algorithm) -> dict[str, Any]:
    """The approved public values, keyed by ALGORITHM_FIELDS names and nothing else: a key
    the snapshot may hold beyond the declared list is dropped; one an older approval did not
    take yet is None (an empty list for a list)."""
    snapshot = algorithm.approved_snapshot or {}
    return {
        f.name: snapshot.get(f.name, [] if f.type.startswith("list") else None)
        for f in ALGORITHM_FIELDS
    }


def algorithm_or_404(algorithm_id: int) -> Algorithm:
    algorithm = db.session.get(Algorithm, algorithm_id)
    if algorithm is None or not algorithm.is_public:
        abort(404)
    return algorithm


def algorithms_by_lineage(lineages: set[int]) -> dict[int, list[dict[str, Any]]]:
    """The public algorithms fed by each of these arrangements, as {"algorithm_id", "name"}
    sorted by name, in one query for a whole page of arrangements."""
    if not lineages:
        return {}
    rows = db.session.execute(
        select(AlgorithmFlow.flow_lineage_id, Algorithm.id, approved("name"))
        .join(Algorithm, Algorithm.id == AlgorithmFlow.algorithm_id)
        .where(AlgorithmFlow.flow_lineage_id.in_(lineages), public_clause())
        .order_by(func.lower(approved("name")), Algorithm.id)
    ).all()
    found: dict[int, list[dict[str, Any]]] = {}
    for lineage_id, algorithm_id, name in rows:
        found.setdefault(lineage_id, []).append({"algorithm_id": algorithm_id, "name": name})
    return found


def listed_arrangements(lineages: list[int]) -> set[int]:
    """Which of these arrangement numbers are on the register now: an algorithm's approved
    record may name an arrangement that has since left it, shown then without a link."""
    if not lineages:
        return set()
    stmt = (
        select(DataFlow.lineage_id)
        .join(RegisterEntry, RegisterEntry.flow_id == DataFlow.id)
        .where(DataFlow.lineage_id.in_(lineages))
    )
    return set(db.session.scalars(stmt))
