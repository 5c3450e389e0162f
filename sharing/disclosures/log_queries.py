"""Reading the disclosure log: the filtered, sorted list, one entry, its history, and the
choices the pages offer. Staff pages only (vendors never see the log)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, selectinload

from sharing.audit.models import AuditEvent
from sharing.auth.models import User
from sharing.core.menus import Menu, capped_menu, first_distinct
from sharing.core.pagination import Sort, apply_sort, parse_sort
from sharing.core.query_args import positive_int
from sharing.core.roles import Role
from sharing.core.search import contains_text
from sharing.disclosures.models import Disclosure
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowCategory, FlowStatus
from sharing.vendors.models import Organisation
from sharing.vendors.queries import organisation_menu

SORTS: dict[str, Any] = {
    "date": Disclosure.disclosed_on,
    "organisation": func.lower(Organisation.legal_name),
    "flow": func.lower(DataFlow.system_name),
    "records": Disclosure.record_count,
    "retain": Disclosure.retain_until,
}
DEFAULT_SORT = "-date"
TRI = ("yes", "no")


def _tri(raw: Any) -> str:
    value = (raw or "").strip().lower()
    return value if value in TRI else ""


@dataclass(frozen=True)
class DisclosureFilters:
    q: str = ""
    organisation_id: int | None = None
    flow_id: int | None = None
    flagged: str = ""
    exempt: str = ""
    recurring: str = ""
    sort: Sort = parse_sort(DEFAULT_SORT, SORTS, DEFAULT_SORT)

    @classmethod
    def from_args(cls, args) -> DisclosureFilters:
        return cls(
            q=(args.get("q") or "").strip()[:200],
            organisation_id=positive_int(args.get("organisation")),
            flow_id=positive_int(args.get("flow")),
            flagged=_tri(args.get("flagged")),
            exempt=_tri(args.get("exempt")),
            recurring=_tri(args.get("recurring")),
            sort=parse_sort(args.get("sort"), SORTS, DEFAULT_SORT),
        )

    @property
    def active(self) -> bool:
        return bool(
            self.q
            or self.organisation_id
            or self.flow_id
            or self.flagged
            or self.exempt
            or self.recurring
        )


def disclosures_query(filters: DisclosureFilters) -> Select:
    """Entries matching the filters, sorted in SQL, with organisation, flow and categories."""
    stmt = (
        select(Disclosure)
        .join(Disclosure.organisation)
        .join(Disclosure.flow)
        .options(
            contains_eager(Disclosure.organisation),
            contains_eager(Disclosure.flow),
            selectinload(Disclosure.categories),
        )
    )
    if filters.q:
        stmt = stmt.where(
            contains_text(
                filters.q,
                Disclosure.purpose,
                Disclosure.requested_by,
                DataFlow.system_name,
                Organisation.legal_name,
                Organisation.common_name,
            )
        )
    if filters.organisation_id:
        stmt = stmt.where(Disclosure.organisation_id == filters.organisation_id)
    if filters.flow_id:
        stmt = stmt.where(Disclosure.flow_id == filters.flow_id)
    for column, value in (
        (Disclosure.flagged, filters.flagged),
        (Disclosure.exempt, filters.exempt),
        (Disclosure.is_recurring, filters.recurring),
    ):
        if value:
            stmt = stmt.where(column.is_(value == "yes"))
    return apply_sort(stmt, filters.sort, SORTS, Disclosure.id, nulls_last=True)


def disclosure(disclosure_id: int) -> Disclosure | None:
    """One entry with what hangs on it, or None."""
    return db.session.scalar(
        select(Disclosure)
        .where(Disclosure.id == disclosure_id)
        .options(
            selectinload(Disclosure.organisation),
            selectinload(Disclosure.agreement),
            selectinload(Disclosure.categories),
            selectinload(Disclosure.flow)
            .selectinload(DataFlow.categories)
            .selectinload(FlowCategory.category),
        )
    )


def history(item: Disclosure) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "disclosure", AuditEvent.object_id == str(item.id))
            .order_by(AuditEvent.id)
        )
    )


def user_name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.name if user else ""


def approved_flows() -> list[tuple[int, str]]:
    """Approved flows, labelled with their organisation, for the flow picker."""
    rows = db.session.execute(
        select(DataFlow.id, DataFlow.system_name, Organisation.legal_name)
        .join(Organisation, Organisation.id == DataFlow.organisation_id)
        .where(DataFlow.status == FlowStatus.APPROVED)
        .order_by(func.lower(Organisation.legal_name), func.lower(DataFlow.system_name))
    )
    return [(row.id, f"{row.legal_name} — {row.system_name}") for row in rows]


def approved_flow(flow_id: int | None) -> DataFlow | None:
    if not flow_id:
        return None
    flow = db.session.scalar(
        select(DataFlow)
        .where(DataFlow.id == flow_id, DataFlow.status == FlowStatus.APPROVED)
        .options(selectinload(DataFlow.categories).selectinload(FlowCategory.category))
    )
    return flow


def staff_choices() -> list[tuple[int, str]]:
    """Active staff who may authorise a disclosure."""
    rows = db.session.execute(
        select(User.id, User.name)
        .where(User.active.is_(True), User.role != Role.VENDOR)
        .order_by(func.lower(User.name))
    )
    return [(row.id, row.name) for row in rows]


def organisation_choices(chosen: int | None = None) -> Menu:
    """Organisations that appear in the log, for the filter's menu."""
    return organisation_menu(chosen, named_by=Disclosure.organisation_id)


def flow_choices(chosen: int | None = None) -> Menu:
    """Flows that appear in the log, for the filter's menu."""
    stmt = select(DataFlow.id, DataFlow.system_name).where(
        DataFlow.id.in_(first_distinct(Disclosure.flow_id))
    )
    order = func.lower(DataFlow.system_name)
    return capped_menu(stmt, id_column=DataFlow.id, order=order, chosen=chosen)
