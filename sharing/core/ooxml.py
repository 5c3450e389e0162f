"""Facts about an uploaded Office Open XML file (.xlsx, .docx), read without trusting it.

Shared by the spreadsheet import (reports/files.py), the agreement template checks
(agreements/template_checks.py) and the evidence checks (attestations/evidence_checks.py).
`inspect_package` runs the checks every Office upload needs, under the caller's limits, and
names what is wrong in a PackageProblem; nothing here words a message: each caller speaks to
its own users.

Sizes come from the zip central directory, before anything is decompressed, and a member is
never read past its declared size.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

RATIO_CHECK_FROM = 1024 * 1024  # tiny members may compress very well without being a threat
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
CHUNK = 64 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office files, and encrypted OOXML
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

# What zipfile raises on a damaged or unsupported archive.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError)

# Well-known binary formats, named in messages so the user knows what they sent.
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
    (b"{\\rtf", "a rich-text document"),
)

# <!DOCTYPE and <!ENTITY in every encoding an XML parser might be handed.
_DTD_WORDS = ("<!DOCTYPE", "<!ENTITY")
_DTD_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
DTD_PATTERN = re.compile(
    b"|".join(re.escape(word.encode(enc)) for word in _DTD_WORDS for enc in _DTD_ENCODINGS),
    re.IGNORECASE,
)
DTD_OVERLAP = max(len(word.encode("utf-32-le")) for word in _DTD_WORDS)


class DamagedContentTypes(ValueError):
    """[Content_Types].xml is there but cannot be parsed safely."""


def worst_ratio(members: list[zipfile.ZipInfo]) -> tuple[zipfile.ZipInfo | None, float]:
    """The member (of at least RATIO_CHECK_FROM bytes) that compresses best, and its ratio."""
    worst, highest = None, 0.0
    for member in members:
        if member.file_size < RATIO_CHECK_FROM:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > highest:
            worst, highest = member, ratio
    return worst, highest


def is_encrypted(member: zipfile.ZipInfo) -> bool:
    return bool(member.flag_bits & 0x1)


def holds_vba(member: zipfile.ZipInfo) -> bool:
    return "vbaproject" in member.filename.lower()


def content_types_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo | None:
    """`[Content_Types].xml`, or None when it is missing or too large to be genuine."""
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return None
    return info if info.file_size <= MAX_CONTENT_TYPES_BYTES else None


def declared_content_types(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> list[str]:
    """Every content type `[Content_Types].xml` declares, lower-cased."""
    try:
        root = fromstring(archive.read(info))
    except (ParseError, DefusedXmlException, ValueError):
        raise DamagedContentTypes(info.filename) from None
    return [
        (element.get("ContentType") or "").lower()
        for element in root.iter()
        if element.tag.rsplit("}", 1)[-1] in ("Override", "Default")
    ]


def has_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether one member declares a DOCTYPE or ENTITY, streamed in bounded chunks."""
    if member.is_dir():
        return False
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(CHUNK):
            window = tail + chunk
            if DTD_PATTERN.search(window):
                return True
            tail = window[-DTD_OVERLAP:]
    return False


# -- the checks every Office upload needs -----------------------------------------------------

SIZE_REASONS = ("too_many_members", "too_large", "too_compressed")


@dataclass(frozen=True)
class PackageLimits:
    members: int  # zip members at most
    total_bytes: int  # declared uncompressed bytes in all, at most
    ratio: float  # compression ratio of any member of RATIO_CHECK_FROM bytes or more, at most
    macro_markers: tuple[str, ...]  # content-type fragments that mean macros


class PackageProblem(Exception):
    """Why a package was not opened further. `reason` is one of SIZE_REASONS (a zip bomb by
    its declared sizes; `members`, `total`, `ratio` and the worst `member` are set), "encrypted"
    or "macros" (`member` when a zip member shows it), "no_content_types",
    "damaged_content_types", or "doctype" (in `member`)."""

    def __init__(
        self,
        reason: str,
        *,
        member: zipfile.ZipInfo | None = None,
        members: int = 0,
        total: int = 0,
        ratio: float = 0.0,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.member = member
        self.members = members
        self.total = total
        self.ratio = ratio


def inspect_package(archive: zipfile.ZipFile, limits: PackageLimits) -> list[str]:
    """Sizes from the zip directory, then encrypted or VBA members, then `[Content_Types].xml`
    (present, no DTD, parsable, no macro content type); returns the declared content types.
    The caller decides which main part it accepts, then scans the members with
    `first_dtd_member`. Raises PackageProblem, or ZIP_ERRORS for a damaged archive."""
    members = archive.infolist()
    total = sum(member.file_size for member in members)
    worst, ratio = worst_ratio(members)
    sizes = {"members": len(members), "total": total, "ratio": ratio, "member": worst}
    if len(members) > limits.members:
        raise PackageProblem("too_many_members", **sizes)
    if total > limits.total_bytes:
        raise PackageProblem("too_large", **sizes)
    if worst is not None and ratio > limits.ratio:
        raise PackageProblem("too_compressed", **sizes)
    for member in members:
        if is_encrypted(member):
            raise PackageProblem("encrypted", member=member)
        if holds_vba(member):
            raise PackageProblem("macros", member=member)
    info = content_types_member(archive)
    if info is None:
        raise PackageProblem("no_content_types")
    if has_dtd(archive, info):
        raise PackageProblem("doctype", member=info)
    try:
        types = declared_content_types(archive, info)
    except DamagedContentTypes:
        raise PackageProblem("damaged_content_types") from None
    if any(marker in kind for kind in types for marker in limits.macro_markers):
        raise PackageProblem("macros")
    return types


def first_dtd_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo | None:
    """The first member that declares a DOCTYPE or ENTITY, or None. Reading every member this
    way also checks every CRC, so a damaged member raises one of ZIP_ERRORS."""
    for member in archive.infolist():
        if has_dtd(archive, member):
            return member
    return None
