"""Request documents of disclosure log entries: checked by content, stored atomically under
UPLOAD_DIR/disclosures with random names, read back against their SHA-256."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path

from flask import current_app

from sharing.core.file_store import write_new
from sharing.disclosures.models import Disclosure
from sharing.errors import DomainError
from sharing.files import Kind, UploadPolicy, inspect

log = logging.getLogger(__name__)

# The written request a disclosure answers; the limits are those of evidence files.
REQUEST_DOCUMENT = UploadPolicy(
    noun="request document",
    accepts=frozenset({Kind.PDF, Kind.DOCX, Kind.XLSX, Kind.PNG, Kind.JPEG}),
    max_bytes=10 * 1024 * 1024,
)

STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(?:pdf|docx|xlsx|png|jpg)$")


@dataclass(frozen=True)
class Upload:
    """An uploaded request document: its bytes and the name the browser gave."""

    data: bytes
    name: str


class RequestFileUnavailable(DomainError):
    """The stored request document is missing or no longer matches its SHA-256."""

    status_code = 410


def request_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "disclosures"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(stored_name: str) -> Path:
    if not stored_name or not STORED_NAME.match(stored_name):
        raise ValueError(f"not a stored request document: {stored_name!r}")
    return request_dir() / stored_name


def read_request_file(disclosure: Disclosure) -> bytes:
    """The stored document's bytes, checked against the recorded SHA-256."""
    try:
        data = path_of(disclosure.request_file or "").read_bytes()
    except (OSError, ValueError):
        raise RequestFileUnavailable("The request document is missing from storage.") from None
    if hashlib.sha256(data).hexdigest() != disclosure.request_file_sha256:
        raise RequestFileUnavailable("The request document no longer matches its checksum.")
    return data


def store(upload: Upload | None) -> tuple[str, str, str] | None:
    """Check the document by content and write it; (stored name, safe name, sha256) or None."""
    if upload is None:
        return None
    policy = replace(
        REQUEST_DOCUMENT,
        max_bytes=int(current_app.config["EVIDENCE_MAX_BYTES"]),
        max_pixels=int(current_app.config["EVIDENCE_MAX_PIXELS"]),
    )
    checked = inspect(upload.data, upload.name or "", policy)
    stored = write_new(request_dir(), upload.data, checked.suffix)
    return stored, checked.name, hashlib.sha256(upload.data).hexdigest()


def discard(stored: str | None) -> None:
    if stored:
        try:
            path_of(stored).unlink(missing_ok=True)
        except OSError:
            log.warning("request document %s could not be deleted", stored)
