"""A generated vendor agreement, and the edits a vendor makes to it before returning it."""

from __future__ import annotations

import copy
import functools
import io
import json
from collections.abc import Callable
from datetime import datetime

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from sharing.agreements.rendering import render_docx
from sharing.agreements.sample_context import sample_context
from sharing.obligations.clauses import default_parameters, render_clause
from sharing.obligations.library import DATA_DIR
from tests.factories import SHIPPED_FILES, SHIPPED_TEMPLATES, TemplateKind

POLICY = json.loads((DATA_DIR / "policy-2026.2.json").read_text(encoding="utf-8"))
# The obligations a plain vendor agreement carries, in the library's order.
CODES = (
    "POL-1", "NOT-1", "PUR-1", "PUR-2", "MIN-1", "DEI-1", "RET-1", "RET-2", "SHR-1", "SUB-1",
    "SUB-2", "SEC-1", "SEC-2", "BRN-1", "CON-1", "CON-2", "ACC-1", "ATT-1", "PUB-1", "ACU-1",
    "IND-1", "PRA-1", "LEG-1", "PER-1", "LOC-1",
)  # fmt: skip
AUTHOR = "Peña & Hijos legal"


def obligation_clauses(codes=CODES, **values) -> list[dict]:
    """The clauses a generation would render, from the shipped 2026.2 library."""
    chosen = [o for o in POLICY["obligations"] if o["code"] in codes]
    clauses = []
    for number, obligation in enumerate(chosen, start=1):
        params = {**default_parameters([obligation]), **values}
        clauses.append({
            "number": number, "code": obligation["code"], "title": obligation["title"],
            "text": render_clause(obligation, params), "source": obligation["source_reference"],
            "reason": "Applies to every agreement.",
        })  # fmt: skip
    return clauses


@functools.cache
def generated(flows: int = 3) -> bytes:
    """A vendor agreement rendered from the shipped template, as generation renders it."""
    context = sample_context(flows=flows)
    context["clauses"] = obligation_clauses()
    context["agreement"]["obligation_codes"] = list(CODES)
    template = (SHIPPED_TEMPLATES / SHIPPED_FILES[TemplateKind.VENDOR_DPA]).read_bytes()
    return render_docx(template, context)


def edited(data: bytes, *edits: Callable) -> bytes:
    """`data` after each edit, each given the python-docx Document."""
    document = Document(io.BytesIO(data))
    for edit in edits:
        edit(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def paragraph_with(document, text: str):
    """The first paragraph of the body, table cells included, that contains `text`."""
    for element in document.element.body.iter(qn("w:p")):
        paragraph = Paragraph(element, document._body)
        if text in paragraph.text:
            return paragraph
    raise AssertionError(f"no paragraph contains {text!r}")


def replace(old: str, new: str) -> Callable:
    """Retype the paragraph holding `old` with `new` in its place, as one run."""

    def edit(document) -> None:
        paragraph = paragraph_with(document, old)
        text = paragraph.text.replace(old, new)
        for run in paragraph.runs[1:]:
            run._r.getparent().remove(run._r)
        paragraph.runs[0].text = text

    return edit


def delete_clause(heading_text: str) -> Callable:
    """Remove the heading holding `heading_text` and its body paragraph."""

    def edit(document) -> None:
        heading = paragraph_with(document, heading_text)
        body = heading._p.getnext()
        for element in (heading._p, body):
            element.getparent().remove(element)

    return edit


def add_clause_after(anchor_text: str, heading: str, body: str) -> Callable:
    """A new heading and body paragraph after the body of the clause headed `anchor_text`."""

    def edit(document) -> None:
        anchor = paragraph_with(document, anchor_text)._p.getnext()
        new_heading = copy.deepcopy(anchor.getprevious())
        new_body = copy.deepcopy(anchor)
        anchor.addnext(new_heading)
        new_heading.addnext(new_body)
        _set_text(new_heading, heading)
        _set_text(new_body, body)

    return edit


def tracked_replace(old: str, new: str, *, author: str = AUTHOR) -> Callable:
    """Word's track changes: `old` inside a w:del and `new` inside a w:ins in the paragraph
    holding `old`, the rest of the text untouched."""

    def edit(document) -> None:
        paragraph = paragraph_with(document, old)
        text = paragraph.text
        head, tail = text.split(old, 1)
        for run in list(paragraph.runs):
            run._r.getparent().remove(run._r)
        p = paragraph._p
        p.append(_run(head))
        p.append(_revision("w:del", old, author, deleted=True))
        p.append(_revision("w:ins", new, author, deleted=False))
        p.append(_run(tail))

    return edit


def _set_text(paragraph, text: str) -> None:
    runs = paragraph.findall(qn("w:r"))
    for run in runs[1:]:
        paragraph.remove(run)
    runs[0].find(qn("w:t")).text = text


def _run(text: str, *, deleted: bool = False):
    run = OxmlElement("w:r")
    element = OxmlElement("w:delText" if deleted else "w:t")
    element.set(qn("xml:space"), "preserve")
    element.text = text
    run.append(element)
    return run


def _revision(tag: str, text: str, author: str, *, deleted: bool):
    revision = OxmlElement(tag)
    revision.set(qn("w:id"), "901" if deleted else "902")
    revision.set(qn("w:author"), author)
    revision.set(qn("w:date"), datetime(2026, 12, 1, 9, 0).isoformat() + "Z")
    revision.append(_run(text, deleted=deleted))
    return revision
