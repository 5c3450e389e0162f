"""Agreement files on disk (generated .docx, signed PDFs), their download names, and what a
signed copy may be (SIGNED_AGREEMENT, judged by sharing.files).

Files live under UPLOAD_DIR/agreements with random names; the database keeps the name and the
SHA-256. Nothing here trusts a file name or a browser's content type.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

from sharing.core.downloads import slug
from sharing.core.file_store import write_new
from sharing.files import Kind, UploadPolicy

if TYPE_CHECKING:
    from sharing.agreements.models import Agreement

DEFAULT_MAX_SIGNED_BYTES = 20 * 1024 * 1024
_STORED_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9]{1,8})?$")
# A copy signed on paper and scanned, or signed digitally; the limit is configured.
SIGNED_AGREEMENT = UploadPolicy(
    noun="signed agreement",
    accepts=frozenset({Kind.PDF}),
    max_bytes=DEFAULT_MAX_SIGNED_BYTES,
    hint="Upload the signed agreement as a PDF (scan it, or print it to PDF).",
)


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


def signed_policy() -> UploadPolicy:
    return replace(SIGNED_AGREEMENT, max_bytes=max_signed_bytes())
