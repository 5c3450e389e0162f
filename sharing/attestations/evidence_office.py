"""Word and Excel evidence (Office Open XML): judged from the zip's central directory before
anything is decompressed (sharing/core/ooxml.py), refused when macro-enabled, too large when
opened, or carrying a DOCTYPE."""

from __future__ import annotations

import io
import zipfile

from sharing.attestations.evidence_kinds import (
    KINDS,
    Kind,
    RejectedEvidence,
    macro_enabled,
    megabytes,
    not_allowed,
)
from sharing.core import ooxml

MAX_MEMBERS = 2000
MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MARKERS = ("macroenabled", "vbaproject", "ms-office.activex", "macrosheet")
LIMITS = ooxml.PackageLimits(MAX_MEMBERS, MAX_TOTAL_UNCOMPRESSED, MAX_RATIO, MACRO_MARKERS)
OTHER_OFFICE = {
    "presentationml": "a PowerPoint presentation",
    "wordprocessingml.template": "a Word template (.dotx)",
    "spreadsheetml.template": "an Excel template (.xltx)",
}


def office_kind(data: bytes) -> Kind:
    """A Word or Excel document, judged from its package; RejectedEvidence for any other."""
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
                raise not_allowed(f"a damaged {KINDS[kind][2]} (its main part is missing)")
            return kind
    for marker, described in OTHER_OFFICE.items():
        if any(marker in kind for kind in types):
            raise not_allowed(described)
    raise not_allowed("a zip archive")


def _refused(problem: ooxml.PackageProblem) -> RejectedEvidence:
    """Sizes come from the central directory, judged before anything is decompressed."""
    if problem.reason in ooxml.SIZE_REASONS:
        return RejectedEvidence(
            f"The file would expand to {megabytes(problem.total)} in {problem.members:,} parts "
            f"when opened (limits: {megabytes(MAX_TOTAL_UNCOMPRESSED)}, {MAX_MEMBERS:,} parts, "
            f"compression {MAX_RATIO} to 1). It looks like a zip bomb and was not opened.",
            code="zip_bomb",
        )
    if problem.reason == "macros":
        return macro_enabled()
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
    return not_allowed(described.get(problem.reason, "a zip archive"))


def _doctype(member: zipfile.ZipInfo) -> RejectedEvidence:
    return RejectedEvidence(
        f"The document part {member.filename!r} contains a DOCTYPE or ENTITY "
        "declaration. Office files do not need them and they can be used to "
        "attack the server. Save the file again from Office and retry.",
        code="doctype",
    )
