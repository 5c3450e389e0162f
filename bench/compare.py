"""Comparing a returned agreement: `compare()` and `redline_docx()` on a 15-page vendor
agreement with a few changes, against a plain line diff of the two documents' whole text.

Run: python -m bench compare   (prints Markdown to paste into docs/PERFORMANCE.md)

- The generated agreement is the shipped vendor DPA rendered by the app's renderer with the
  sample context, every obligation of policy 2026.2 that a plain vendor agreement carries
  (defaults filled in) and FLOWS Exhibit A rows, enough for 15 pages; the page count comes
  from converting it to PDF with the app's converter when LibreOffice is installed.
- The returned copy makes the changes a vendor makes, with Word's track changes for one:
  BRN-1 72 hours -> seven (7) days (tracked), SUB-2 deleted, a liability clause added, SEC-1
  "shall" -> "may", a wording change in PUR-1 and a longer retention in one Exhibit A row.
- Timings: one warm-up, then the median of RUNS runs each (REDLINE_RUNS for the Word
  redline), each after `gc.collect()`. The baseline is `difflib.unified_diff` over the lines
  of `rendering.docx_text` of both files (reading included), what a line diff of the whole
  text costs; it finds changed lines but not clauses, kinds or parameters.
"""

from __future__ import annotations

import copy
import difflib
import functools
import gc
import io
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

FLOWS = 3  # Exhibit A rows; with the 25 obligations the vendor DPA runs to 15 pages
RUNS = 7
REDLINE_RUNS = 3
GOAL_SECONDS = 2.0
PDF_TIMEOUT = 180
# The obligations a plain vendor agreement carries under policy 2026.2, in the library's order.
CODES = (
    "POL-1", "NOT-1", "PUR-1", "PUR-2", "MIN-1", "DEI-1", "RET-1", "RET-2", "SHR-1", "SUB-1",
    "SUB-2", "SEC-1", "SEC-2", "BRN-1", "CON-1", "CON-2", "ACC-1", "ATT-1", "PUB-1", "ACU-1",
    "IND-1", "PRA-1", "LEG-1", "PER-1", "LOC-1",
)  # fmt: skip
VENDOR = "Peña & Hijos legal"
LIABILITY = (
    "3.26 Limitation of the Vendor's liability",
    "The Vendor's total liability under this Agreement shall not exceed the fees paid in the "
    "twelve months before the claim.",
)


@functools.cache
def policy() -> dict:
    from sharing.obligations.library import DATA_DIR

    return json.loads((DATA_DIR / "policy-2026.2.json").read_text(encoding="utf-8"))


def obligation_clauses(codes=CODES) -> list[dict]:
    """The clauses a generation renders for `codes`, defaults filled in."""
    from sharing.obligations.clauses import default_parameters, render_clause

    chosen = [o for o in policy()["obligations"] if o["code"] in codes]
    return [
        {"number": number, "code": o["code"], "title": o["title"],
         "text": render_clause(o, default_parameters([o])), "source": o["source_reference"],
         "reason": "Applies to every agreement."}
        for number, o in enumerate(chosen, start=1)
    ]  # fmt: skip


@functools.cache
def vendor_agreement(flows: int = 3) -> bytes:
    """The shipped vendor DPA rendered as generation renders it, over `flows` Exhibit A rows."""
    from sharing.agreements.rendering import render_docx
    from sharing.agreements.sample_context import sample_context
    from sharing.agreements.template_library import SHIPPED_DIR

    context = sample_context(flows=flows)
    context["clauses"] = obligation_clauses()
    context["agreement"]["obligation_codes"] = list(CODES)
    template = (SHIPPED_DIR / "vendor-data-protection-agreement.docx").read_bytes()
    return render_docx(template, context)


# -- what a vendor does to the file -----------------------------------------------------------


