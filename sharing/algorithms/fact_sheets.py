"""Fact sheet use cases: requesting an edition (by hand or on the daily schedule), the vendor's
draft answers and signed submission. The privacy office's review is in fact_sheet_review.py.

An edition is due 30 days after it is requested. A new edition starts with the answers of the
last accepted one, so a vendor only changes what changed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from sharing.agreements.dates import add_months
from sharing.agreements.models import Agreement, AgreementStatus, agreement_flows
from sharing.algorithms import fact_sheet_notices as notices
from sharing.algorithms import topics
from sharing.algorithms.models import (
    Algorithm,
    AlgorithmFlow,
    AlgorithmStatus,
    FactSheet,
    FactSheetStatus,
)
from sharing.attestations.services import DEFAULT_INTERVAL, interval_months
from sharing.audit import services as audit
from sharing.audit.services import SYSTEM
from sharing.core.database import commit_or_conflict
from sharing.errors import Conflict, Forbidden, ValidationFailed
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowStatus

S = FactSheetStatus
DUE_DAYS = 30
OPEN_FOR_ANSWERS = frozenset({S.REQUESTED, S.IN_PROGRESS, S.RETURNED})
NOT_FINISHED = frozenset({*OPEN_FOR_ANSWERS, S.SUBMITTED})
STALE_MESSAGE = "This fact sheet changed since you opened it. Reload the page and try again."
SHEET_FIELDS = ("status", "edition", "due_date", "signer_name", "signer_title", "attested")
# Flows still in use: a retired or superseded revision no longer says what the vendor does.
LIVE_FLOWS = (
    FlowStatus.DRAFT,
    FlowStatus.SUBMITTED,
    FlowStatus.IN_REVIEW,
    FlowStatus.CHANGES_REQUESTED,
    FlowStatus.APPROVED,
)


def role_of(user: Any) -> str:
    role = getattr(user, "role", "")
    return getattr(role, "value", str(role))


def check_vendor_step(actor: Any, sheet: FactSheet, expected_version: int | None) -> None:
    """Raise unless this vendor user may change this sheet's answers now."""
    if role_of(actor) != "vendor":
        raise Forbidden("Only the vendor's users fill in a fact sheet.")
    if actor.organisation_id != sheet.organisation_id:
        raise Forbidden("This fact sheet belongs to another organization.")
    if sheet.status not in OPEN_FOR_ANSWERS:
        raise Conflict(f"This fact sheet is {sheet.status.label.lower()}, so it cannot change now.")
    check_version(sheet, expected_version)


