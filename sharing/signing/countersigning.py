"""The City's countersignature, what may block it, and the lapse of signatures when the
document they were given on changes.

Countersigning appends a page listing both signatures to the very PDF the vendor signed,
seals it with the City's certificate (sharing.seal), and archives it as the agreement's
signed copy: the agreement is executed. The effective date and term are the agreement's own,
set when it was drafted and printed in the document; nobody types them again here.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from flask import current_app

from sharing.agreements import files, lifecycle
from sharing.agreements.dates import term_end
from sharing.agreements.models import Agreement, AgreementStatus
from sharing.audit import services as audit
from sharing.core import clock
from sharing.core.database import commit_or_conflict
from sharing.core.roles import Role
from sharing.errors import Conflict, Forbidden
from sharing.extensions import db
from sharing.seal.page import SignatureLine, with_signature_page
from sharing.seal.sealing import seal_pdf
from sharing.signing import events, notices, queries
from sharing.signing.models import Party, Signature, SignatureStatus
from sharing.signing.services import (
    STALE,
    _check_password,
    _record_signature,
    _set,
    _values,
    check_typed,
)

METHOD = "Typed name, consent to sign electronically, password entered again"


def blockers(agreement: Agreement) -> list[str]:
    """Why the City cannot countersign the agreement now, in plain words (empty: it can)."""
    vendor = queries.open_signature(agreement.id, Party.VENDOR)
    return vendor_blockers(agreement, vendor) + events.holds(agreement)


def vendor_blockers(agreement: Agreement, vendor: Signature | None) -> list[str]:
    """What blocks the countersignature on the vendor's side, given the vendor signature in
    play (a page that has read it already asks no more)."""
    if agreement.status != AgreementStatus.SENT_FOR_SIGNATURE:
        return [f"The agreement is {agreement.status.label.lower()}, not out for signature."]
    if vendor is None:
        return ["Nobody has been asked to sign for the vendor."]
    problems = []
    if vendor.status != SignatureStatus.SIGNED:
        problems.append(f"{vendor.signer_name} has not signed for the vendor yet.")
    if vendor.generated_sha256 != (agreement.generated_sha256 or ""):
        problems.append(
            "The agreement was generated again after it was sent; send the new version."
        )
    return problems


def countersign(
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
    today: date,
    expected_version: int | None,
) -> Signature:
    """The City's signatory (an office user with the signer right) signs the PDF the vendor
    signed; the executed copy is sealed and archived, and the agreement is executed."""
    if _role(actor) not in {r.value for r in Role.OFFICE} or not getattr(actor, "may_sign", False):
        raise Forbidden("Only a privacy office user with the signer right countersigns.")
    vendor = queries.open_signature(agreement.id, Party.VENDOR)
    problems = vendor_blockers(agreement, vendor) + events.holds(agreement)
    if problems:
        raise Conflict(" ".join(problems))
    assert vendor is not None  # vendor_blockers() found it signed
    if document_sha256 != vendor.document_sha256:
        raise Conflict("The agreement changed since you opened it. Reload the page first.")
    typed_name, typed_title = check_typed(typed_name, typed_title, consent)
    # A wrong password raises after its own commit; past it, the session still holds `vendor`.
    _check_password(actor, agreement, None, password)
    city = Signature(
        agreement_id=agreement.id,
        party=Party.CITY,
        signer_id=actor.id,
        signer_name=getattr(actor, "name", "")[:120],
        signer_email=getattr(actor, "email", ""),
        requested_by_id=actor.id,
        requested_at=now,
        document_file=vendor.document_file,
        document_sha256=vendor.document_sha256,
        generated_sha256=vendor.generated_sha256,
    )
    stored = None
    try:
        _record_signature(city, actor, typed_name, typed_title, ip, user_agent, now)
        db.session.add(city)
        db.session.flush()
        sealed = _sealed_copy(agreement, files.read(vendor.document_file), [vendor, city])
        stored = files.store(sealed, ".pdf")
        agreement.signed_file = stored
        agreement.signed_sha256 = hashlib.sha256(sealed).hexdigest()
        agreement.signed_on = today
        agreement.signed_uploaded_at = now
        if agreement.effective_date and agreement.expiry_date is None:
            agreement.expiry_date = term_end(agreement.effective_date, agreement.term_months)
        lifecycle.move_agreement(
            actor=actor,
            agreement=agreement,
            action="countersign",
            today=today,
            expected_version=expected_version,
            extra={
                "signature_id": _set(city.id),
                "countersignature": audit.diff({}, _values(city)),
                "signed_size": _set(len(sealed)),
            },
        )
        notices.executed(agreement, city, actor=actor)
        commit_or_conflict(STALE)
    except BaseException:
        db.session.rollback()
        files.remove(stored)
        raise
    return city


def _sealed_copy(agreement: Agreement, pdf: bytes, signatures: list[Signature]) -> bytes:
    """The signed PDF with its signature page, sealed by the City's certificate."""
    city_name = current_app.config["CITY_NAME"]
    lines = [
        SignatureLine(
            party_label="Vendor" if s.party == Party.VENDOR else city_name,
            organisation=(
                agreement.organisation.display_name if s.party == Party.VENDOR else city_name
            ),
            name=s.typed_name,
            title=s.typed_title,
            signed_at=s.signed_at,
            ip=s.ip,
            document_sha256=s.signed_document_sha256,
            method=METHOD,
        )
        for s in signatures
    ]
    page = with_signature_page(pdf, number=agreement.number, title=agreement.title, lines=lines)
    return seal_pdf(page, reason=f"Executed agreement {agreement.number}, signed by both parties")


# Lapse ------------------------------------------------------------------------------------

# Lifecycle steps after which no signature on the agreement may count. Taking an agreement
# back from signature is not one: its signatures lapse once it is generated or sent again.
ENDING_STEPS = {"terminate": "the agreement was terminated"}


def lapse_on_generation(
    _sender: Any, *, agreement: Agreement, today: date, actor: Any = None, **_: Any
) -> dict[str, Any]:
    """Receiver of agreements.events.agreement_generated: a new document means every
    signature waiting or given on the old one lapses. Returns the audit changes."""
    return _lapse(agreement, actor=actor, why="a new version of the agreement was generated")


def lapse_on_step(_sender: Any, *, agreement: Agreement, action: str, **_: Any) -> dict[str, Any]:
    """Receiver of agreements.events.agreement_transitioned: terminating the agreement lapses
    its signatures."""
    why = ENDING_STEPS.get(action)
    return _lapse(agreement, actor=None, why=why) if why else {}


def _lapse(agreement: Agreement, *, actor: Any, why: str) -> dict[str, Any]:
    lapsed = queries.open_signatures(agreement.id)
    if not lapsed:
        return {}
    when = clock.now()
    for signature in lapsed:
        signature.status = SignatureStatus.LAPSED
        signature.lapsed_at, signature.lapse_reason = when, why
        signature.closed_at = signature.closed_at or when
    notices.lapsed(agreement, lapsed, actor=actor, why=why)
    return {"signatures_lapsed": _set([f"{s.party.label}: {s.signer_name}" for s in lapsed])}


def _role(user: Any) -> str:
    role = getattr(user, "role", "")
    return getattr(role, "value", str(role))
