"""Reading general offers: the office's list (searched, filtered and sorted in SQL) and the
offers waiting for a vendor's consent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, selectinload

from sharing.adoptions.models import AdoptionOffer, OfferStatus
from sharing.agreements.models import Agreement
from sharing.core.pagination import Sort, apply_sort, parse_sort
from sharing.core.search import contains_text
from sharing.vendors.models import Organisation

SORTS: dict[str, Any] = {
    "number": Agreement.number,
    "organisation": func.lower(Organisation.legal_name),
    "status": AdoptionOffer.status,
    "offered": AdoptionOffer.offered_at,
    "until": AdoptionOffer.available_until,
}
DEFAULT_SORT = "-offered"


@dataclass(frozen=True)
class OfferFilters:
    q: str = ""
    status: str = ""
    sort: Sort = parse_sort(DEFAULT_SORT, SORTS, DEFAULT_SORT)

    @classmethod
    def from_args(cls, args) -> OfferFilters:
        status = (args.get("status") or "").strip()
        return cls(
            q=(args.get("q") or "").strip()[:200],
            status=status if status in {s.value for s in OfferStatus} else "",
            sort=parse_sort(args.get("sort"), SORTS, DEFAULT_SORT),
        )


def offers_query(filters: OfferFilters) -> Select:
    """The offers matching the filters, sorted, each with its agreement and vendor loaded."""
    stmt = (
        select(AdoptionOffer)
        .join(AdoptionOffer.agreement)
        .join(AdoptionOffer.organisation)
        .options(
            contains_eager(AdoptionOffer.agreement), contains_eager(AdoptionOffer.organisation)
        )
    )
    if filters.q:
        stmt = stmt.where(
            contains_text(
                filters.q,
                Agreement.number,
                Agreement.title,
                Organisation.legal_name,
                Organisation.common_name,
            )
        )
    if filters.status:
        stmt = stmt.where(AdoptionOffer.status == OfferStatus(filters.status))
    return apply_sort(stmt, filters.sort, SORTS, AdoptionOffer.id)


def awaiting_consent(organisation_id: int) -> Select:
    """The organisation's offers waiting for its consent, oldest first, with their agreements."""
    return (
        select(AdoptionOffer)
        .where(
            AdoptionOffer.organisation_id == organisation_id,
            AdoptionOffer.status == OfferStatus.AWAITING_CONSENT,
        )
        .options(selectinload(AdoptionOffer.agreement))
        .order_by(AdoptionOffer.offered_at, AdoptionOffer.id)
    )
