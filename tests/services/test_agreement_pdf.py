"""The shipped agreement templates, rendered with sample data, convert to PDF with LibreOffice.

Each template is rendered and converted once per module (a conversion takes a second or two);
pdftotext then reads the PDF back so the tests can check what a signer would see.
"""

from __future__ import annotations

import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from sharing.agreements.context import sample_context
from sharing.agreements.pdf import PdfFailed, PdfUnavailable, docx_to_pdf, pdf_available
from sharing.agreements.rendering import render_docx

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "agreement_templates"
TEMPLATES = (
    "vendor-data-protection-agreement.docx",
    "interagency-data-sharing-agreement.docx",
    "renewal-amendment.docx",
)
TIMEOUT = 120


@dataclass(frozen=True)
class Converted:
    pdf: bytes
    pages: list[str]  # pdftotext -layout, one string per page

    @property
    def flat(self) -> str:
        """The whole text with line wrapping undone, to find sentences that wrap."""
        return flatten("\n".join(self.pages))


def flatten(text: str) -> str:
    text = re.sub(r"-\n\s*", "-", text)  # LibreOffice breaks lines after a hyphen
    return " ".join(text.split())


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "agreement.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def page_count(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(
        ["pdfinfo", str(path)],  # noqa: S607
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1))


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, Converted]:
    results = {}
    for name in TEMPLATES:
        docx = render_docx(TEMPLATE_DIR / name, sample_context())
        pdf = docx_to_pdf(docx, timeout=TIMEOUT)
        results[name] = Converted(pdf=pdf, pages=pdf_pages(pdf, tmp_path_factory.mktemp("pdf")))
    return results


def test_libreoffice_is_available_where_the_suite_runs():
    # .ci/run installs libreoffice-writer-nogui; without it the PDF tests below cannot guard.
    assert pdf_available()


@pytest.mark.parametrize("name", TEMPLATES)
def test_shipped_template_converts_to_a_multi_page_pdf(converted, name, tmp_path):
    result = converted[name]

    assert result.pdf.startswith(b"%PDF-")
    pages = page_count(result.pdf, tmp_path)
    assert pages > 1
    assert len(result.pages) == pages


@pytest.mark.parametrize("name", TEMPLATES)
def test_pdf_shows_every_clause_title_code_and_text(converted, name):
    flat = converted[name].flat

    for clause in sample_context()["clauses"]:
        assert clause["title"] in flat
        assert clause["code"] in flat
        assert flatten(clause["text"]) in flat


@pytest.mark.parametrize("name", TEMPLATES)
def test_pdf_carries_the_agreement_number_and_page_number_on_every_page(converted, name):
    pages = converted[name].pages
    number = sample_context()["agreement"]["number"]

    for index, page in enumerate(pages, start=1):
        assert number in page, f"page {index} lacks the agreement number"
        assert f"Page {index} of {len(pages)}" in flatten(page)


@pytest.mark.parametrize("name", TEMPLATES)
def test_pdf_lists_every_flow_of_exhibit_a_once(converted, name):
    text = "\n".join(converted[name].pages)
    flows = sample_context()["flows"]

    for index, _flow in enumerate(flows, start=1):
        assert text.count(f"<portal> #{index}") == 1  # table cells wrap "Parking permits"
    assert text.count("Issue & renew") == len(flows)
    assert text.count("Ocampo's Mail") == len(flows)
    assert text.count("Trần") == len(flows)


@pytest.mark.parametrize("name", TEMPLATES)
def test_pdf_shows_names_with_accents_and_markup_characters_as_typed(converted, name):
    flat = converted[name].flat
    context = sample_context()

    for value in (
        context["city"]["name"],
        context["city"]["department"],
        context["city"]["signatory_name"],
        context["partner"]["legal_name"],
        context["partner"]["address"],
        context["partner"]["signatory_name"],
        context["agreement"]["title"],
    ):
        assert value in flat
    assert "&amp;" not in flat
    assert "&lt;" not in flat


def test_renewal_amendment_pdf_names_the_original_agreement(converted):
    flat = converted["renewal-amendment.docx"].flat

    assert sample_context()["renewal"]["original_number"] in flat


def test_two_concurrent_conversions_both_succeed(tmp_path):
    context = sample_context()
    second = {**context, "agreement": {**context["agreement"], "number": "DSA-2026-0099"}}
    template = TEMPLATE_DIR / "vendor-data-protection-agreement.docx"
    documents = [render_docx(template, context), render_docx(template, second)]

    with ThreadPoolExecutor(max_workers=2) as pool:
        pdfs = list(pool.map(lambda data: docx_to_pdf(data, timeout=TIMEOUT), documents))

    assert all(pdf.startswith(b"%PDF-") for pdf in pdfs)
    first_text = flatten("\n".join(pdf_pages(pdfs[0], tmp_path)))
    second_text = flatten("\n".join(pdf_pages(pdfs[1], tmp_path)))
    assert "DSA-2026-0042" in first_text and "DSA-2026-0099" not in first_text
    assert "DSA-2026-0099" in second_text and "DSA-2026-0042" not in second_text


def test_damaged_docx_fails_with_a_message_rather_than_hanging():
    with pytest.raises(PdfFailed) as raised:
        docx_to_pdf(b"PK\x03\x04 this is not a word document", timeout=TIMEOUT)

    assert "Download the .docx instead" in raised.value.message


def test_unconfigured_path_reports_libreoffice_missing():
    with pytest.raises(PdfUnavailable) as raised:
        docx_to_pdf(b"", timeout=TIMEOUT, binary="/nonexistent/soffice")

    assert "LibreOffice is not installed" in raised.value.message
