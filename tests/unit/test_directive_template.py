"""The shipped disposition directive template: what build.py writes, that it passes the upload
checks with the sample data, what its text tells the vendor, and its layout (the elements
table in landscape, its header repeated and its rows whole)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from sharing.agreements.rendering import docx_text, render_docx
from sharing.agreements.sample_context import sample_context
from sharing.agreements.template_checks import check_template
from tests.unit.test_rendering import TEMPLATES

NAME = "disposition-directive.docx"

pytestmark = pytest.mark.usefixtures("app")


def test_the_directive_template_is_what_build_writes(tmp_path):
    subprocess.run(
        [sys.executable, str(TEMPLATES / "build.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    assert (tmp_path / NAME).read_bytes() == (TEMPLATES / NAME).read_bytes()


def test_the_directive_template_passes_the_upload_checks():
    """So the office can upload a new version of it as of any template."""
    report = check_template((TEMPLATES / NAME).read_bytes())
    assert {"agreement", "city", "partner", "disposition", "generated_on"} <= set(report.variables)


def test_the_directive_says_what_the_vendor_must_do_by_when_and_whom_to_ask():
    context = sample_context()
    text = docx_text(render_docx(TEMPLATES / NAME, context))
    disposition = context["disposition"]

    assert f"Directive No. {disposition['number']}" in text
    assert context["agreement"]["number"] in text
    assert disposition["clause"] in text
    assert disposition["due_on"] in text and disposition["ended_on"] in text
    assert "subprocessor" in text and "backups" in text
    assert context["city"]["privacy_email"] in text
    for element in disposition["elements"]:
        assert element["category"] in text and element["action"] in text
    assert disposition["authorization"] in text


def test_without_an_authorization_city_records_are_returned():
    context = sample_context()
    context["disposition"]["authorization"] = ""

    text = docx_text(render_docx(TEMPLATES / NAME, context))

    assert "has not authorized the destruction of City records" in text


def test_the_elements_table_is_landscape_with_a_repeated_header_and_whole_rows():
    document = Document(str(TEMPLATES / NAME))
    table = next(t for t in document.tables if "{%tr for" in "".join(c.text for c in t._cells))
    rows = table._tbl.findall(qn("w:tr"))
    assert all(row.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None for row in rows)
    assert rows[0].find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    assert any(section.orientation == WD_ORIENT.LANDSCAPE for section in document.sections)
    assert "{{ disposition.number }}" in document.core_properties.title
