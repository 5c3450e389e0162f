"""Decide from its content whether an uploaded evidence file is a PDF, DOCX, XLSX, PNG or JPEG
we may keep, and say why not.

Nothing here trusts the file name or the browser's content type; the name is only checked so
that it can be shown and offered as a download name, and it must agree with the content.
Word and Excel files are judged from their zip's central directory before anything is
decompressed (evidence_office.py); the kinds and the refusal are in evidence_kinds.py. PDFs are
scanned like pdfid does: names are read with their `#xx`
escapes decoded, and every Flate stream (object streams can hide dictionaries) is inflated in
bounded steps and scanned too. Refused in PDFs: /JavaScript, /JS, /Launch, /EmbeddedFile and
/RichMedia (an attached file or Flash can carry anything, and evidence is the document itself),
and /Encrypt (an encrypted PDF cannot be scanned).
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from PIL import Image

from sharing.attestations.evidence_kinds import (
    KINDS,
    Kind,
    RejectedEvidence,
    megabytes,
    not_allowed,
    polyglot,
)
from sharing.attestations.evidence_office import office_kind
from sharing.core.ooxml import BINARY_SIGNATURES, OLE_MAGIC, ZIP_MAGIC

HEAD_WINDOW = 1024  # a PDF header may follow a little junk; polyglots hide in the first KB
EOF_WINDOW = 1024
MAX_INFLATED_PDF = 256 * 1024 * 1024  # inflated stream bytes scanned per PDF, at most
INFLATE_STEP = 1024 * 1024
MAX_NAME_LENGTH = 255

ACTIVE_PDF_NAMES = {
    b"JavaScript": "JavaScript",
    b"JS": "JavaScript",
    b"Launch": "an action that launches a program",
    b"EmbeddedFile": "an attached file",
    b"RichMedia": "embedded Flash or media",
}

_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
_PDF_NAME = re.compile(rb"/([^\s()<>\[\]{}/%]+)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_ENCRYPT = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")
_MARKUP = re.compile(
    rb"<(?:!doctype|html|head|body|script|svg|\?xml|iframe|object|embed)", re.IGNORECASE
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class CheckedFile:
    kind: Kind
    content_type: str
    suffix: str
    safe_name: str


def check_evidence(
    data: bytes, original_name: str, *, max_bytes: int, max_pixels: int
) -> CheckedFile:
    """Accept one of the allowed kinds, judged by content; raise RejectedEvidence otherwise."""
    name = safe_name(original_name)
    if not data:
        raise RejectedEvidence("The file is empty. Choose the file again and retry.", code="empty")
    if len(data) > max_bytes:
        raise RejectedEvidence(
            f"The file is larger than the {megabytes(max_bytes)} limit for evidence. "
            "Compress it or split it into several files.",
            code="too_large",
        )
    kind = sniff(data)
    CHECKS[kind](data, max_pixels)
    content_type, suffix, described, extensions = KINDS[kind]
    extension = PurePosixPath(name).suffix.lower()
    if not extension:
        name += suffix
    elif extension not in extensions:
        raise RejectedEvidence(
            f"The file is {described} but is named {extension}. Rename it to end in "
            f"{extensions[0]}, or upload the file you meant to send.",
            code="name_mismatch",
        )
    return CheckedFile(kind=kind, content_type=content_type, suffix=suffix, safe_name=name)


# -- names -------------------------------------------------------------------------------------


def safe_name(original_name: str) -> str:
    """The name to show and to offer on download; names with folder parts are refused."""
    name = unicodedata.normalize("NFC", (original_name or "").strip())
    parts_like = "/" in name or "\\" in name or _DRIVE.match(name) or name in (".", "..")
    if parts_like or _CONTROL.search(name):
        raise RejectedEvidence(
            "File names may not contain folder parts (/ or \\), “..”, or control characters. "
            "Rename the file and upload it again.",
            code="bad_name",
        )
    if not name:
        return "evidence"
    if len(name) > MAX_NAME_LENGTH:
        stem, suffix = name.rsplit(".", 1) if "." in name[-9:] else (name, "")
        keep = MAX_NAME_LENGTH - len(suffix) - 1
        name = f"{stem[:keep]}.{suffix}" if suffix else name[:MAX_NAME_LENGTH]
    return name


# -- what the bytes are ------------------------------------------------------------------------


def sniff(data: bytes) -> Kind:
    """The kind the magic bytes announce, after refusing the formats we never keep."""
    head = data[:HEAD_WINDOW]
    if data.startswith(OLE_MAGIC):
        raise RejectedEvidence(
            "The file is a password-protected Office file or an old .doc/.xls document. Remove "
            "the password and save it as .docx or .xlsx (or as PDF), then upload again.",
            code="encrypted_or_legacy",
        )
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Kind.PNG
    if data.startswith(b"\xff\xd8\xff"):
        return Kind.JPEG
    if data.startswith(ZIP_MAGIC):
        if b"%PDF-" in head:
            raise polyglot()
        return office_kind(data)
    header = _PDF_HEADER.search(head)
    if header is not None:
        if _MARKUP.search(head[: header.start()]) or head[: header.start()].startswith(ZIP_MAGIC):
            raise polyglot()
        return Kind.PDF
    raise not_allowed(_describe(head))


def _describe(head: bytes) -> str:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if _MARKUP.match(stripped) or stripped.startswith((b"#!", b"<")):
        return "a web page, SVG image, script or XML document"
    for signature, described in BINARY_SIGNATURES:
        if head.startswith(signature):
            return described
    return "of a kind we do not accept"


# -- PDF ---------------------------------------------------------------------------------------


def _check_pdf(data: bytes, _max_pixels: int) -> None:
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise RejectedEvidence(
            "The PDF is incomplete (it has no end-of-file marker): it may have been cut off "
            "while downloading or saving. Save it again and upload the new copy.",
            code="truncated",
        )
    if _is_zip(data):
        raise polyglot()
    if _ENCRYPT.search(data):
        raise RejectedEvidence(
            "The PDF is encrypted or password-protected, so it cannot be checked. Save a copy "
            "without a password and upload that.",
            code="encrypted_pdf",
        )
    _refuse_active_names(data)
    budget = MAX_INFLATED_PDF
    for match in _STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        raw = data[match.end() : end if end != -1 else len(data)]
        budget = _scan_stream(raw, budget)


def _scan_stream(raw: bytes, budget: int) -> int:
    """Inflate one stream step by step (never more than the budget) and scan what comes out."""
    inflater = zlib.decompressobj()
    tail, pending = b"", raw
    while pending and not inflater.eof:
        try:
            chunk = inflater.decompress(pending, INFLATE_STEP)
        except zlib.error:
            return budget  # not a Flate stream (an image, or another filter)
        budget -= len(chunk)
        if budget < 0:
            raise RejectedEvidence(
                "The PDF expands to more data than can be checked (it may be a decompression "
                "bomb). Print it to a new PDF and upload that copy.",
                code="pdf_bomb",
            )
        _refuse_active_names(tail + chunk)
        tail = chunk[-64:]
        pending = inflater.unconsumed_tail
    return budget


def _refuse_active_names(text: bytes) -> None:
    for match in _PDF_NAME.finditer(text):
        name = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        if name in ACTIVE_PDF_NAMES:
            raise RejectedEvidence(
                f"The PDF contains {ACTIVE_PDF_NAMES[name]} (/{name.decode()}), which is not "
                "accepted in evidence. Print it to a new PDF (or export it without scripts "
                "and attachments) and upload that copy.",
                code="pdf_active_content",
            )


# -- images ------------------------------------------------------------------------------------


def _check_image(data: bytes, max_pixels: int, *, fmt: str) -> None:
    described = "PNG" if fmt == "PNG" else "JPEG"
    if _is_zip(data):
        raise polyglot()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise _too_many_pixels(width, height, max_pixels)
                image.verify()
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(0, 0, max_pixels) from None
    except RejectedEvidence:
        raise
    except Exception:  # noqa: BLE001 - Pillow raises many kinds on damaged input
        raise RejectedEvidence(
            f"The {described} image is damaged or incomplete and cannot be opened. Save it "
            "again (or take a new screenshot) and upload that copy.",
            code="truncated",
        ) from None


def _too_many_pixels(width: int, height: int, max_pixels: int) -> RejectedEvidence:
    size = f" ({width:,} × {height:,} pixels)" if width else ""
    return RejectedEvidence(
        f"The image is too large{size}: the limit is {max_pixels:,} pixels. Resize it or save "
        "it as PDF, then upload again.",
        code="too_many_pixels",
    )


def _is_zip(data: bytes) -> bool:
    try:
        return zipfile.is_zipfile(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - a malformed end record is simply not a zip
        return False


CHECKS = {
    Kind.PDF: _check_pdf,
    Kind.PNG: lambda data, max_pixels: _check_image(data, max_pixels, fmt="PNG"),
    Kind.JPEG: lambda data, max_pixels: _check_image(data, max_pixels, fmt="JPEG"),
    Kind.DOCX: lambda data, max_pixels: None,  # checked while sniffing
    Kind.XLSX: lambda data, max_pixels: None,
}