def check_version(sheet: FactSheet, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != sheet.version:
        raise Conflict(STALE_MESSAGE)


def record(actor: Any, sheet: FactSheet, action: str, summary: str, changes: dict) -> None:
    """The audit event of a step on a sheet (the review records its steps here too)."""
    audit.record(
        actor=actor,
        action=action,
        object_type="fact_sheet",
        object_id=sheet.id,
        organisation_id=sheet.organisation_id,
        changes=changes,
        summary=f"{summary}: {sheet.algorithm.name}, edition {sheet.edition}",
    )


# Requesting -----------------------------------------------------------------------------------


def last_accepted(algorithm_id: int) -> FactSheet | None:
    return db.session.scalar(
        select(FactSheet)
        .where(FactSheet.algorithm_id == algorithm_id, FactSheet.status == S.ACCEPTED)
        .order_by(FactSheet.edition.desc())
        .limit(1)
    )


def open_sheet(algorithm_id: int) -> FactSheet | None:
    """The edition still being filled in or reviewed, if any: one at a time."""
    return db.session.scalar(
        select(FactSheet).where(
            FactSheet.algorithm_id == algorithm_id, FactSheet.status.in_(NOT_FINISHED)
        )
    )


def request_fact_sheet(*, actor: Any, algorithm: Algorithm, today: date) -> FactSheet:
    """The privacy office asks the provider for the next edition now, outside the schedule."""
    if algorithm.status == AlgorithmStatus.RETIRED:
        raise ValidationFailed({"algorithm": "A retired system needs no fact sheet."})
    if open_sheet(algorithm.id) is not None:
        raise ValidationFailed(
            {"algorithm": "An edition of this fact sheet is still open; finish it first."}
        )
    sheet = _new_edition(algorithm, today=today, requested_by=actor)
    record(actor, sheet, "fact_sheet.requested", "Fact sheet requested", _created(sheet))
    notices.notify_requested(sheet, actor=actor)
    commit_or_conflict(STALE_MESSAGE)
    return sheet


def _new_edition(algorithm: Algorithm, *, today: date, requested_by: Any) -> FactSheet:
    latest = db.session.scalar(
        select(func.max(FactSheet.edition)).where(FactSheet.algorithm_id == algorithm.id)
    )
    previous = last_accepted(algorithm.id)
    sheet = FactSheet(
        algorithm=algorithm,
        organisation_id=algorithm.organisation_id,
        edition=(latest or 0) + 1,
        due_date=today + timedelta(days=DUE_DAYS),
        status=S.REQUESTED,
        answers=dict(previous.answers) if previous else {},
        requested_by_id=getattr(requested_by, "id", None),
        is_demo=algorithm.is_demo,
    )
    db.session.add(sheet)
    db.session.flush()
    return sheet


def _created(sheet: FactSheet) -> dict[str, Any]:
    after = audit.snapshot(sheet, SHEET_FIELDS)
    after["prefilled"] = sorted(k for k, v in sheet.answers.items() if v)
    return audit.created(after)


def interval_for(algorithm_id: int) -> int:
    """Months between editions: the shortest attestation interval of the agreements in force
    that cover the algorithm's flows (any revision of them), else 12."""
    lineages = select(AlgorithmFlow.flow_lineage_id).where(
        AlgorithmFlow.algorithm_id == algorithm_id
    )
    agreements = db.session.scalars(
        select(Agreement)
        .join(agreement_flows, agreement_flows.c.agreement_id == Agreement.id)
        .join(DataFlow, DataFlow.id == agreement_flows.c.flow_id)
        .where(
            Agreement.status.in_(AgreementStatus.IN_FORCE),
            func.coalesce(DataFlow.lineage_id, DataFlow.id).in_(lineages),
        )
        .distinct()
    ).all()
    return min((interval_months(a) for a in agreements), default=DEFAULT_INTERVAL)


def _schedulable() -> list[Algorithm]:
    """Approved systems (also those back in review since) whose provider has a live flow
    that makes automated decisions."""
    automated = exists().where(
        DataFlow.organisation_id == Algorithm.organisation_id,
        DataFlow.automated_decisions.is_(True),
        DataFlow.status.in_(LIVE_FLOWS),
    )
    return list(
        db.session.scalars(
            select(Algorithm)
            .where(
                Algorithm.approved_at.is_not(None),
                Algorithm.status != AlgorithmStatus.RETIRED,
                automated,
            )
            .options(selectinload(Algorithm.organisation))
            .order_by(Algorithm.id)
        )
    )


def is_due(algorithm_id: int, *, today: date) -> bool:
    """No edition open, and either none accepted yet or the last accepted one is older than
    the interval."""
    if open_sheet(algorithm_id) is not None:
        return False
    previous = last_accepted(algorithm_id)
    if previous is None:
        return True
    accepted_on = (previous.reviewed_at or previous.updated_at).date()
    return add_months(accepted_on, interval_for(algorithm_id)) <= today


def request_due_fact_sheets(*, today: date, actor: Any = SYSTEM) -> list[FactSheet]:
    """The daily job: request each edition that is due; safe to run again the same day."""
    created = []
    for algorithm in _schedulable():
        if not is_due(algorithm.id, today=today):
            continue
        sheet = _new_edition(algorithm, today=today, requested_by=None)
        record(actor, sheet, "fact_sheet.scheduled", "Fact sheet scheduled", _created(sheet))
        notices.notify_requested(sheet)
        created.append(sheet)
    if created:
        commit_or_conflict()
    return created


# Filling --------------------------------------------------------------------------------------


def answer_problems(answers: dict[str, str]) -> dict[str, str]:
    """Reasons, per input code, why these answers cannot be stored (length, dates)."""
    errors = {}
    for code, text in answers.items():
        item = topics.BY_CODE.get(code)
        if item is None:
            continue
        text = (text or "").strip()
        if len(text) > item.max_length:
            errors[code] = f"Use at most {item.max_length} characters."
        elif item.kind == topics.DATE and text and topics.field_value(item, text) is None:
            errors[code] = "Enter the date as YYYY-MM-DD."
    return errors


def save_answers(
    *,
    actor: Any,
    sheet: FactSheet,
    answers: dict[str, str],
    expected_version: int | None,
    now: datetime,
) -> FactSheet:
    """Save a draft, complete or not; unknown codes are ignored."""
    check_vendor_step(actor, sheet, expected_version)
    if errors := answer_problems(answers):
        raise ValidationFailed(errors)
    before = {"answers": dict(sheet.answers), "status": sheet.status.value}
    merged = dict(sheet.answers)
    for code in topics.BY_CODE:
        if code in answers:
            merged[code] = (answers[code] or "").strip()
    sheet.answers = merged
    if sheet.status == S.REQUESTED:
        sheet.status = S.IN_PROGRESS
    sheet.updated_at = now  # moves the version on, so a stale page is caught
    changes = audit.diff(before, {"answers": merged, "status": sheet.status.value})
    record(actor, sheet, "fact_sheet.saved", "Saved draft answers", changes)
    commit_or_conflict(STALE_MESSAGE)
    return sheet


def submission_problems(sheet: FactSheet) -> dict[str, str]:
    """Each unanswered input, named, keyed by its code."""
    return {
        item.code: f"Answer “{item.label}” before you submit."
        for item in topics.unanswered(sheet.answers or {})
    }


def submit_fact_sheet(
    *,
    actor: Any,
    sheet: FactSheet,
    signer_name: str,
    signer_title: str,
    attested: bool,
    expected_version: int | None,
    now: datetime,
) -> FactSheet:
    """Sign and submit the edition; from then on its answers and files are read-only."""
    check_vendor_step(actor, sheet, expected_version)
    signer_name, signer_title = (signer_name or "").strip(), (signer_title or "").strip()
    errors = submission_problems(sheet)
    if not signer_name:
        errors["signer_name"] = "Enter the name of the person who signs."
    if not signer_title:
        errors["signer_title"] = "Enter the signer's title."
    if len(signer_name) > 120 or len(signer_title) > 120:
        errors.setdefault("signer_name", "Use at most 120 characters.")
    if not attested:
        errors["attested"] = "Tick the statement to attest that the answers are true."
    if errors:
        raise ValidationFailed(errors, "The fact sheet cannot be submitted yet.")
    before = audit.snapshot(sheet, SHEET_FIELDS)
    sheet.signer_name, sheet.signer_title, sheet.attested = signer_name, signer_title, True
    sheet.submitted_at, sheet.submitted_by_id = now, actor.id
    sheet.status = S.SUBMITTED
    changes = audit.diff(before, audit.snapshot(sheet, SHEET_FIELDS))
    record(actor, sheet, "fact_sheet.submitted", "Fact sheet submitted", changes)
    notices.notify_submitted(sheet, actor=actor)
    commit_or_conflict(STALE_MESSAGE)
    return sheet
