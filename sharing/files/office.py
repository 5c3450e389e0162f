"""Word and Excel files (Office Open XML), judged from the zip's central directory before
anything is decompressed (ooxml.py): the main part decides the kind, and a package is refused
when it could expand into a zip bomb, carries macros, is encrypted, has a member that would
land outside its folder, a name twice or a symbolic link, declares a DTD in any XML part, or
links to an outside file that Office would fetch when it is opened. Hyperlinks are only
followed when clicked, so they may stay."""

from __future__ import annotations

import zipfile
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from sharing.files import messages, ooxml
from sharing.files.kinds import FACTS, Kind, RejectedUpload, UploadPolicy, megabytes
from sharing.files.source import Source

MAX_MEMBERS = 2000
MAX_TOTAL_UNCOMPRESSED = 250 * 1024 * 1024
MAX_RATIO = 200
MAX_RELS_BYTES = 4 * 1024 * 1024

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MARKERS = ("macroenabled", "vbaproject", "ms-office.activex", "macrosheet")
LIMITS = ooxml.PackageLimits(MAX_MEMBERS, MAX_TOTAL_UNCOMPRESSED, MAX_RATIO, MACRO_MARKERS)
MAINS = ((DOCX_MAIN, Kind.DOCX, "word/"), (XLSX_MAIN, Kind.XLSX, "xl/"))
OTHER_OFFICE = {
    "presentationml": "a PowerPoint presentation",
    "wordprocessingml.template": "a Word template (.dotx), which is a zip archive",
    "spreadsheetml.template": "an Excel template (.xltx), which is a zip archive",
}
SAVE_AGAIN = "Open it in Office, save it again as .docx or .xlsx, and upload that copy"


def office_kind(source: Source, policy: UploadPolicy) -> Kind:
    """A Word or Excel document, judged from its package; RejectedUpload for any other."""
    try:
        with source.open() as handle, zipfile.ZipFile(handle) as archive:
            _refuse_other_kinds(archive, policy)
            try:
                types = ooxml.inspect_package(archive, LIMITS)
            except ooxml.PackageProblem as problem:
                raise _refused(problem, policy) from None
            kind = _main_kind(archive, types, policy)
            if (member := ooxml.first_dtd_member(archive)) is not None:
                raise _doctype(member, policy)
            _refuse_outside_files(archive, policy)
            return kind
    except ooxml.ZIP_ERRORS:
        raise messages.damaged(policy, "a zip archive", SAVE_AGAIN) from None


def _refuse_other_kinds(archive: zipfile.ZipFile, policy: UploadPolicy) -> None:
    """A point that keeps no Word or Excel file says what was sent, judged from the part names
    in the central directory alone: nothing of a file it would refuse anyway is decompressed,
    and the user learns the file is the wrong kind rather than what is wrong inside it."""
    names = [name.lower() for name in archive.namelist()]
    for folder, kind in (("word/", Kind.DOCX), ("xl/", Kind.XLSX)):
        if any(name.startswith(folder) for name in names):
            if kind not in policy.accepts:
                raise messages.not_accepted(policy, FACTS[kind].described)
            return
    if any(name.startswith("ppt/") for name in names):
        raise messages.not_accepted(policy, "a PowerPoint presentation")
    if not policy.accepts & {Kind.DOCX, Kind.XLSX}:
        raise messages.not_accepted(policy, "a zip archive")


def _main_kind(archive: zipfile.ZipFile, types: list[str], policy: UploadPolicy) -> Kind:
    for main, kind, part in MAINS:
        if main in types:
            if not any(name.startswith(part) for name in archive.namelist()):
                raise messages.damaged(policy, FACTS[kind].described, SAVE_AGAIN)
            return kind
    for marker, described in OTHER_OFFICE.items():
        if any(marker in declared for declared in types):
            raise messages.not_accepted(policy, described)
    raise messages.not_accepted(policy, "a zip archive")


def _refuse_outside_files(archive: zipfile.ZipFile, policy: UploadPolicy) -> None:
    """Word fetches a remote attached template, frame or image when the file is opened, and
    every agreement made from a template would carry the link."""
    for member in archive.infolist():
        if not member.filename.lower().endswith(".rels"):
            continue
        if member.file_size > MAX_RELS_BYTES:
            raise messages.damaged(policy, "an Office file", SAVE_AGAIN)
        try:
            root = fromstring(archive.read(member))
        except (ParseError, DefusedXmlException, ValueError):
            raise messages.damaged(policy, "an Office file", SAVE_AGAIN) from None
        for relation in root.iter():
            external = (relation.get("TargetMode") or "").lower() == "external"
            if external and not (relation.get("Type") or "").endswith("/hyperlink"):
                target = shown(relation.get("Target") or "")
                raise messages.refuse(
                    policy,
                    "external_link",
                    f"links to an outside file{target}, which Office would fetch "
                    "whenever it is opened",
                    "Remove the link (or the attached template) in Office, save the file "
                    "again and upload that copy",
                )


def _refused(problem: ooxml.PackageProblem, policy: UploadPolicy) -> RejectedUpload:
    """Sizes come from the central directory, judged before anything is decompressed."""
    reason = problem.reason
    member = shown(problem.member.filename) if problem.member is not None else ""
    if reason in ooxml.SIZE_REASONS:
        worst = (
            f", and its part{member} is compressed {problem.ratio:,.0f} to 1"
            if reason == "too_compressed"
            else ""
        )
        return messages.refuse(
            policy,
            "zip_bomb",
            f"would expand to {megabytes(problem.total)} in {problem.members:,} parts when "
            f"opened{worst} (limits: {megabytes(MAX_TOTAL_UNCOMPRESSED)}, {MAX_MEMBERS:,} "
            f"parts, compression {MAX_RATIO} to 1), so it looks like a zip bomb and was not "
            "opened",
            "Split it into smaller files, or save it again from Office",
        )
    if reason == "macros":
        return messages.refuse(
            policy,
            "macros",
            "is a macro-enabled Office file (.docm or .xlsm, or it contains VBA or ActiveX "
            "code), and macros are not accepted",
            "Save it as .docx or .xlsx without macros and upload it again",
        )
    if reason == "encrypted":
        return messages.refuse(
            policy,
            "encrypted_or_legacy",
            "is an old or password-protected Office file (its zip members are encrypted)",
            "Remove the password, save it as .docx or .xlsx and upload it again",
        )
    if reason == "doctype":
        return _doctype(problem.member, policy)
    paths = {
        "unsafe_path": "has a part with an unsafe path, one that would land outside its folder "
        "when unpacked",
        "twice": f"holds the part{member} twice",
        "symlink": f"has a part that is a symbolic link{member}",
    }
    if reason in paths:
        return messages.refuse(policy, reason, paths[reason], SAVE_AGAIN)
    if reason == "damaged_content_types":
        return messages.damaged(policy, "an Office file", SAVE_AGAIN)
    return messages.not_accepted(policy, "a zip archive")


def shown(name: str) -> str:
    """A part name or link target quoted for a message, or nothing when it holds `..` (a
    message never shows two periods in a row)."""
    if not name or ".." in name:
        return ""
    return f" “{name[:200]}”"


def _doctype(member: zipfile.ZipInfo | None, policy: UploadPolicy) -> RejectedUpload:
    part = shown(member.filename if member is not None else "[Content_Types].xml")
    return messages.refuse(
        policy,
        "doctype",
        f"has a DOCTYPE or ENTITY declaration in its part{part}, which Office files never "
        "need and which can be used to attack the server",
        SAVE_AGAIN,
    )
