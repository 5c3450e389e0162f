"""What the public register shows: approved, published flows (the revision in force) whose
organisation has an agreement in force covering the flow, with search, filters and sort."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import abort
from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import aliased, selectinload

from sharing.agreements.models import (
    Agreement,
    AgreementStatus,
    agreement_adoptions,
    agreement_flows,
)
from sharing.auth.models import Department
from sharing.core.menus import capped_menu, first_distinct
from sharing.core.query_args import positive_int
from sharing.core.search import fold
from sharing.extensions import db
from sharing.flows.models import DataCategory, DataFlow, FlowCategory, FlowStatus
from sharing.register.models import RegisterChange, RegisterEntry
from sharing.vendors.models import Organisation

_FAR = date.max

# The listing keeps each sort key with an index that ends in the flow id, the tiebreak
# (register.changelog.KEYS).
SORTS: dict[str, Any] = {
    "organisation": RegisterEntry.organisation_name,
    "department": RegisterEntry.department_name,
    "service": RegisterEntry.system_name,
}
TIEBREAK = RegisterEntry.flow_id


@dataclass(frozen=True)
class RegisterFilters:
    q: str = ""
    department: int | None = None
    organisation: int | None = None
    category: int | None = None

    @classmethod
    def from_args(cls, args: Any) -> RegisterFilters:
        return cls(
            q=(args.get("q") or "").strip()[:200],
            department=positive_int(args.get("department")),
            organisation=positive_int(args.get("organisation")),
            category=positive_int(args.get("category")),
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.department or self.organisation or self.category)

    def args(self) -> dict[str, Any]:
        """The filters in use, as query-string arguments (for links to the feeds)."""
        values = {
            "q": self.q,
            "department": self.department,
            "organisation": self.organisation,
            "category": self.category,
        }
        return {name: value for name, value in values.items() if value}


def _revisions() -> Any:
    """Any revision of the same lineage: an agreement names the revision it was signed over."""
    return aliased(DataFlow)


def covered_clause() -> Any:
    """An agreement in force of the flow's organisation covers a revision of its lineage."""
    revision = _revisions()
    return exists(
        select(1)
        .select_from(Agreement)
        .join(agreement_flows, agreement_flows.c.agreement_id == Agreement.id)
        .join(revision, revision.id == agreement_flows.c.flow_id)
        .where(
            Agreement.status.in_(AgreementStatus.IN_FORCE),
            Agreement.organisation_id == DataFlow.organisation_id,
            revision.lineage_id == DataFlow.lineage_id,
        )
    )


def public_clause() -> Any:
    return and_(
        DataFlow.status == FlowStatus.APPROVED,
        DataFlow.published.is_(True),
        covered_clause(),
    )


def listed_clause() -> Any:
    """The flow is on the register's listing: what the public pages show. The listing holds
    the flows `public_clause` selects, written by register.changelog.sync_changes at every
    step that can change them, so the pages need not decide membership flow by flow."""
    return DataFlow.id.in_(select(RegisterEntry.flow_id))


def is_public(flow: DataFlow) -> bool:
    """True when the flow's lineage currently shows on the register."""
    stmt = select(DataFlow.id).where(DataFlow.lineage_id == flow.lineage_id, listed_clause())
    return db.session.scalar(stmt.limit(1)) is not None


def _loaded() -> tuple:
    """What a record shows, loaded with the page's flows."""
    return (
        selectinload(DataFlow.organisation),
        selectinload(DataFlow.department),
        selectinload(DataFlow.categories).selectinload(FlowCategory.category),
    )


def arrangements_query(filters: RegisterFilters) -> Select:
    """The listed flows matching the search and filters, with what a record shows."""
    listed = select(DataFlow).join(RegisterEntry, RegisterEntry.flow_id == DataFlow.id)
    return _matching(listed, filters).options(*_loaded())


def arrangement_ids_query(filters: RegisterFilters) -> Select:
    """The same flows' ids only, from the listing alone: what a page sorts and counts. In
    the order of one of the listing's indexes (SORTS, then TIEBREAK), a page reads its rows
    and stops; it then loads those flows by id."""
    return _matching(select(RegisterEntry.flow_id), filters)


def arrangements_by_id(ids: list[int]) -> list[DataFlow]:
    """These flows, loaded with what a record shows, in the order of `ids`."""
    if not ids:
        return []
    stmt = select(DataFlow).where(DataFlow.id.in_(ids)).options(*_loaded())
    found = {flow.id: flow for flow in db.session.scalars(stmt)}
    return [found[flow_id] for flow_id in ids if flow_id in found]


