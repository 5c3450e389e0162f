"""Sealing a PDF with the City's certificate (PAdES baseline, an invisible field, an
incremental update) and checking a seal against the City's own certificates."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from sharing.errors import DomainError
from sharing.seal import certificates
from sharing.seal.certificates import SealUnavailable

FIELD_NAME = "CitySeal"
DEFAULT_LOCATION = "San José, California"

__all__ = ["SealReport", "SealUnavailable", "seal_pdf", "validate_seal"]

T = TypeVar("T")


def _outside_event_loop(call: Callable[[], T]) -> T:
    """Run one of pyHanko's blocking calls. They start an event loop of their own
    (asyncio.run), which Python refuses in a thread whose loop is already running (a server
    or a test driver with asyncio); there the call runs in a short-lived thread instead."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


@dataclass
class SealReport:
    sealed: bool
    intact: bool = False
    trusted: bool = False
    signer: str = ""
    signed_at: datetime | None = None
    covers_whole_file: bool = False
    problems: list[str] = field(default_factory=list)


def seal_metadata(*, reason: str, location: str = DEFAULT_LOCATION):
    """The seal's signature dictionary: PAdES baseline, SHA-256, in the CitySeal field."""
    return signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )


def seal_pdf(pdf: bytes, *, reason: str, location: str = DEFAULT_LOCATION) -> bytes:
    """`pdf` with the City's seal added as an incremental update; the original bytes stay the
    prefix. Raises SealUnavailable when no certificate can be used."""
    signer = certificates.signer_for(certificates.certificate_for_sealing())
    meta = seal_metadata(reason=reason, location=location)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        # No box: the field is invisible; the signature page says what the seal is.
        spec = fields.SigFieldSpec(sig_field_name=FIELD_NAME)
        pdf_signer = signers.PdfSigner(meta, signer=signer, new_field_spec=spec)
        out = _outside_event_loop(lambda: pdf_signer.sign_pdf(writer))
    except (PdfError, SigningError, ValueError) as error:
        raise DomainError(f"This PDF could not be sealed: {error}") from None
    return out.getvalue()


def _last_seal(reader: PdfFileReader):
    seals = reader.embedded_signatures
    named = [sig for sig in seals if sig.field_name == FIELD_NAME]
    return (named or seals)[-1] if seals else None


def _signer_name(status) -> str:
    subject = status.signing_cert.subject.native
    name = subject.get("common_name") or ""
    organisation = subject.get("organization_name") or ""
    return f"{name} ({organisation})" if name and organisation else name or organisation


def validate_seal(pdf: bytes) -> SealReport:
    """Whether the file carries the City's seal, unchanged, covering the whole file."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        seal = _last_seal(reader)
    except (PdfError, ValueError, KeyError):
        return SealReport(sealed=False, problems=["The file is not a readable PDF."])
    if seal is None:
        return SealReport(sealed=False, problems=["The file carries no digital seal."])
    context = ValidationContext(trust_roots=certificates.city_certificates(), allow_fetching=False)
    try:
        status = _outside_event_loop(lambda: validate_pdf_signature(seal, context))
    except (SignatureValidationError, PdfError, ValueError) as error:
        return SealReport(sealed=True, problems=[f"The seal could not be checked: {error}"])
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE and (
        status.modification_level in (None, ModificationLevel.NONE)
    )
    problems = []
    if not status.intact:
        problems.append(
            "The document was changed after it was sealed: its content no longer matches the seal."
        )
    elif not status.valid:
        problems.append("The seal's signature does not verify with its certificate.")
    if status.intact and not status.trusted:
        problems.append("The seal was not made with a certificate of the City known to this app.")
    if status.intact and not whole:
        problems.append(
            "Something was added to the file after it was sealed; the seal does "
            "not cover the whole file."
        )
    return SealReport(
        sealed=True,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        signer=_signer_name(status),
        signed_at=status.signer_reported_dt,
        covers_whole_file=whole,
        problems=problems,
    )
