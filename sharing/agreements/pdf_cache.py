"""The PDF of a generated agreement, converted once and then kept under
UPLOAD_DIR/agreement-pdfs, named by what went into it: the .docx's SHA-256, the document
properties and the export profile."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from flask import current_app

from sharing.agreements import files, pdf
from sharing.agreements.docx_properties import agreement_properties, set_document_properties
from sharing.agreements.models import Agreement
from sharing.errors import Conflict
from sharing.extensions import db

# Part of every cache key: PDFs made before the archival export options are made afresh.
EXPORT_PROFILE = "pdfa2-tagged"


def pdf_cache_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "agreement-pdfs"


def agreement_pdf(agreement: Agreement, *, binary: str, timeout: float) -> bytes:
    """The tagged PDF/A-2 of the generated .docx, converted once per content and then kept.

    The .docx gets the agreement's title, subject and number as its document properties
    first, so the PDF's metadata names the agreement. The warm LibreOffice of
    `PDF_UNOSERVER` converts it when configured and reachable. The conversion can take
    seconds, so the request's database transaction ends before it starts.
    """
    if not agreement.generated_file or not agreement.generated_sha256:
        raise Conflict("This agreement has not been generated yet.")
    properties = agreement_properties(agreement, city=current_app.config["CITY_NAME"])
    key = hashlib.sha256(
        "\n".join([EXPORT_PROFILE, agreement.generated_sha256, *properties.values()]).encode()
    ).hexdigest()
    cached = pdf_cache_dir() / f"{key}.pdf"
    if cached.is_file():
        return cached.read_bytes()
    docx = set_document_properties(files.read(agreement.generated_file), **properties)
    # Nothing here writes; rolling back returns the connection to the pool instead of
    # holding it (and, on SQLite, a read snapshot) for the length of the conversion.
    db.session.rollback()
    data = pdf.docx_to_pdf(
        docx, timeout=timeout, binary=binary, server=current_app.config["PDF_UNOSERVER"]
    )
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f".{cached.name}.{secrets.token_hex(4)}.part")
    partial.write_bytes(data)
    os.replace(partial, cached)
    return data
