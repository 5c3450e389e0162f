"""What a concern is about, as the public may see it: an arrangement on the public register
(its service and organization) or a public algorithm (its approved public name), or nothing
in particular. Read only through the register's public rules and the approved snapshot, so
a concern's pages never reveal a record that is not public."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select
from werkzeug.routing import BuildError

from sharing.algorithms.models import Algorithm
from sharing.concerns.models import Concern
from sharing.extensions import db
from sharing.flows.models import DataFlow
from sharing.register.queries import RegisterFilters, arrangements_query


@dataclass(frozen=True)
class Subject:
    """`kind` is "arrangement", "algorithm" or "" (nothing in particular)."""

    kind: str = ""
    title: str = ""
    detail: str = ""
    flow_lineage_id: int | None = None
    algorithm_id: int | None = None

    @property
    def described(self) -> str:
        if self.kind == "arrangement":
            return f"the arrangement “{self.title}” with {self.detail}"
        if self.kind == "algorithm":
            return f"the algorithm “{self.title}”"
        return "nothing in particular"

    @property
    def public_url(self) -> str | None:
        """The register's public page of the subject, when that page is installed."""
        try:
            if self.kind == "arrangement":
                return url_for("register.arrangement", flow_id=self.flow_lineage_id)
            if self.kind == "algorithm":
                return url_for("register.algorithm", algorithm_id=self.algorithm_id)
        except BuildError:
            return None
        return None


NOTHING = Subject()


def public_arrangement(lineage_id: int | None) -> Subject:
    if not lineage_id:
        return NOTHING
    stmt = arrangements_query(RegisterFilters()).where(DataFlow.lineage_id == lineage_id)
    flow = db.session.scalar(stmt.limit(1))
    if flow is None:
        return NOTHING
    return Subject(
        "arrangement",
        flow.system_name,
        flow.organisation.display_name,
        flow_lineage_id=lineage_id,
    )


def public_algorithm(algorithm_id: int | None) -> Subject:
    if not algorithm_id:
        return NOTHING
    algorithm = db.session.get(Algorithm, algorithm_id)
    if algorithm is None or not algorithm.is_public:
        return NOTHING
    name = str(algorithm.approved_snapshot.get("name") or "").strip()
    return Subject("algorithm", name or "Unnamed system", algorithm_id=algorithm_id)


def subject_for(*, arrangement: int | None = None, algorithm: int | None = None) -> Subject:
    """The subject a link named, or NOTHING when it is unknown or not public."""
    if arrangement:
        return public_arrangement(arrangement)
    return public_algorithm(algorithm)


def subject_of(concern: Concern) -> Subject:
    """What a concern is about as the public may see it today: a record taken off the
    register since shows as nothing in particular."""
    return subject_for(arrangement=concern.flow_lineage_id, algorithm=concern.algorithm_id)


def staff_flow_id(lineage_id: int | None) -> int | None:
    """The latest revision of a lineage, for the staff flow page."""
    if not lineage_id:
        return None
    return db.session.scalar(
        select(DataFlow.id)
        .where(DataFlow.lineage_id == lineage_id)
        .order_by(DataFlow.revision.desc(), DataFlow.id.desc())
        .limit(1)
    )
