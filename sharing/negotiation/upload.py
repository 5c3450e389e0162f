"""Receiving a returned copy: the checks that run before anything is stored, the comparison
with the generated document, the stored files and deviations, the audit event and the notice.

A refused upload leaves no row and no file: every check reads the bytes in memory, and the
files are written only once the comparison has succeeded (and removed if the commit fails).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from sharing.agreements import files
from sharing.agreements.models import Agreement, AgreementStatus
from sharing.audit import services as audit
from sharing.core.clock import local
from sharing.core.database import commit_or_conflict
from sharing.core.roles import Role
from sharing.errors import ValidationFailed
from sharing.extensions import db
from sharing.files import Kind, RejectedUpload, UploadPolicy, inspect
from sharing.negotiation import notices
from sharing.negotiation.clauses import NoClauses, agreement_number
from sharing.negotiation.compare import Comparison, compare, parameter_specs
from sharing.negotiation.decisions import undo_effect
from sharing.negotiation.models import Deviation, DeviationKind, ReturnedCopy, ReturnStatus
from sharing.negotiation.redline import redline_docx
from sharing.signing import services as signing

log = logging.getLogger(__name__)

S = AgreementStatus
FIELD = "returned_file"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
RETURNED = UploadPolicy(
    noun="returned agreement",
    accepts=frozenset({Kind.DOCX}),
    max_bytes=MAX_UPLOAD_BYTES,
    hint="Save the returned agreement as “Word Document (.docx)” and upload it again.",
)
# Who may bring a returned copy in, and while the agreement is in which status: the vendor
# while it is out for signature (the upload answers the request to sign); staff with a copy
# that came by mail, once the agreement is back from signature (taken back, or generated).
UPLOAD_STATUSES = {
    Role.VENDOR: frozenset({S.SENT_FOR_SIGNATURE}),
    Role.ADMIN: frozenset({S.GENERATED}),
    Role.PRIVACY: frozenset({S.GENERATED}),
    Role.PROCUREMENT: frozenset({S.GENERATED}),
}


def may_upload(actor: Any, agreement: Agreement) -> bool:
    statuses = UPLOAD_STATUSES.get(Role(actor.role), frozenset())
    if actor.role == Role.VENDOR and actor.organisation_id != agreement.organisation_id:
        return False
    return agreement.status in statuses and bool(agreement.generated_file)


def receive_returned_copy(
    *, actor: Any, agreement: Agreement, data: bytes, original_name: str, now: datetime
) -> ReturnedCopy:
    """Check, compare and keep a returned .docx of `agreement`; raise ValidationFailed on the
    file field, with nothing stored, when it is not this agreement's returned copy."""
    if not may_upload(actor, agreement):
        raise ValidationFailed(
            {
                FIELD: f"Agreement {agreement.number} is {agreement.status.label.lower()}; a "
                "returned copy can be received only while it is generated or out for signature."
            }
        )
    generated = files.read(agreement.generated_file)
    try:
        original_name = inspect(data, original_name, RETURNED).name
    except RejectedUpload as error:
        raise ValidationFailed({FIELD: error.message}) from None
    comparison = check_and_compare(agreement, generated, data)
    stored = files.store(data, ".docx")
    redline = None
    try:
        redline = _redline(generated, data, author=agreement.organisation.display_name)
        copy = _new_copy(actor, agreement, data, original_name, stored, redline, comparison, now)
        _record(actor, agreement, copy, now)
        notices.copy_received(copy, actor=actor)
        commit_or_conflict()
    except BaseException:
        # Whatever refused the copy after the files were written (a signature no longer
        # waiting, a lost race), neither the row nor the files stay.
        db.session.rollback()
        files.remove(stored)
        files.remove(redline)
        raise
    return copy


