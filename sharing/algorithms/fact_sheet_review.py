"""The privacy office's review of a submitted fact sheet: return it with a comment, or accept
it. Accepting copies the mapped answers into the algorithm record and sends the record back
to review (SUBMITTED), in one audited transaction; the public keeps the snapshot of the last
approval until the office approves the record again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sharing.algorithms import fact_sheet_notices as notices
from sharing.algorithms import topics
from sharing.algorithms.fact_sheets import (
    SHEET_FIELDS,
    STALE_MESSAGE,
    check_version,
    record,
    role_of,
)
from sharing.algorithms.models import (
    Algorithm,
    AlgorithmComment,
    AlgorithmStatus,
    FactSheet,
    FactSheetStatus,
)
from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.core.roles import Role
from sharing.errors import Conflict, Forbidden, ValidationFailed

S = FactSheetStatus
MAX_COMMENT = 5000
# A record in these states is sent back to review by an accepted sheet; one already
# submitted or in review simply carries the new answers into that review.
REOPENED = (AlgorithmStatus.APPROVED, AlgorithmStatus.DRAFT, AlgorithmStatus.CHANGES_REQUESTED)


def _check_review(actor: Any, sheet: FactSheet, expected_version: int | None) -> None:
    if role_of(actor) not in {r.value for r in Role.OFFICE}:
        raise Forbidden("Only the privacy office reviews fact sheets.")
    if sheet.status != S.SUBMITTED:
        raise Conflict(
            f"This fact sheet is {sheet.status.label.lower()}; only a submitted one can be "
            "reviewed."
        )
    check_version(sheet, expected_version)


def return_fact_sheet(
    *, actor: Any, sheet: FactSheet, comment: str, expected_version: int | None, now: datetime
) -> FactSheet:
    """Send the edition back to the vendor; the comment says what must change."""
    _check_review(actor, sheet, expected_version)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed({"comment": "Say what the vendor needs to change."})
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed({"comment": f"Use at most {MAX_COMMENT} characters."})
    before = audit.snapshot(sheet, SHEET_FIELDS)
    before["review_comment"] = sheet.review_comment
    sheet.status = S.RETURNED
    sheet.reviewed_at, sheet.reviewed_by_id, sheet.review_comment = now, actor.id, comment
    # The next submission is signed afresh.
    sheet.signer_name = sheet.signer_title = ""
    sheet.attested = False
    after = audit.snapshot(sheet, SHEET_FIELDS)
    after["review_comment"] = comment
    record(actor, sheet, "fact_sheet.returned", "Fact sheet returned", audit.diff(before, after))
    notices.notify_returned(sheet, actor=actor, at=now)
    commit_or_conflict(STALE_MESSAGE)
    return sheet


def accept_fact_sheet(
    *, actor: Any, sheet: FactSheet, comment: str, expected_version: int | None, now: datetime
) -> FactSheet:
    """Accept the edition, fill the algorithm's fields from it and send the record to review."""
    _check_review(actor, sheet, expected_version)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed({"comment": f"Use at most {MAX_COMMENT} characters."})
    algorithm = sheet.algorithm
    before = audit.snapshot(sheet, SHEET_FIELDS)
    sheet.status = S.ACCEPTED
    sheet.reviewed_at, sheet.reviewed_by_id, sheet.review_comment = now, actor.id, comment
    changes = audit.diff(before, audit.snapshot(sheet, SHEET_FIELDS))
    filled = fill_algorithm(algorithm, sheet)
    for name, (old, new) in filled.items():
        changes[f"algorithm.{name}"] = {"before": audit.jsonable(old), "after": audit.jsonable(new)}
    old_status = algorithm.status
    if old_status in REOPENED:
        algorithm.status = AlgorithmStatus.SUBMITTED
        algorithm.submitted_at, algorithm.submitted_by_id = now, actor.id
        changes["algorithm.status"] = {"before": old_status.value, "after": "submitted"}
    algorithm.comments.append(
        AlgorithmComment(author_id=actor.id, body=_comment_text(sheet, filled), created_at=now)
    )
    record(actor, sheet, "fact_sheet.accepted", "Fact sheet accepted", changes)
    notices.notify_accepted(sheet, actor=actor)
    commit_or_conflict(STALE_MESSAGE)
    return sheet


def fill_algorithm(algorithm: Algorithm, sheet: FactSheet) -> dict[str, tuple[Any, Any]]:
    """Copy each mapped answer into its column; returns {field: (before, after)} of those
    that changed."""
    changed = {}
    for item in topics.INPUTS:
        if item.field is None:
            continue
        value = topics.field_value(item, str(sheet.answers.get(item.code) or ""))
        old = getattr(algorithm, item.field)
        if value != old:
            setattr(algorithm, item.field, value)
            changed[item.field] = (old, value)
    return changed


def _comment_text(sheet: FactSheet, filled: dict) -> str:
    labels = {i.field: i.label for i in topics.INPUTS if i.field}
    if filled:
        names = ", ".join(labels[name] for name in filled)
        what = f"It filled these fields: {names}."
    else:
        what = "It changed none of the record's fields."
    return f"Fact sheet edition {sheet.edition} was accepted. {what}"
