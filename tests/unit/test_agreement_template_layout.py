"""The layout of the shipped agreement templates, read from their WordprocessingML: tables sized
to their content and never split across pages, header rows repeated, landscape exhibits,
signature lines for both parties and the City Attorney, the schedule of obligations, and
document properties that describe the agreement."""

from __future__ import annotations

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from tests.factories import SHIPPED_TEMPLATES

# The agreements only: the disposition directive is a letter to a vendor, with no exhibits or
# signature blocks (tests/unit/test_directive_template.py checks its layout).
TEMPLATES = sorted(
    path.name
    for path in SHIPPED_TEMPLATES.glob("*.docx")
    if path.name != "disposition-directive.docx"
)


def _document(name: str):
    return Document(str(SHIPPED_TEMPLATES / name))


def _row_flags(table) -> list[tuple[bool, bool]]:
    """(cannot split, repeats as header) for each row of the table."""
    flags = []
    for row in table._tbl.findall(qn("w:tr")):
        properties = row.find(qn("w:trPr"))
        flags.append(
            (
                properties is not None and properties.find(qn("w:cantSplit")) is not None,
                properties is not None and properties.find(qn("w:tblHeader")) is not None,
            )
        )
    return flags


def _loop_tables(document) -> list:
    """The exhibit tables: those with a row per item (`{%tr for ... %}`)."""
    return [t for t in document.tables if "{%tr for" in "".join(c.text for c in t._cells)]


@pytest.mark.parametrize("name", TEMPLATES)
def test_exhibit_tables_are_sized_to_their_content_and_rows_never_split(name):
    tables = _loop_tables(_document(name))
    assert tables, name
    for table in tables:
        layout = table._tbl.find(qn("w:tblPr")).find(qn("w:tblLayout"))
        assert layout is not None and layout.get(qn("w:type")) == "fixed"
        widths = [
            int(col.get(qn("w:w")))
            for col in table._tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))
        ]
        assert len(set(widths)) > 1, widths  # not equal columns that split words
        flags = _row_flags(table)
        assert all(cannot_split for cannot_split, _ in flags)
        assert flags[0][1], "the header row repeats on each page"


@pytest.mark.parametrize("name", TEMPLATES)
def test_covered_flows_print_in_landscape(name):
    document = _document(name)
    body = document.element.body
    exhibit_a = next(p for p in document.paragraphs if p.text.startswith("Exhibit A"))
    # A section's properties close it, so Exhibit A's section is the first that follows it.
    following = list(body.iterchildren())
    start = following.index(exhibit_a._p)
    section_index = sum(
        1 for element in following[:start] if element.find(f".//{qn('w:sectPr')}") is not None
    )
    assert document.sections[section_index].orientation == WD_ORIENT.LANDSCAPE


@pytest.mark.parametrize("name", TEMPLATES)
def test_signature_blocks_give_both_parties_and_the_city_attorney_a_line(name):
    text = "\n".join(cell.text for table in _document(name).tables for cell in table._cells)
    assert "APPROVED AS TO FORM" in text.upper()
    assert text.count("By: ___") >= 3  # City, partner, City Attorney
    assert text.count("Date: ___") >= 3


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_schedule_of_obligations_gives_source_and_reason(name):
    document = _document(name)
    assert any("Schedule of Obligations" in p.text for p in document.paragraphs)
    cells = " ".join(cell.text for table in _loop_tables(document) for cell in table._cells)
    assert "{{ clause.source }}" in cells and "{{ clause.reason }}" in cells


@pytest.mark.parametrize("name", TEMPLATES)
def test_document_properties_describe_the_agreement_not_the_build(name):
    properties = _document(name).core_properties
    assert "{{ agreement.title }}" in properties.title
    assert "{{ agreement.number }}" in properties.subject
    assert "edit that script" not in (properties.comments or "")
