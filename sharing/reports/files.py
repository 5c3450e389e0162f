"""Upload safety: decide from its content whether an uploaded file is a CSV or XLSX we may parse.

Nothing here trusts the file name or the browser's content type. The checks run before pandas
or openpyxl see the file, and they read the zip central directory before decompressing anything,
so a zip bomb is refused from its declared sizes and no member is ever expanded beyond them.
"""

from __future__ import annotations

import codecs
import enum
import re
import zipfile
from pathlib import Path

from flask import current_app

from sharing.core import ooxml
from sharing.core.ooxml import BINARY_SIGNATURES, CHUNK, OLE_MAGIC, ZIP_MAGIC
from sharing.errors import DomainError

# Limits on what a workbook may expand to. A large real import (50,000 rows) stays far below.
MAX_MEMBERS = 1000
MAX_TOTAL_UNCOMPRESSED = 250 * 1024 * 1024
MAX_RATIO = 200
# Real imports have about twenty columns; pandas takes minutes over a header of 100,000.
MAX_COLUMNS = 1000

UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MARKERS = ("macroenabled", "vbaproject", "macrosheet")
LIMITS = ooxml.PackageLimits(MAX_MEMBERS, MAX_TOTAL_UNCOMPRESSED, MAX_RATIO, MACRO_MARKERS)
OTHER_OFFICE = {
    "wordprocessingml": "a Word document",
    "presentationml": "a PowerPoint presentation",
    "spreadsheetml.template": "an Excel template (.xltx)",
}

# C0 control characters that never appear in a text CSV (tab, line feed, CR are fine).
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_SHARE = 0.01


class RejectedFile(DomainError):
    """The upload is not a file we will parse; `message` tells the user why."""

    status_code = 400

    def __init__(self, message: str, *, code: str = "rejected") -> None:
        super().__init__(message)
        self.code = code