def _matching(stmt: Select, filters: RegisterFilters) -> Select:
    """`stmt` (over RegisterEntry) narrowed by the search and filters, reading the keys the
    listing keeps rather than the flows, organisations and departments."""
    if filters.q:
        # The search text is folded already (no case, no accents), so the search is folded
        # the same way; % and _ in it match themselves.
        stmt = stmt.where(RegisterEntry.search_text.contains(fold(filters.q), autoescape=True))
    if filters.department:
        stmt = stmt.where(RegisterEntry.department_id == filters.department)
    if filters.organisation:
        stmt = stmt.where(RegisterEntry.organisation_id == filters.organisation)
    if filters.category:
        stmt = stmt.where(
            exists().where(
                FlowCategory.flow_id == RegisterEntry.flow_id,
                FlowCategory.category_id == filters.category,
            )
        )
    return stmt


def agreements_for(flows: list[DataFlow]) -> dict[int, Agreement]:
    """The agreement in force for each flow's lineage (the one ending last), in one query."""
    lineages = {f.lineage_id for f in flows}
    if not lineages:
        return {}
    revision = _revisions()
    # Every agreement naming a revision of these lineages (a few each), sorted out here: with
    # the status in the WHERE clause a planner without statistics starts from every
    # agreement in force instead of from the lineages.
    rows = db.session.execute(
        select(revision.lineage_id, revision.organisation_id, Agreement)
        .join(agreement_flows, agreement_flows.c.flow_id == revision.id)
        .join(Agreement, Agreement.id == agreement_flows.c.agreement_id)
        .where(revision.lineage_id.in_(lineages))
    ).all()
    chosen: dict[int, Agreement] = {}
    for lineage_id, organisation_id, agreement in rows:
        if (
            agreement.status not in AgreementStatus.IN_FORCE
            or agreement.organisation_id != organisation_id
        ):
            continue
        current = chosen.get(lineage_id)
        if current is None or (agreement.expiry_date or _FAR) > (current.expiry_date or _FAR):
            chosen[lineage_id] = agreement
    return chosen


def base_numbers(agreements: Iterable[Agreement]) -> dict[int, str]:
    """For each of these agreements that is an adoption, its base's number, in one query."""
    ids = {agreement.id for agreement in agreements}
    if not ids:
        return {}
    rows = db.session.execute(
        select(agreement_adoptions.c.agreement_id, Agreement.number)
        .join(Agreement, Agreement.id == agreement_adoptions.c.base_id)
        .where(agreement_adoptions.c.agreement_id.in_(ids))
    )
    return {agreement_id: number for agreement_id, number in rows}


def arrangement_or_404(arrangement_id: int) -> DataFlow:
    """The public revision in force of the lineage; 404 when it is not on the register."""
    stmt = arrangements_query(RegisterFilters()).where(DataFlow.lineage_id == arrangement_id)
    flow = db.session.scalar(stmt.limit(1))
    if flow is None:
        abort(404)
    return flow


def filter_choices(*, organisation: int | None = None) -> dict:
    """Only departments, organisations and categories that appear on the register. The
    organisation menu is capped (sharing/core/menus.py): the search box matches names."""
    # Each menu asks, per department, organisation or category, whether one listed flow
    # names it (EXISTS stops at the first), rather than listing every listed flow.
    departments = db.session.execute(
        select(Department.id, Department.name)
        .where(exists().where(RegisterEntry.department_id == Department.id))
        .order_by(Department.name)
    ).all()
    label = func.coalesce(func.nullif(Organisation.common_name, ""), Organisation.legal_name)
    organisations = capped_menu(
        # The first MENU_LIMIT + 1 organisations the listing names, from a walk of its
        # organisation index: enough to tell a full menu from one too long to show.
        select(Organisation.id, label).where(
            Organisation.id.in_(first_distinct(RegisterEntry.organisation_id))
        ),
        id_column=Organisation.id,
        order=func.lower(label),
        chosen=organisation,
    )
    categories = db.session.execute(
        select(DataCategory.id, DataCategory.name)
        .where(
            exists().where(
                FlowCategory.category_id == DataCategory.id,
                FlowCategory.flow_id.in_(select(RegisterEntry.flow_id)),
            )
        )
        .order_by(DataCategory.name)
    ).all()
    return {
        "department": [(row.id, row.name) for row in departments],
        "organisation": organisations,
        "category": [(row.id, row.name) for row in categories],
    }


def changes_query() -> Select:
    return select(RegisterChange).order_by(
        RegisterChange.changed_on.desc(), RegisterChange.id.desc()
    )
