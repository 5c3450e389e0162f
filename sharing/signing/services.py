"""The signing steps: sending a generated agreement for signature, the vendor's signature,
decline or return, the City's countersignature (which seals the executed PDF), and the lapse
of signatures when the document changes.

Each step checks who may take it, records one audit event (the agreement's lifecycle step,
or the signature's own event when the agreement's status does not move), notifies, and
commits once. The lifecycle's transition table (agreements/steps.py) stays the one place
that says who may move the agreement between statuses; these services move it through
lifecycle.move_agreement.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from sharing.agreements import files, lifecycle
from sharing.agreements.models import Agreement, AgreementStatus
from sharing.agreements.steps import TRANSITIONS
from sharing.audit import services as audit
from sharing.auth.models import User
from sharing.auth.passwords import verify_password
from sharing.core.database import commit_or_conflict
from sharing.core.roles import Role
from sharing.errors import Conflict, Forbidden, NotFound, ValidationFailed
from sharing.extensions import db
from sharing.signing import events, notices, queries
from sharing.signing.models import Party, Signature, SignatureStatus

STALE = "Someone changed this agreement at the same time. Reload the page and try again."
MAX_NAME = 120
MAX_REASON = 2000
# Bump the version whenever the words change: each signature keeps the words it agreed to.
CONSENT_VERSION = "2026-1"
CONSENT_TEXT = (
    "I agree to sign this agreement electronically. My typed name, confirmed by my password "
    "at this moment, is my signature, and it binds the party I sign for as a handwritten "
    "signature on paper would. I understand that federal law (the Electronic Signatures in "
    "Global and National Commerce Act, 15 U.S.C. 7001) and California law (the Uniform "
    "Electronic Transactions Act, Civil Code section 1633.7) give an electronic signature the "
    "same legal effect as a handwritten one. I have read the PDF shown on this page, and I "
    "know I may instead decline here and ask the City to sign on paper."
)
REFUSED_MESSAGE = "That is not your password. Enter the password you sign in with."


# Sending ---------------------------------------------------------------------------------


def send_for_signature(
    *,
    actor: Any,
    agreement: Agreement,
    pdf: bytes,
    signer: User | None,
    invited_email: str = "",
    invited_name: str = "",
    invitation_id: int | None = None,
    now: datetime,
    today: date,
    expected_version: int | None,
) -> Signature:
    """Send the generated agreement to the vendor's signer: a vendor user of its organisation
    with the signer right, or a person invited to sign (the caller issued the invitation).
    The PDF shown to both signers is stored now and never made again for this round."""
    _check_step(actor, agreement, "send_for_signature")
    if held := events.holds(agreement):
        raise Conflict(" ".join(held))
    if signer is not None:
        _check_vendor_signer(signer, agreement)
        name, email = signer.name, signer.email
    elif invited_email:
        name, email = invited_name.strip() or invited_email, invited_email
    else:
        raise ValidationFailed({"signer_id": "Choose who signs for the vendor, or invite someone."})
    if not pdf.startswith(b"%PDF-"):
        raise Conflict("The agreement's PDF could not be made. Try again in a moment.")
    stored = files.store(pdf, ".pdf")
    try:
        lapsed = _lapse_open(agreement, now=now, why="the agreement was sent for signature again")
        signature = Signature(
            agreement_id=agreement.id,
            party=Party.VENDOR,
            status=SignatureStatus.PENDING,
            signer_id=signer.id if signer else None,
            invitation_id=invitation_id,
            signer_name=name[:MAX_NAME],
            signer_email=email,
            requested_by_id=actor.id,
            requested_at=now,
            document_file=stored,
            document_sha256=hashlib.sha256(pdf).hexdigest(),
            generated_sha256=agreement.generated_sha256 or "",
        )
        db.session.add(signature)
        db.session.flush()
        extra = {
            "signature_id": _set(signature.id),
            "signer": _set(f"{name} <{email}>"),
            "document_sha256": _set(signature.document_sha256),
        }
        if lapsed:
            extra["signatures_lapsed"] = _set([s.id for s in lapsed])
        lifecycle.move_agreement(
            actor=actor,
            agreement=agreement,
            action="send_for_signature",
            today=today,
            expected_version=expected_version,
            extra=extra,
        )
        notices.sent(agreement, signature, actor=actor)
        commit_or_conflict(STALE)
    except BaseException:
        db.session.rollback()
        files.remove(stored)
        raise
    return signature


# The vendor's answer ---------------------------------------------------------------------


def sign(
    *,
    actor: Any,
    agreement: Agreement,
    typed_name: str,
    typed_title: str,
    consent: bool,
    password: str,
    document_sha256: str,
    ip: str,
    user_agent: str,
    now: datetime,
) -> Signature:
    """The vendor's signer signs the PDF they were shown (`document_sha256`, from the page)."""
    signature = _vendor_signature_for(actor, agreement, document_sha256)
    typed_name, typed_title = check_typed(typed_name, typed_title, consent)
    _check_password(actor, agreement, signature, password)
    before = _values(signature)
    _record_signature(signature, actor, typed_name, typed_title, ip, user_agent, now)
    audit.record(
        actor=actor,
        action="signature.signed",
        object_type="signature",
        object_id=signature.id,
        organisation_id=agreement.organisation_id,
        changes=audit.diff(before, _values(signature)),
        summary=f"Signed {agreement.number} for the vendor",
    )
    notices.vendor_signed(agreement, signature, actor=actor)
    commit_or_conflict(STALE)
    return signature


