"""Decide whether an uploaded .docx may become an agreement template, and say why not.

The checks run cheapest first: the bytes are a real, macro-free .docx judged by content (the
zip directory is read before anything is decompressed), no XML part carries a DTD, the Jinja in
every part parses, uses only the variables in context.py and no dangerous construct, and finally
a trial render with sample data finishes within a time and a memory limit in a child process.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from jinja2 import TemplateSyntaxError, meta, nodes

from sharing.agreements import rendering
from sharing.agreements.context import ALLOWED_VARIABLES
from sharing.core import ooxml
from sharing.core.ooxml import BINARY_SIGNATURES, OLE_MAGIC, ZIP_MAGIC
from sharing.core.sentences import sentence
from sharing.errors import DomainError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_TOTAL_UNCOMPRESSED = 50 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_RATIO = 200
DEFAULT_RENDER_SECONDS = 10.0
DEFAULT_RENDER_MEMORY_MB = 512

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MARKERS = ("macroenabled", "vbaproject", "ms-office.activex")
LIMITS = ooxml.PackageLimits(MAX_MEMBERS, MAX_TOTAL_UNCOMPRESSED, MAX_RATIO, MACRO_MARKERS)
OTHER_FORMATS = {
    "spreadsheetml": "an Excel workbook",
    "presentationml": "a PowerPoint presentation",
    "wordprocessingml.template": "a Word template (.dotx)",
}
FORBIDDEN_TAGS = {
    nodes.Import: "{% import %}",
    nodes.FromImport: "{% from ... import %}",
    nodes.Include: "{% include %}",
    nodes.Extends: "{% extends %}",
    nodes.Block: "{% block %}",
}


class TemplateRejected(DomainError):
    """The upload cannot be a template; `message` says why and `details` what to look at."""

    def __init__(self, message: str, details: list[str] | None = None, *, code: str = "") -> None:
        super().__init__(message)
        self.details = list(details or [])
        self.code = code


@dataclass(frozen=True)
class TemplateReport:
    variables: list[str]
    parts: list[str]
    render_seconds: float


def check_template(
    data: bytes,
    *,
    render_seconds: float = DEFAULT_RENDER_SECONDS,
    render_memory_mb: int = DEFAULT_RENDER_MEMORY_MB,
) -> TemplateReport:
    """Accept a .docx template, returning the variables it uses; raise TemplateRejected if not."""
    _check_container(data)
    sources = jinja_sources(data)
    variables: set[str] = set()
    for part, source in sources.items():
        variables |= _check_jinja(part, source)
    try:
        trial = rendering.trial_render(data, seconds=render_seconds, memory_mb=render_memory_mb)
    except rendering.RenderFailed as error:
        raise TemplateRejected(error.message, code=f"render_{error.code}") from error
    return TemplateReport(
        variables=sorted(variables), parts=list(sources), render_seconds=trial.seconds
    )


# -- the container ---------------------------------------------------------------------------


def check_docx_container(data: bytes) -> None:
    """The container checks alone (size, a real macro-free .docx, no DTD, no external link),
    for any uploaded Word document; raise TemplateRejected saying why not."""
    _check_container(data)


def _check_container(data: bytes) -> None:
    if not data:
        raise TemplateRejected("The file is empty.", code="empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise TemplateRejected(
            f"The file is {_mb(len(data))}, over the {_mb(MAX_UPLOAD_BYTES)} limit for templates.",
            code="too_large",
        )
    if data.startswith(OLE_MAGIC):
        raise _not_docx("an old Word document (.doc) or a password-protected file")
    for signature, described in BINARY_SIGNATURES:
        if data.startswith(signature):
            raise _not_docx(described)
    if not data.startswith(ZIP_MAGIC):
        raise _not_docx("of another kind")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            try:
                types = ooxml.inspect_package(archive, LIMITS)
            except ooxml.PackageProblem as problem:
                raise _refused(problem) from None
            _check_main_part(types)
            if (member := ooxml.first_dtd_member(archive)) is not None:
                raise _doctype(member)
            _refuse_external_links(archive)
    except ooxml.ZIP_ERRORS:
        raise TemplateRejected(
            "The file looks like a Word document but it is damaged. Open it in Word, save it "
            "again as .docx and upload that copy.",
            code="damaged",
        ) from None


def _refuse_external_links(archive: zipfile.ZipFile) -> None:
    """Every agreement made from the template would carry its external relationships, and Word
    fetches a remote attached template, frame or image when the copy is opened. Hyperlinks are
    only followed when clicked, so they may stay."""
    for member in archive.infolist():
        if not member.filename.endswith(".rels"):
            continue
        try:
            root = fromstring(archive.read(member))
        except (ParseError, DefusedXmlException):
            raise _not_docx("a damaged Word document (a relationships part is not XML)") from None
        for relation in root.iter():
            external = (relation.get("TargetMode") or "").lower() == "external"
            if external and not (relation.get("Type") or "").endswith("/hyperlink"):
                raise TemplateRejected(
                    f"The document links to an outside file ({relation.get('Target')!r}), which "
                    "Word would fetch whenever an agreement made from it is opened. Remove the "
                    "link (or the attached template) in Word, save it again and upload that copy.",
                    code="external_link",
                )


def _check_main_part(types: list[str]) -> None:
    if DOCX_MAIN in types:
        return
    for marker, described in OTHER_FORMATS.items():
        if any(marker in kind for kind in types):
            raise _not_docx(described)
    raise _not_docx("a zip archive")


def _refused(problem: ooxml.PackageProblem) -> TemplateRejected:
    if problem.reason in ooxml.SIZE_REASONS:
        return TemplateRejected(
            f"The document would expand to {_mb(problem.total)} in {problem.members:,} parts "
            f"when opened (limits: {_mb(MAX_TOTAL_UNCOMPRESSED)}, {MAX_MEMBERS:,} parts, "
            f"compression {MAX_RATIO} to 1). It looks like a zip bomb and was not opened.",
            code="zip_bomb",
        )
    if problem.reason == "macros":
        return _macro_enabled()
    if problem.reason == "doctype":
        return _doctype(problem.member)
    described = {
        "encrypted": "an encrypted archive",
        "damaged_content_types": "a damaged or unusual zip archive",
    }
    return _not_docx(described.get(problem.reason, "a zip archive"))


def _doctype(member: zipfile.ZipInfo) -> TemplateRejected:
    return TemplateRejected(
        f"The document part {member.filename!r} contains a DOCTYPE or ENTITY "
        "declaration. Word documents do not need them and they can be used to "
        "attack the server. Save the document again from Word and retry.",
        code="doctype",
    )


def _not_docx(described: str) -> TemplateRejected:
    return TemplateRejected(
        f"The file is {described}, not a Word document (.docx). Save the template as "
        "“Word Document (.docx)” and upload again.",
        code="not_docx",
    )


def _macro_enabled() -> TemplateRejected:
    return TemplateRejected(
        "The document is macro-enabled (.docm, or it contains VBA or ActiveX code), and macros "
        "are not accepted. Save it as “Word Document (.docx)” and upload again.",
        code="macro_enabled",
    )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


# -- the Jinja -------------------------------------------------------------------------------


def jinja_sources(data: bytes) -> dict[str, str]:
    """The Jinja source of each part as docxtpl will render it, keyed by a readable part name."""
    try:
        return rendering.template_sources(data)
    except Exception as error:  # noqa: BLE001 - python-docx raises many kinds on bad input
        raise TemplateRejected(
            "The document could not be read as a Word document. Save it again from Word as "
            ".docx and upload that copy.",
            [f"{type(error).__name__}: {error}"[:300]],
            code="unreadable",
        ) from error


def _check_jinja(part: str, source: str) -> set[str]:
    environment = rendering.ContractEnvironment()
    try:
        tree = environment.parse(source)
    except TemplateSyntaxError as error:
        raise TemplateRejected(
            sentence(f"The template has a Jinja syntax error in the {part}: {error.message}"),
            surrounding_text(source, error.lineno),
            code="syntax",
        ) from None
    _check_constructs(part, tree)
    used = meta.find_undeclared_variables(tree)
    unknown = sorted(used - ALLOWED_VARIABLES)
    if unknown:
        raise TemplateRejected(
            f"The template uses variables the app does not provide, in the {part}: "
            f"{', '.join(unknown)}. Available variables: {', '.join(sorted(ALLOWED_VARIABLES))}.",
            unknown,
            code="unknown_variables",
        )
    return used


def _check_constructs(part: str, tree: nodes.Template) -> None:
    """Refuse what the sandbox would block at render time anyway, so authors learn at upload."""
    for node_type, described in FORBIDDEN_TAGS.items():
        if tree.find(node_type) is not None:
            raise _dangerous(part, f"{described} is not allowed in agreement templates")
    for node in tree.find_all((nodes.Getattr, nodes.Name, nodes.Const)):
        name = _suspicious_name(node)
        if name:
            raise _dangerous(part, f"the name {name!r} is not allowed")


def _suspicious_name(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
        return node.attr
    if isinstance(node, nodes.Name) and (node.name == "self" or node.name.startswith("_")):
        return node.name
    if isinstance(node, nodes.Const) and isinstance(node.value, str) and "__" in node.value:
        return node.value
    return None


def _dangerous(part: str, reason: str) -> TemplateRejected:
    return TemplateRejected(
        f"The template was refused because of an unsafe expression in the {part}: {reason}. "
        "Templates may only print the documented variables and loop over them.",
        code="unsafe",
    )


_TAGS = re.compile(r"<[^>]+>")


def surrounding_text(source: str, lineno: int | None, *, around: int = 2) -> list[str]:
    """The document text (tags stripped) of the paragraphs around a Jinja error line."""
    if not lineno:
        return []
    lines = source.splitlines()
    start = max(lineno - 1 - around, 0)
    texts = [_TAGS.sub("", line).strip() for line in lines[start : lineno + around]]
    return [text for text in texts if text]