class FileKind(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


def max_import_bytes() -> int:
    return int(current_app.config.get("IMPORT_MAX_BYTES", 20 * 1024 * 1024))


def check_upload(path: Path, *, max_bytes: int) -> FileKind:
    """The kind of a stored upload, judged by its content; raises RejectedFile otherwise."""
    size = path.stat().st_size
    if size == 0:
        raise RejectedFile("The file is empty.", code="empty")
    if size > max_bytes:
        raise RejectedFile(
            f"The file is {_megabytes(size)}, over the {_megabytes(max_bytes)} limit for imports.",
            code="too_large",
        )
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(OLE_MAGIC):
        raise RejectedFile(
            "This is an encrypted or legacy workbook (a password-protected file or an old .xls). "
            "Remove the password and save it as .xlsx (Excel Workbook) or CSV, then upload again.",
            code="encrypted_or_legacy",
        )
    if head.startswith(ZIP_MAGIC):
        _check_xlsx(path)
        return FileKind.XLSX
    _check_csv(path, head)
    return FileKind.CSV


def csv_encoding(path: Path) -> str:
    """The codec to read an accepted CSV with: UTF-8 (BOM or not), else Windows-1252."""
    with path.open("rb") as handle:
        if handle.read(len(UTF8_BOM)) == UTF8_BOM:
            return "utf-8-sig"
    return "utf-8" if _decodes(path, "utf-8") else "cp1252"


# -- XLSX --------------------------------------------------------------------------------


def _check_xlsx(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            try:
                types = ooxml.inspect_package(archive, LIMITS)
            except ooxml.PackageProblem as problem:
                raise _refused(problem) from None
            _check_main_part(types)
            if (member := ooxml.first_dtd_member(archive)) is not None:
                raise _doctype(member)
    except ooxml.ZIP_ERRORS as error:
        raise RejectedFile(
            "The file looks like a workbook but it is damaged or uses an unsupported "
            "compression. Open it in Excel, save it again as .xlsx, and upload that copy.",
            code="damaged_zip",
        ) from error


def _check_main_part(types: list[str]) -> None:
    """A workbook declares its main part in [Content_Types].xml; anything else is refused."""
    if XLSX_MAIN in types:
        return
    for marker, described in OTHER_OFFICE.items():
        if any(marker in kind for kind in types):
            raise _not_a_workbook(described)
    raise _not_a_workbook("a zip archive")


def _refused(problem: ooxml.PackageProblem) -> RejectedFile:
    """The sizes are judged from the central directory, before anything is decompressed."""
    reason = problem.reason
    if reason == "too_many_members":
        return RejectedFile(
            f"The workbook holds {problem.members:,} parts, more than the {MAX_MEMBERS:,} "
            "allowed. It may be a zip bomb, or not a spreadsheet.",
            code="too_many_members",
        )
    if reason == "too_large":
        return RejectedFile(
            f"The workbook would expand to {_megabytes(problem.total)} when opened, over the "
            f"{_megabytes(MAX_TOTAL_UNCOMPRESSED)} limit. It may be a zip bomb; "
            "split the data into smaller files.",
            code="zip_bomb",
        )
    if reason == "too_compressed":
        return RejectedFile(
            f"The workbook part {problem.member.filename!r} is compressed {problem.ratio:,.0f} "
            f"to 1, far beyond what spreadsheets reach (limit {MAX_RATIO} to 1). It looks like "
            "a zip bomb and was not opened.",
            code="zip_bomb",
        )
    if reason == "encrypted":
        return RejectedFile(
            "The workbook is encrypted. Remove the password, save it as .xlsx and upload again.",
            code="encrypted_or_legacy",
        )
    if reason == "macros":
        return _macro_enabled()
    if reason == "doctype":
        return _doctype(problem.member)
    if reason == "damaged_content_types":
        return _not_a_workbook("a damaged or unusual zip archive")
    return _not_a_workbook("a zip archive")


def _macro_enabled() -> RejectedFile:
    return RejectedFile(
        "The workbook is macro-enabled (.xlsm or it contains VBA code), and macros are not "
        "accepted. Save it as .xlsx (Excel Workbook) without macros and upload again.",
        code="macro_enabled",
    )


def _not_a_workbook(described: str) -> RejectedFile:
    return RejectedFile(
        f"The file is {described}, not an Excel workbook (.xlsx). "
        "Upload a .xlsx workbook or a CSV file.",
        code="not_xlsx",
    )


def _doctype(member: zipfile.ZipInfo) -> RejectedFile:
    return RejectedFile(
        f"The workbook part {member.filename!r} contains a DOCTYPE or ENTITY "
        "declaration. Spreadsheets do not need them and they can be used to attack "
        "the server, so the file was refused. Save it again from Excel and retry.",
        code="xml_doctype",
    )


# -- CSV ---------------------------------------------------------------------------------


def _check_csv(path: Path, head: bytes) -> None:
    for signature, described in BINARY_SIGNATURES:
        if head.startswith(signature):
            raise _not_csv_or_xlsx(f"This is {described}")
    if head.startswith(UTF16_BOMS):
        raise RejectedFile(
            "The CSV is saved as UTF-16 (Excel's 'Unicode Text'). Save it as 'CSV UTF-8' and "
            "upload again.",
            code="utf16",
        )
    with path.open("rb") as handle:
        first = handle.read(CHUNK)
    if b"\x00" in first or _has_nul(path):
        raise _not_csv_or_xlsx("It contains NUL bytes, so it is binary data rather than text")
    encoding = "utf-8-sig" if first.startswith(UTF8_BOM) else None
    if encoding is None:
        encoding = "utf-8" if _decodes(path, "utf-8") else "cp1252"
    if encoding != "utf-8" and not _decodes(path, encoding):
        raise RejectedFile(
            "The file is not readable text: it is neither UTF-8 nor Windows-1252. "
            "Save it as 'CSV UTF-8' and upload again.",
            code="bad_encoding",
        )
    sample = first.decode(encoding, errors="ignore")
    if len(_CONTROL.findall(sample)) > max(1, len(sample) * _CONTROL_SHARE):
        raise _not_csv_or_xlsx("It is full of control characters, so it is not a text file")
    _check_width(sample)


def _check_width(sample: str) -> None:
    """Refuse absurdly wide rows from the first chunk, before pandas spends minutes on them."""
    columns = max(line.count(sep) for line in sample.split("\n") for sep in ",;\t") + 1
    if columns > MAX_COLUMNS:
        raise RejectedFile(
            f"A row of the file has {columns:,} or more columns; an import has at most "
            f"{MAX_COLUMNS:,}. Keep only the template's columns and upload again.",
            code="too_many_columns",
        )


def _not_csv_or_xlsx(reason: str) -> RejectedFile:
    return RejectedFile(
        f"The file is not a CSV or XLSX file. {reason}. Upload a .xlsx workbook or a CSV file.",
        code="wrong_type",
    )


def _has_nul(path: Path) -> bool:
    with path.open("rb") as handle:
        return any(b"\x00" in chunk for chunk in iter(lambda: handle.read(CHUNK), b""))


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