def decline(
    *, actor: Any, agreement: Agreement, reason: str, now: datetime, today: date
) -> Signature:
    """The vendor's signer declines, saying why: the agreement goes back to the office."""
    signature = _vendor_signature_for(actor, agreement, None)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "Say why you decline to sign."})
    if len(reason) > MAX_REASON:
        raise ValidationFailed({"reason": f"Use at most {MAX_REASON} characters."})
    signature.status, signature.decline_reason, signature.closed_at = (
        SignatureStatus.DECLINED,
        reason,
        now,
    )
    if signature.signer_id is None:
        signature.signer_id = actor.id
    lifecycle.move_agreement(
        actor=actor,
        agreement=agreement,
        action="decline_signature",
        today=today,
        expected_version=None,
        extra={"signature_id": _set(signature.id), "reason": _set(reason)},
    )
    notices.sent_back(agreement, signature, actor=actor, declined=True)
    commit_or_conflict(STALE)
    return signature


def return_for_changes(
    *,
    actor: Any,
    agreement: Agreement,
    now: datetime,
    today: date,
    note: str = "",
    commit: bool = True,
    extra: dict[str, Any] | None = None,
    tell_office: bool = True,
) -> Signature:
    """A vendor user sends the agreement back with a marked-up copy (negotiation keeps the
    file): the waiting signature closes as returned and the agreement goes back to generated.
    With commit=False the caller commits once, `extra` joins this step's audit event, and
    tell_office=False leaves the office's notice to a caller whose own says more."""
    _check_vendor_user(actor, agreement)
    signature = queries.open_signature(agreement.id, Party.VENDOR)
    if signature is None or signature.status != SignatureStatus.PENDING:
        raise Conflict(f"Agreement {agreement.number} is not waiting for your signature.")
    note = (note or "").strip()[:MAX_REASON]
    signature.status, signature.decline_reason, signature.closed_at = (
        SignatureStatus.RETURNED,
        note,
        now,
    )
    changes = {"signature_id": _set(signature.id), **(extra or {})}
    if note:
        changes["reason"] = _set(note)
    lifecycle.move_agreement(
        actor=actor,
        agreement=agreement,
        action="return_for_changes",
        today=today,
        expected_version=None,
        extra=changes,
    )
    if tell_office:
        notices.sent_back(agreement, signature, actor=actor, declined=False)
    if commit:
        commit_or_conflict(STALE)
    return signature


# Helpers ----------------------------------------------------------------------------------


def stored_document(signature: Signature) -> bytes:
    """The PDF the signature is about, as stored when it was sent; refused when the file is
    gone or no longer has the SHA-256 recorded then."""
    try:
        data = files.read(signature.document_file)
    except (OSError, ValueError) as error:
        raise Conflict("The agreement's PDF is missing. Ask the City to send it again.") from error
    if hashlib.sha256(data).hexdigest() != signature.document_sha256:
        raise Conflict(
            "The agreement's PDF changed after it was sent. Ask the City to send it again."
        )
    return data


def _set(value: Any) -> dict[str, Any]:
    return {"before": None, "after": value}


def _check_step(actor: Any, agreement: Agreement, action: str) -> None:
    step = TRANSITIONS[action]
    if str(getattr(actor, "role", "")) not in step.roles:
        raise Forbidden(f"Your role may not {step.label.lower()} an agreement.")
    if agreement.status not in step.sources:
        raise Conflict(
            f"Agreement {agreement.number} is {agreement.status.label.lower()}; "
            f"“{step.label}” is not possible now."
        )


def _check_vendor_signer(signer: User, agreement: Agreement) -> None:
    if (
        signer.role != Role.VENDOR
        or signer.organisation_id != agreement.organisation_id
        or not signer.active
        or not signer.may_sign
    ):
        raise ValidationFailed(
            {"signer_id": "Choose an active user of the vendor who may sign agreements."}
        )


def _check_vendor_user(actor: Any, agreement: Agreement) -> None:
    if str(getattr(actor, "role", "")) != Role.VENDOR.value:
        raise Forbidden("Only the vendor's users answer a request for signature.")
    if getattr(actor, "organisation_id", None) != agreement.organisation_id:
        # Another organisation's agreement does not exist for this user.
        raise NotFound("That agreement does not exist.")