def edited(data: bytes, *edits: Callable) -> bytes:
    """`data` after each edit, each given the python-docx Document."""
    document = Document(io.BytesIO(data))
    for edit in edits:
        edit(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def paragraph_with(document, text: str) -> Paragraph:
    """The first paragraph of the body, table cells included, that contains `text`."""
    for element in document.element.body.iter(qn("w:p")):
        paragraph = Paragraph(element, document._body)
        if text in paragraph.text:
            return paragraph
    raise LookupError(f"no paragraph contains {text!r}")


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
        heading = paragraph_with(document, heading_text)._p
        body = heading.getnext()
        for element in (heading, body):
            element.getparent().remove(element)

    return edit


def add_clause_after(
    anchor_text: str, heading: str, body: str, *, tracked: bool = False
) -> Callable:
    """A new heading and body paragraph after the body of the clause headed `anchor_text`;
    `tracked` inserts them as Word does with track changes on (each run inside a w:ins)."""

    def edit(document) -> None:
        anchor = paragraph_with(document, anchor_text)._p.getnext()
        new_heading, new_body = copy.deepcopy(anchor.getprevious()), copy.deepcopy(anchor)
        anchor.addnext(new_heading)
        new_heading.addnext(new_body)
        for paragraph, text in ((new_heading, heading), (new_body, body)):
            runs = paragraph.findall(qn("w:r"))
            for run in runs[1:]:
                paragraph.remove(run)
            runs[0].find(qn("w:t")).text = text
            if tracked:
                revision = _revision("w:ins", "", VENDOR, deleted=False)
                revision.remove(revision[0])
                runs[0].addprevious(revision)
                revision.append(runs[0])

    return edit


def tracked_replace(old: str, new: str, *, author: str = VENDOR) -> Callable:
    """Word's track changes: `old` in a w:del and `new` in a w:ins, the rest untouched."""

    def edit(document) -> None:
        paragraph = paragraph_with(document, old)
        head, tail = paragraph.text.split(old, 1)
        for run in list(paragraph.runs):
            run._r.getparent().remove(run._r)
        for element in (
            _run(head),
            _revision("w:del", old, author, deleted=True),
            _revision("w:ins", new, author, deleted=False),
            _run(tail),
        ):
            paragraph._p.append(element)

    return edit


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


def returned_copy(generated: bytes) -> bytes:
    """The generated agreement as a vendor returns it, with the changes the docstring lists."""
    return edited(
        generated,
        tracked_replace("72 hours", "seven (7) days"),
        delete_clause("(obligation SUB-2)"),
        add_clause_after("(obligation LOC-1)", *LIABILITY),
        replace("Recipient shall operate", "Recipient may operate"),
        replace("compatible with them", "consistent with them"),
        replace("730 days after", "1,095 days after"),
    )


# -- the measurement ------------------------------------------------------------------------


def median_seconds(function: Callable, runs: int) -> float:
    function()  # warm-up
    times = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def line_diff(generated: bytes, returned: bytes) -> list[str]:
    from sharing.agreements.rendering import docx_text

    before = docx_text(generated).splitlines()
    after = docx_text(returned).splitlines()
    return list(difflib.unified_diff(before, after, lineterm=""))


def pages(data: bytes) -> int | None:
    """The page count LibreOffice lays the .docx out on, or None without LibreOffice."""
    from pypdf import PdfReader

    from sharing.agreements import pdf

    try:
        return len(PdfReader(io.BytesIO(pdf.docx_to_pdf(data, timeout=PDF_TIMEOUT))).pages)
    except Exception:  # noqa: BLE001 - a missing or failing LibreOffice leaves the count out
        return None


def measure(flows: int = FLOWS, runs: int = RUNS, redline_runs: int = REDLINE_RUNS) -> dict:
    from sharing.negotiation.clauses import read_clauses
    from sharing.negotiation.compare import compare, parameter_specs
    from sharing.negotiation.redline import redline_docx

    generated = vendor_agreement(flows)
    returned = returned_copy(generated)
    specs = parameter_specs(policy())
    comparison = compare(generated, returned, parameters=specs)
    return {
        "flows": flows,
        "kib": len(generated) // 1024,
        "clauses": comparison.clauses_found,
        "kinds": [change.kind.value for change in comparison.changes],
        "diff_lines": len(line_diff(generated, returned)),
        "read": median_seconds(lambda: read_clauses(returned), runs),
        "compare": median_seconds(lambda: compare(generated, returned, parameters=specs), runs),
        "baseline": median_seconds(lambda: line_diff(generated, returned), runs),
        "redline": median_seconds(
            lambda: redline_docx(generated, returned, author="Digital Privacy Office"),
            redline_runs,
        ),
    }


def main() -> None:
    print(
        f"date {date.today()} · {platform.node()} · {platform.machine()} · {os.cpu_count()} CPUs"
        f" · Python {platform.python_version()} · load {os.getloadavg()[0]:.1f}"
    )
    print("command: python -m bench compare\n")
    result = measure()
    count = pages(vendor_agreement(FLOWS))
    print(
        f"Returned agreement: {count or 'unknown (no LibreOffice)'} pages, {result['flows']} "
        f"Exhibit A rows, {result['kib']} KiB, {result['clauses']} clauses read; changes found: "
        f"{', '.join(result['kinds'])}; the line diff has {result['diff_lines']} lines.\n"
    )
    baseline = result["baseline"]
    print("| step (median s) | seconds | against the line diff |")
    print("|---|---|---|")
    print(f"| line diff of the whole text (baseline) | {baseline:.3f} | 1.00× |")
    for label, key in (
        ("read_clauses (returned file)", "read"),
        ("compare() (both files read, matched, classified)", "compare"),
        (f"redline_docx() (Docxodus, median of {REDLINE_RUNS})", "redline"),
    ):
        print(f"| {label} | {result[key]:.3f} | {result[key] / baseline:.2f}× |")
    met = result["compare"] < GOAL_SECONDS
    print(f"\n**Goal {'met' if met else 'missed'}: comparing takes {result['compare']:.3f} s "
          f"(goal under {GOAL_SECONDS:.0f} s).**")  # fmt: skip


if __name__ == "__main__":
    main()
