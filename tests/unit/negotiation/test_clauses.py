"""Reading an agreement .docx as clauses: headings, bodies, tables, tracked changes, its number."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from sharing.negotiation.clauses import NoClauses, agreement_number, normalize, read_clauses
from tests.unit.negotiation.documents import edited, generated, replace, tracked_replace


def _by_key(data: bytes):
    return {clause.key: clause for clause in read_clauses(data)}


def test_obligation_clauses_are_keyed_by_their_code_with_their_body():
    """'3.14 Report incidents quickly ... (obligation BRN-1)' is clause BRN-1 with its text."""
    clause = _by_key(generated())["BRN-1"]
    assert clause.kind == "obligation" and clause.code == "BRN-1"
    assert clause.number.startswith("3.") and clause.heading.startswith("Report incidents")
    assert "within 72 hours" in clause.text


def test_sections_sub_clauses_and_exhibits_are_keyed_by_heading_not_number():
    """Frame sections, captioned sub-clauses and exhibits carry keys without their numbers."""
    clauses = _by_key(generated())
    assert clauses["definitions"].kind == "section"
    convenience = clauses["termination and return of city data/for convenience"]
    assert convenience.kind == "subclause" and convenience.number == "5.1"
    assert "Either party may end" in convenience.text
    exhibit = next(c for c in clauses.values() if c.kind == "exhibit")
    assert exhibit.key.startswith("exhibit a")


def test_table_rows_are_clauses_keyed_by_their_first_cell_with_column_names():
    """An Exhibit A row is a clause keyed by 'A-1', its values named by their column."""
    row = next(c for c in read_clauses(generated()) if c.key.endswith("/row a 1"))
    assert row.kind == "row" and row.parent.startswith("exhibit a")
    assert "Retention: 730 days after the permit ends" in row.text


def test_page_headers_and_footers_are_not_clauses():
    """The running header (parties and number) and footer (page numbers) are not clauses."""
    texts = [clause.text for clause in read_clauses(generated())]
    assert not any("· Page" in text for text in texts)
    assert not any("City of San José · " in text for text in texts)


def test_tracked_insertions_are_read_and_deletions_are_not():
    """With track changes on, the clause reads as if every change were accepted."""
    returned = edited(generated(), tracked_replace("72 hours", "ten (10) days"))
    text = _by_key(returned)["BRN-1"].text
    assert "within ten (10) days of discovering" in text
    assert "72 hours" not in text


def test_agreement_number_is_read_from_the_body():
    """The number the generated document states on its cover page."""
    assert agreement_number(generated()) == "DSA-2026-0042"


def test_a_different_agreement_is_detectable_by_its_number():
    """A returned file for another agreement states another number."""
    other = edited(generated(), replace("DSA-2026-0042", "DSA-2025-0913"))
    assert agreement_number(other) == "DSA-2025-0913" != agreement_number(generated())


def test_agreement_number_falls_back_to_the_page_header():
    """With the cover line deleted, the running header still names the agreement."""
    returned = edited(generated(), replace("Agreement No. DSA-2026-0042", "Agreement"))
    assert agreement_number(returned) == "DSA-2026-0042"


def test_a_document_without_clauses_raises_no_clauses():
    """A Word file of plain paragraphs has no recognizable clause: NoClauses, plainly worded."""
    document = Document()
    document.add_paragraph("Thanks for sending this over; we will review it next week.")
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(NoClauses, match="No clause"):
        read_clauses(out.getvalue())
    assert agreement_number(out.getvalue()) is None


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7 not a docx", b"PK\x03\x04 truncated zip", b""],
)
def test_a_file_that_is_not_a_docx_raises_no_clauses(data):
    """Bytes that are not a Word document give NoClauses, not a stack trace."""
    with pytest.raises(NoClauses):
        read_clauses(data)


def test_a_docx_with_a_damaged_body_raises_no_clauses():
    """A zip whose document.xml is not XML gives NoClauses."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><w:body>")
    with pytest.raises(NoClauses, match="damaged"):
        read_clauses(out.getvalue())


def test_an_entity_in_the_body_is_not_expanded():
    """A DOCTYPE entity is neither resolved nor fetched; the part still reads safely."""
    xml = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>1. Definitions &x;</w:t></w:r></w:p></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", xml)
    texts = " ".join(c.text + c.heading for c in read_clauses(out.getvalue()))
    assert "root:" not in texts


def test_normalize_ignores_case_punctuation_spacing_and_numbering():
    """'3.14  Report Incidents, Quickly' and 'report incidents quickly' are the same heading."""
    assert normalize("3.14  Report Incidents, Quickly") == "report incidents quickly"
    assert normalize("5. Términos") == "terminos"


def test_each_definition_is_a_clause_keyed_by_its_term():
    """'“Security Incident” means ...' is its own clause in the definitions section."""
    clause = _by_key(generated())["definitions/security incident"]
    assert clause.kind == "subclause" and clause.heading == "Security Incident"
    assert clause.text.startswith("“Security Incident” means")


def test_a_body_sentence_starting_with_exhibit_is_not_a_heading():
    """'Exhibit A lists the flows.' in the body stays text; 'Exhibit B — ...' is a heading."""
    document = Document()
    for text in ("1. Definitions", "Exhibit A lists the flows.", "Exhibit B — Attestations"):
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    clauses = read_clauses(out.getvalue())
    assert [(c.kind, c.number) for c in clauses] == [("section", "1"), ("exhibit", "Exhibit B")]
    assert clauses[0].text == "Exhibit A lists the flows."


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=120), min_size=1, max_size=12))
def test_any_paragraphs_read_as_clauses_or_raise_no_clauses(paragraphs):
    """Whatever text a Word file holds, reading it gives clauses or NoClauses, nothing else."""
    document = Document()
    for text in paragraphs:
        document.add_paragraph("".join(c for c in text if c.isprintable()))
    out = io.BytesIO()
    document.save(out)
    try:
        clauses = read_clauses(out.getvalue())
    except NoClauses:
        return
    assert len({clause.key for clause in clauses}) == len(clauses)


def test_a_document_without_an_agreement_number_has_none():
    """Clauses but no 'Agreement No.' anywhere: the number is None, not a guess."""
    document = Document()
    for text in ("1. Definitions", "“City Data” means data the City shares."):
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    assert agreement_number(out.getvalue()) is None
    assert [c.kind for c in read_clauses(out.getvalue())] == ["section", "subclause"]