def _vendor_signature_for(
    actor: Any, agreement: Agreement, document_sha256: str | None
) -> Signature:
    """The vendor signature waiting for this user, or why there is none."""
    _check_vendor_user(actor, agreement)
    if agreement.status != AgreementStatus.SENT_FOR_SIGNATURE:
        raise Conflict(f"Agreement {agreement.number} is not waiting for a signature.")
    signature = queries.open_signature(agreement.id, Party.VENDOR)
    if signature is None or signature.status != SignatureStatus.PENDING:
        raise Conflict(f"Agreement {agreement.number} is not waiting for a vendor signature.")
    if not queries.is_signer(actor, signature) or not getattr(actor, "may_sign", False):
        raise Forbidden(
            f"Only {signature.signer_name} may sign agreement {agreement.number} for your "
            "organization."
        )
    if signature.generated_sha256 != (agreement.generated_sha256 or "") or (
        document_sha256 is not None and document_sha256 != signature.document_sha256
    ):
        raise Conflict(
            f"Agreement {agreement.number} changed since you opened it. Reload the page and "
            "read the current version before signing."
        )
    return signature


def check_typed(typed_name: str, typed_title: str, consent: bool) -> tuple[str, str]:
    typed_name, typed_title = (typed_name or "").strip(), (typed_title or "").strip()
    problems = {}
    if not typed_name:
        problems["typed_name"] = "Type your full name as your signature."
    elif len(typed_name) > MAX_NAME:
        problems["typed_name"] = f"Use at most {MAX_NAME} characters."
    if not typed_title:
        problems["typed_title"] = "Type your title: the capacity in which you sign."
    elif len(typed_title) > MAX_NAME:
        problems["typed_title"] = f"Use at most {MAX_NAME} characters."
    if not consent:
        problems["consent"] = "Agree to sign electronically, or decline instead."
    if problems:
        raise ValidationFailed(problems)
    return typed_name, typed_title


def confirm_password(
    actor: Any,
    password: str,
    *,
    action: str,
    object_type: str,
    object_id: int,
    organisation_id: int | None,
    summary: str,
) -> None:
    """The signer's password, entered again at the moment they sign or consent. A wrong one
    rolls back what the caller changed, is audited as a failed attempt under `action`
    (committed on its own) and is returned as the password field's error."""
    if verify_password(getattr(actor, "password_hash", None), password or ""):
        return
    db.session.rollback()
    audit.record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        organisation_id=organisation_id,
        changes={"reason": _set("wrong password")},
        summary=summary,
    )
    commit_or_conflict(STALE)
    raise ValidationFailed({"password": REFUSED_MESSAGE})


def _check_password(
    actor: Any, agreement: Agreement, signature: Signature | None, password: str
) -> None:
    confirm_password(
        actor,
        password,
        action="signature.sign_failed",
        object_type="signature" if signature is not None else "agreement",
        object_id=signature.id if signature is not None else agreement.id,
        organisation_id=agreement.organisation_id,
        summary=f"A signature of {agreement.number} was refused: wrong password",
    )


def _record_signature(
    signature: Signature,
    actor: Any,
    typed_name: str,
    typed_title: str,
    ip: str,
    user_agent: str,
    now: datetime,
) -> None:
    """What the signature proves: who, when, from where, agreeing to which words, on which
    exact file (hashed again now, so a file changed on disk cannot be signed)."""
    seen = hashlib.sha256(stored_document(signature)).hexdigest()
    signature.status = SignatureStatus.SIGNED
    signature.signer_id = actor.id
    signature.typed_name, signature.typed_title = typed_name, typed_title
    signature.consent_version, signature.consent_text = CONSENT_VERSION, CONSENT_TEXT
    signature.signed_at = now
    signature.ip = (ip or "")[:64]
    signature.user_agent = (user_agent or "")[:512]
    signature.signed_document_sha256 = seen


SIGNATURE_FIELDS = (
    "status",
    "signer_id",
    "typed_name",
    "typed_title",
    "consent_version",
    "signed_at",
    "ip",
    "user_agent",
    "signed_document_sha256",
    "decline_reason",
    "lapsed_at",
    "lapse_reason",
)


def _values(signature: Signature) -> dict[str, Any]:
    return audit.snapshot(signature, SIGNATURE_FIELDS)


def _lapse_open(agreement: Agreement, *, now: datetime, why: str) -> list[Signature]:
    """Lapse every signature still in play on the agreement (not yet notified)."""
    lapsed = queries.open_signatures(agreement.id)
    for signature in lapsed:
        signature.status = SignatureStatus.LAPSED
        signature.lapsed_at, signature.lapse_reason = now, why
        signature.closed_at = signature.closed_at or now
    return lapsed
