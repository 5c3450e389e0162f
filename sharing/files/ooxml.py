"""Facts about an uploaded Office Open XML file (.xlsx, .docx), read without trusting it.

`inspect_package` runs the checks every Office upload needs, under the caller's limits, and
names what is wrong in a PackageProblem; office.py words the messages.

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

# What zipfile raises on a damaged or unsupported archive.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError)

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


_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe_path(name: str) -> bool:
    """A member that would land outside the folder it is unpacked into, on any system."""
    parts = name.split("/")
    return name.startswith("/") or "\\" in name or bool(_DRIVE.match(name)) or ".." in parts


def is_symlink(member: zipfile.ZipInfo) -> bool:
    return (member.external_attr >> 16) & 0o170000 == 0o120000


def holds_vba(member: zipfile.ZipInfo) -> bool:
    name = member.filename.lower()
    return "vbaproject" in name or name.startswith(("word/activex/", "xl/activex/"))


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
    or "macros" (`member` when a zip member shows it), "unsafe_path", "twice" or "symlink"
    (in `member`), "no_content_types",
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
    seen: set[str] = set()
    for member in members:
        if unsafe_path(member.filename):
            raise PackageProblem("unsafe_path", member=member)
        folded = member.filename.casefold()
        if folded in seen:
            raise PackageProblem("twice", member=member)
        seen.add(folded)
        if is_symlink(member):
            raise PackageProblem("symlink", member=member)
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