def check_and_compare(agreement: Agreement, generated: bytes, data: bytes) -> Comparison:
    """The returned copy's own checks (it is this agreement), then the comparison; the upload
    rules ran before (RETURNED). Nothing is written."""
    try:
        number = agreement_number(data)
    except NoClauses as error:
        raise ValidationFailed({FIELD: error.message}) from None
    if number is None:
        raise ValidationFailed(
            {
                FIELD: "This file does not say which agreement it is (its agreement number is "
                f"missing). Upload the returned copy of agreement {agreement.number}."
            }
        )
    if number != agreement.number:
        raise ValidationFailed({FIELD: f"This file is agreement {number}, not {agreement.number}."})
    try:
        return compare(generated, data, parameters=parameter_specs(agreement.policy_version))
    except NoClauses:
        raise ValidationFailed(
            {
                FIELD: "No clause of the agreement could be recognized in this file: its "
                "section headings and obligation codes are missing. Upload the returned copy "
                "with its headings as generated."
            }
        ) from None


def _redline(generated: bytes, data: bytes, *, author: str) -> str | None:
    """The tracked-changes .docx, stored; None when it cannot be made. The comparison stands
    without it (the review page shows its own redline), so a failure is logged, not raised."""
    try:
        return files.store(redline_docx(generated, data, author=author), ".docx")
    except Exception:  # noqa: BLE001 - the redline engine is an outside program
        log.exception("The redline of a returned copy could not be made")
        return None


def _new_copy(
    actor: Any,
    agreement: Agreement,
    data: bytes,
    original_name: str,
    stored: str,
    redline: str | None,
    comparison: Comparison,
    now: datetime,
) -> ReturnedCopy:
    last = db.session.scalar(
        select(func.max(ReturnedCopy.round)).where(ReturnedCopy.agreement_id == agreement.id)
    )
    # A newer copy replaces the one still open: the decisions taken on it are taken back,
    # since the vendor's new copy is what the office now decides on.
    for older in db.session.scalars(
        select(ReturnedCopy).where(
            ReturnedCopy.agreement_id == agreement.id, ReturnedCopy.status == ReturnStatus.OPEN
        )
    ):
        for deviation in older.deviations:
            undo_effect(deviation, agreement)
        older.status = ReturnStatus.SUPERSEDED
    copy = ReturnedCopy(
        agreement=agreement,
        round=(last or 0) + 1,
        stored_name=stored,
        original_name=original_name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        generated_sha256=agreement.generated_sha256 or "",
        redline_name=redline,
        clauses_found=comparison.clauses_found,
        status=ReturnStatus.OPEN,
        uploaded_by_id=actor.id,
        uploaded_at=now,
    )
    copy.deviations = [
        _deviation(position, change) for position, change in enumerate(comparison.changes)
    ]
    db.session.add(copy)
    return copy


def _deviation(position: int, change: Any) -> Deviation:
    parameter = change.parameter
    return Deviation(
        position=position,
        key=str(change.key)[:120],
        code=change.code or "",
        number=str(change.number or "")[:16],
        heading=(change.heading or "")[:400],
        kind=DeviationKind(str(change.kind)),
        before_text=change.before_text or "",
        after_text=change.after_text or "",
        parameter_name=parameter.name if parameter else None,
        parameter_label=parameter.label if parameter else "",
        parameter_unit=parameter.unit if parameter else "",
        parameter_before=parameter.before if parameter else None,
        parameter_after=parameter.after if parameter else None,
        explanation=change.explanation or "",
    )


def _summary_values(copy: ReturnedCopy) -> dict[str, Any]:
    return {
        "round": copy.round,
        "file": copy.original_name,
        "sha256": copy.sha256,
        "changes": [f"{d.kind.value}: {d.code or d.heading}" for d in copy.deviations],
    }


def _record(actor: Any, agreement: Agreement, copy: ReturnedCopy, now: datetime) -> None:
    """One audit event for the upload. From the vendor's signer the upload is also their
    answer to the request to sign: signing closes that request and takes the agreement back
    to generated, in this transaction, and its event carries the copy's summary."""
    received = {"returned_copy": {"before": None, "after": _summary_values(copy)}}
    if actor.role == Role.VENDOR:
        signing.return_for_changes(
            actor=actor,
            agreement=agreement,
            now=now,
            today=local(now).date(),
            commit=False,
            extra=received,
            tell_office=False,
        )
        return
    audit.record(
        actor=actor,
        action="agreement.returned_copy_received",
        object_type="agreement",
        object_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes=received,
        summary=f"Returned copy {copy.round} of {agreement.number} received: "
        f"{len(copy.deviations)} changes found",
    )
