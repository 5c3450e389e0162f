"""Reading returned copies and their deviations: the signing gate's count, an agreement's
copies, a vendor's own copy, and the report of accepted exceptions by obligation."""

from __future__ import annotations

from collections.abc import Iterator

from flask import abort
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from sharing.agreements.models import Agreement
from sharing.extensions import db
from sharing.negotiation.models import Decision, Deviation, ReturnedCopy, ReturnStatus

# Copies whose decisions count: a copy replaced by a newer one counts no more.
CURRENT = (ReturnStatus.OPEN, ReturnStatus.DECIDED)
REPORT_COLUMNS = (
    "Obligation",
    "Clause",
    "Agreement",
    "Organization",
    "Kind of change",
    "Reason",
    "Agreed text",
    "Decided by",
    "Decided at",
)


def undecided_count(agreement_id: int) -> int:
    """How many changes of the agreement's open returned copy still wait for a decision; the
    agreement may not go on to countersignature while this is above zero."""
    return db.session.scalar(
        select(func.count())
        .select_from(Deviation)
        .join(ReturnedCopy, ReturnedCopy.id == Deviation.returned_copy_id)
        .where(
            ReturnedCopy.agreement_id == agreement_id,
            ReturnedCopy.status == ReturnStatus.OPEN,
            Deviation.decision == Decision.UNDECIDED,
        )
    )


def signature_holds(_sender: object, *, agreement: Agreement, **_: object) -> list[str]:
    """Why the agreement may not go out for signature or be countersigned while a returned
    copy is open (signing.events.signature_holds): the document must first carry every
    decision, which regenerating it does."""
    undecided = undecided_count(agreement.id)
    if undecided:
        return [
            f"{undecided} change{'s' if undecided != 1 else ''} in the vendor's returned copy "
            "still wait for a decision."
        ]
    open_copy = db.session.scalar(
        select(func.count())
        .select_from(ReturnedCopy)
        .where(ReturnedCopy.agreement_id == agreement.id, ReturnedCopy.status == ReturnStatus.OPEN)
    )
    if open_copy:
        return [
            "The decisions on the vendor's returned copy are not in the document yet: "
            "regenerate the agreement with them first."
        ]
    return []


def copies_of(agreement_id: int) -> list[ReturnedCopy]:
    """The agreement's returned copies, newest first."""
    return list(
        db.session.scalars(
            select(ReturnedCopy)
            .where(ReturnedCopy.agreement_id == agreement_id)
            .options(selectinload(ReturnedCopy.deviations))
            .order_by(ReturnedCopy.round.desc())
        )
    )


def copy_with_deviations(copy_id: int, *, organisation_id: int | None = None) -> ReturnedCopy:
    """A copy with its agreement and deviations; 404 when missing or, for a vendor
    (`organisation_id` given), when the copy belongs to another organization."""
    stmt = (
        select(ReturnedCopy)
        .join(Agreement, Agreement.id == ReturnedCopy.agreement_id)
        .where(ReturnedCopy.id == copy_id)
        .options(
            joinedload(ReturnedCopy.agreement),
            selectinload(ReturnedCopy.deviations).joinedload(Deviation.decided_by),
        )
    )
    if organisation_id is not None:
        stmt = stmt.where(Agreement.organisation_id == organisation_id)
    return db.first_or_404(stmt)


def deviation_of(copy: ReturnedCopy, deviation_id: int) -> Deviation:
    for deviation in copy.deviations:
        if deviation.id == deviation_id:
            return deviation
    abort(404)


def exceptions_query() -> Select:
    """Every accepted exception of a current copy, by obligation code, then agreement."""
    return (
        select(Deviation)
        .join(ReturnedCopy, ReturnedCopy.id == Deviation.returned_copy_id)
        .join(Agreement, Agreement.id == ReturnedCopy.agreement_id)
        .where(Deviation.decision == Decision.EXCEPTION, ReturnedCopy.status.in_(CURRENT))
        .options(
            joinedload(Deviation.returned_copy)
            .joinedload(ReturnedCopy.agreement)
            .joinedload(Agreement.organisation),
            joinedload(Deviation.decided_by),
        )
        .order_by(Deviation.code, Agreement.number, Deviation.id)
    )


def exception_rows() -> Iterator[list[object]]:
    """The report's rows for the CSV download, in the page's order."""
    for deviation in db.session.scalars(exceptions_query()):
        agreement = deviation.returned_copy.agreement
        yield [
            deviation.code,
            deviation.heading,
            agreement.number,
            agreement.organisation.display_name,
            deviation.kind.label,
            deviation.note,
            deviation.after_text,
            deviation.decided_by.email if deviation.decided_by else "",
            deviation.decided_at.isoformat() if deviation.decided_at else "",
        ]
