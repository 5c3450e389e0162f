"""Decide whether an uploaded .docx may become an agreement template, and say why not.

The checks run cheapest first: the bytes are a Word document that every upload rule lets
through (sharing.files judges the content under the TEMPLATE policy), the Jinja in every part
parses, uses only the variables in context.py and no dangerous construct, and finally a trial
render with sample data finishes within a time and a memory limit in a child process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jinja2 import TemplateSyntaxError, meta, nodes

from sharing.agreements import rendering
from sharing.agreements.context import ALLOWED_VARIABLES
from sharing.core.sentences import sentence
from sharing.errors import DomainError
from sharing.files import Inspected, Kind, RejectedUpload, UploadPolicy, inspect

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DEFAULT_RENDER_SECONDS = 10.0
DEFAULT_RENDER_MEMORY_MB = 512

TEMPLATE = UploadPolicy(
    noun="template",
    accepts=frozenset({Kind.DOCX}),
    max_bytes=MAX_UPLOAD_BYTES,
    hint="Save the template as “Word Document (.docx)” and upload it again.",
)
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
    name: str = "template.docx"  # the cleaned upload name


def check_template(
    data: bytes,
    *,
    name: str = "template.docx",
    render_seconds: float = DEFAULT_RENDER_SECONDS,
    render_memory_mb: int = DEFAULT_RENDER_MEMORY_MB,
) -> TemplateReport:
    """Accept a .docx template, returning the variables it uses; raise TemplateRejected if not."""
    checked = inspect_upload(data, name, TEMPLATE)
    sources = jinja_sources(data)
    variables: set[str] = set()
    for part, source in sources.items():
        variables |= _check_jinja(part, source)
    try:
        trial = rendering.trial_render(data, seconds=render_seconds, memory_mb=render_memory_mb)
    except rendering.RenderFailed as error:
        raise TemplateRejected(error.message, code=f"render_{error.code}") from error
    return TemplateReport(
        variables=sorted(variables),
        parts=list(sources),
        render_seconds=trial.seconds,
        name=checked.name,
    )


def inspect_upload(data: bytes, name: str, policy: UploadPolicy) -> Inspected:
    """The upload rules every file meets, raised as TemplateRejected so that the template
    pages and the CLI keep one refusal to show."""
    try:
        return inspect(data, name, policy)
    except RejectedUpload as error:
        raise TemplateRejected(error.message, code=error.code) from None


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
