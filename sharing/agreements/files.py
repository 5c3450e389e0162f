"""Agreement files on disk (generated .docx, signed PDFs), their download names, and the
signed-PDF check by content.

Files live under UPLOAD_DIR/agreements with random names; the database keeps the name and the
SHA-256. Nothing here trusts a file name or a browser's content type.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

from sharing.core.downloads import slug
from sharing.core.file_store import write_new
from sharing.core.ooxml import BINARY_SIGNATURES, OLE_MAGIC, ZIP_MAGIC
from sharing.errors import DomainError

if TYPE_CHECKING:
    from sharing.agreements.models import Agreement

DEFAULT_MAX_SIGNED_BYTES = 20 * 1024 * 1024
HEADER_WINDOW = 1024  # the PDF header may follow a little junk, within the first kilobyte
EOF_WINDOW = 1024  # and %%EOF sits near the end (some writers append a few bytes after it)

_STORED_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9]{1,8})?$")
_PDF_HEADER = re.compile(rb"%PDF-[12]\.")
# An /Encrypt entry refers to (or holds) the encryption dictionary, in a classic trailer or in
# a cross-reference stream's dictionary; both are plain text even when streams are compressed.
_ENCRYPT = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")
_HTML = re.compile(rb"<(?:!doctype\s+html|html|head|body|script|svg|\?xml)", re.IGNORECASE)


class RejectedFile(DomainError):
    """The upload is not a file we archive; `message` tells the user why."""

    status_code = 400

    def __init__(self, message: str, *, code: str = "rejected") -> None:
        super().__init__(message)
        self.code = code


# Storage --------------------------------------------------------------------------------


def agreement_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "agreements"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(data: bytes, suffix: str) -> str:
    """Write `data` under a new random name and return that name. The file appears whole or
    not at all (see sharing/core/file_store.py)."""
    return write_new(agreement_dir(), data, suffix)


def path_of(stored_name: str) -> Path:
    """The path of a stored file. Names with separators or dots in front are refused, so a
    damaged row can never point outside the agreements folder."""
    if not stored_name or not _STORED_NAME.match(stored_name):
        raise ValueError(f"not a stored file name: {stored_name!r}")
    return agreement_dir() / stored_name


def read(stored_name: str) -> bytes:
    return path_of(stored_name).read_bytes()


def exists(stored_name: str | None) -> bool:
    if not stored_name:
        return False
    try:
        return path_of(stored_name).is_file()
    except ValueError:
        return False


def remove(stored_name: str | None) -> None:
    if stored_name:
        path_of(stored_name).unlink(missing_ok=True)


def file_name(agreement: Agreement, suffix: str) -> str:
    """A download name such as `DSA-2026-0042-parkpay-llc.docx`; letters of any script stay."""
    name = slug(agreement.organisation.display_name, default="agreement")
    return f"{agreement.number}-{name}{suffix}"


def max_signed_bytes() -> int:
    return int(current_app.config.get("AGREEMENT_SIGNED_MAX_BYTES", DEFAULT_MAX_SIGNED_BYTES))


# The signed-PDF check --------------------------------------------------------------------


def check_signed_pdf(data: bytes, *, max_bytes: int = DEFAULT_MAX_SIGNED_BYTES) -> None:
    """Accept a complete, unencrypted PDF; raise RejectedFile saying what the file is instead."""
    if not data:
        raise RejectedFile("The file is empty. Upload the signed agreement as a PDF.", code="empty")
    if len(data) > max_bytes:
        raise RejectedFile(
            f"The file is {_megabytes(len(data))}, over the {_megabytes(max_bytes)} limit for "
            "signed agreements. Scan at a lower resolution or compress the PDF.",
            code="too_large",
        )
    _check_not_other_format(data)
    head = data[:HEADER_WINDOW]
    header = _PDF_HEADER.search(head)
    if header is None or _HTML.search(head[: header.start()]):
        raise RejectedFile(_not_pdf("a file of another kind"), code="not_pdf")
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise RejectedFile(
            "The PDF is incomplete (it has no end-of-file marker). It may have been cut off "
            "while downloading or saving; save it again and upload the new copy.",
            code="truncated",
        )
    if _ENCRYPT.search(data):
        raise RejectedFile(
            "The PDF is encrypted: password-protected PDFs cannot be archived. Save a copy "
            "without a password (keep the signatures) and upload that.",
            code="encrypted",
        )


def _check_not_other_format(data: bytes) -> None:
    head = data[:16]
    if head.startswith(OLE_MAGIC):
        raise RejectedFile(
            _not_pdf("a legacy or password-protected Office document"), code="not_pdf"
        )
    if head.startswith(ZIP_MAGIC):
        raise RejectedFile(
            _not_pdf("a zip archive or an Office document such as .docx"), code="not_pdf"
        )
    stripped = data[:HEADER_WINDOW].lstrip(b"\xef\xbb\xbf \t\r\n")
    if _HTML.match(stripped):
        raise RejectedFile(_not_pdf("a web page or XML document"), code="not_pdf")
    for signature, described in BINARY_SIGNATURES:
        if signature != b"%PDF-" and head.startswith(signature):
            raise RejectedFile(_not_pdf(described), code="not_pdf")


def _not_pdf(described: str) -> str:
    return (
        f"The file is {described}, not a PDF. Upload the signed agreement as a PDF "
        "(scan it, or print it to PDF)."
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
