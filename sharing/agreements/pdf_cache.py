"""The PDF of a generated agreement, converted once per .docx content and then kept under
UPLOAD_DIR/agreement-pdfs, named by the .docx's SHA-256."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import current_app

from sharing.agreements import files, pdf
from sharing.agreements.models import Agreement
from sharing.errors import Conflict


def pdf_cache_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "agreement-pdfs"


def agreement_pdf(agreement: Agreement, *, binary: str, timeout: float) -> bytes:
    """The PDF of the generated .docx, converted once per file content and then kept.

    The cache is keyed by the .docx's SHA-256, so a regenerated agreement with a different
    text is converted afresh and an identical one is not.
    """
    if not agreement.generated_file or not agreement.generated_sha256:
        raise Conflict("This agreement has not been generated yet.")
    cached = pdf_cache_dir() / f"{agreement.generated_sha256}.pdf"
    if cached.is_file():
        return cached.read_bytes()
    data = pdf.docx_to_pdf(files.read(agreement.generated_file), timeout=timeout, binary=binary)
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f".{cached.name}.{secrets.token_hex(4)}.part")
    partial.write_bytes(data)
    os.replace(partial, cached)
    return data
