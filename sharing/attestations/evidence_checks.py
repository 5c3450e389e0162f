"""Decide from its content whether an uploaded evidence file is a PDF, DOCX, XLSX, PNG or JPEG
we may keep, and say why not.

Nothing here trusts the file name or the browser's content type; the name is only checked so
that it can be shown and offered as a download name, and it must agree with the content.
Zip archives are judged from their central directory before anything is decompressed (see
sharing/core/ooxml.py). PDFs are scanned like pdfid does: names are read with their `#xx`
escapes decoded, and every Flate stream (object streams can hide dictionaries) is inflated in
bounded steps and scanned too. Refused in PDFs: /JavaScript, /JS, /Launch, /EmbeddedFile and
/RichMedia (an attached file or Flash can carry anything, and evidence is the document itself),
and /Encrypt (an encrypted PDF cannot be scanned).
"""

from __future__ import annotations

import enum
import io
import re
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from PIL import Image

from sharing.core import ooxml
from sharing.core.ooxml import BINARY_SIGNATURES, OLE_MAGIC, ZIP_MAGIC
from sharing.errors import DomainError

HEAD_WINDOW = 1024  # a PDF header may follow a little junk; polyglots hide in the first KB
EOF_WINDOW = 1024
MAX_MEMBERS = 2000
MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_INFLATED_PDF = 256 * 1024 * 1024  # inflated stream bytes scanned per PDF, at most
INFLATE_STEP = 1024 * 1024
MAX_NAME_LENGTH = 255

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MARKERS = ("macroenabled", "vbaproject", "ms-office.activex", "macrosheet")
LIMITS = ooxml.PackageLimits(MAX_MEMBERS, MAX_TOTAL_UNCOMPRESSED, MAX_RATIO, MACRO_MARKERS)
OTHER_OFFICE = {
    "presentationml": "a PowerPoint presentation",
    "wordprocessingml.template": "a Word template (.dotx)",
    "spreadsheetml.template": "an Excel template (.xltx)",
}
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


class Kind(enum.StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    PNG = "png"
    JPEG = "jpeg"


# kind: (content type, stored suffix, described, name extensions that agree with the content)
KINDS: dict[Kind, tuple[str, str, str, tuple[str, ...]]] = {
    Kind.PDF: ("application/pdf", ".pdf", "a PDF document", (".pdf",)),
    Kind.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
        "a Word document",
        (".docx",),
    ),
    Kind.XLSX: (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
        "an Excel workbook",
        (".xlsx",),
    ),
    Kind.PNG: ("image/png", ".png", "a PNG image", (".png",)),
    Kind.JPEG: ("image/jpeg", ".jpg", "a JPEG image", (".jpg", ".jpeg")),
}
ALLOWED = "PDF, Word (.docx), Excel (.xlsx), PNG or JPEG"


class RejectedEvidence(DomainError):
    """The upload is not evidence we keep; `message` tells the user why, `code` names the rule."""

    status_code = 400

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


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
            f"The file is larger than the {_mb(max_bytes)} limit for evidence. "
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
            raise _polyglot()
        return _office_kind(data)
    header = _PDF_HEADER.search(head)
    if header is not None:
        if _MARKUP.search(head[: header.start()]) or head[: header.start()].startswith(ZIP_MAGIC):
            raise _polyglot()
        return Kind.PDF
    raise _not_allowed(_describe(head))


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
        raise _polyglot()
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
        raise _polyglot()
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


# -- Office Open XML ---------------------------------------------------------------------------


def _office_kind(data: bytes) -> Kind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            try:
                types = ooxml.inspect_package(archive, LIMITS)
            except ooxml.PackageProblem as problem:
                raise _refused(problem) from None
            kind = _main_kind(archive, types)
            if (member := ooxml.first_dtd_member(archive)) is not None:
                raise _doctype(member)
            return kind
    except ooxml.ZIP_ERRORS:
        raise RejectedEvidence(
            "The file is a damaged or incomplete zip archive, not a valid Word or Excel file. "
            "Open it in Office, save it again, and upload that copy.",
            code="damaged_zip",
        ) from None


def _main_kind(archive: zipfile.ZipFile, types: list[str]) -> Kind:
    for main, kind, part in ((DOCX_MAIN, Kind.DOCX, "word/"), (XLSX_MAIN, Kind.XLSX, "xl/")):
        if main in types:
            if not any(name.startswith(part) for name in archive.namelist()):
                raise _not_allowed(f"a damaged {KINDS[kind][2]} (its main part is missing)")
            return kind
    for marker, described in OTHER_OFFICE.items():
        if any(marker in kind for kind in types):
            raise _not_allowed(described)
    raise _not_allowed("a zip archive")


def _refused(problem: ooxml.PackageProblem) -> RejectedEvidence:
    """Sizes come from the central directory, judged before anything is decompressed."""
    if problem.reason in ooxml.SIZE_REASONS:
        return RejectedEvidence(
            f"The file would expand to {_mb(problem.total)} in {problem.members:,} parts when "
            f"opened (limits: {_mb(MAX_TOTAL_UNCOMPRESSED)}, {MAX_MEMBERS:,} parts, "
            f"compression {MAX_RATIO} to 1). It looks like a zip bomb and was not opened.",
            code="zip_bomb",
        )
    if problem.reason == "macros":
        return _macro_enabled()
    if problem.reason == "doctype":
        return RejectedEvidence(
            "The file's [Content_Types].xml contains a DOCTYPE or ENTITY declaration, which "
            "Office files never need. Save the file again from Office and retry.",
            code="doctype",
        )
    described = {
        "encrypted": "an encrypted zip archive",
        "damaged_content_types": "a damaged or unusual zip archive",
    }
    return _not_allowed(described.get(problem.reason, "a zip archive"))


def _doctype(member: zipfile.ZipInfo) -> RejectedEvidence:
    return RejectedEvidence(
        f"The document part {member.filename!r} contains a DOCTYPE or ENTITY "
        "declaration. Office files do not need them and they can be used to "
        "attack the server. Save the file again from Office and retry.",
        code="doctype",
    )


# -- messages ----------------------------------------------------------------------------------


def _not_allowed(described: str) -> RejectedEvidence:
    return RejectedEvidence(
        f"The file is {described}, which is not accepted as evidence. Upload a {ALLOWED} file.",
        code="not_allowed",
    )


def _polyglot() -> RejectedEvidence:
    return RejectedEvidence(
        "The file is two kinds of file at once (for example a PDF that is also a zip archive), "
        "a trick used to smuggle content past checks. Save it again as one plain file.",
        code="polyglot",
    )


def _macro_enabled() -> RejectedEvidence:
    return RejectedEvidence(
        "The file is a macro-enabled Office file (.docm or .xlsm, or it contains VBA or ActiveX "
        "code), and macros are not accepted. Save it as .docx or .xlsx and upload again.",
        code="macro_enabled",
    )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


CHECKS = {
    Kind.PDF: _check_pdf,
    Kind.PNG: lambda data, max_pixels: _check_image(data, max_pixels, fmt="PNG"),
    Kind.JPEG: lambda data, max_pixels: _check_image(data, max_pixels, fmt="JPEG"),
    Kind.DOCX: lambda data, max_pixels: None,  # checked while sniffing
    Kind.XLSX: lambda data, max_pixels: None,
}
