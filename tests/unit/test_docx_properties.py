"""set_document_properties writes the title, subject and keywords into a .docx's core part
and leaves every other part as it was."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document

from sharing.agreements.docx_properties import set_document_properties
from sharing.agreements.rendering import RenderFailed, render_docx
from sharing.agreements.sample_context import sample_context

TEMPLATE = (
    Path(__file__).resolve().parents[2]
    / "agreement_templates"
    / ("vendor-data-protection-agreement.docx")
)
HOSTILE = {
    "title": 'Peña & Hijos <w:t>"quoted"</w:t>\x01\x0b',
    "subject": "Agreement DSA-2026-0042 between the City & <them>",
    "keywords": "DSA-2026-0042",
}


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return render_docx(TEMPLATE, sample_context())


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def test_properties_read_back_as_typed_with_markup_escaped_and_control_characters_dropped(
    rendered,
):
    properties = Document(io.BytesIO(set_document_properties(rendered, **HOSTILE))).core_properties

    assert properties.title == 'Peña & Hijos <w:t>"quoted"</w:t>'
    assert properties.subject == HOSTILE["subject"]
    assert properties.keywords == HOSTILE["keywords"]


def test_every_other_part_is_unchanged_and_in_the_same_order(rendered):
    before, after = parts(rendered), parts(set_document_properties(rendered, **HOSTILE))

    assert list(after) == list(before)
    assert {n: d for n, d in after.items() if n != "docProps/core.xml"} == {
        n: d for n, d in before.items() if n != "docProps/core.xml"
    }
    assert after["docProps/core.xml"] != before["docProps/core.xml"]


def test_the_same_inputs_give_the_same_bytes(rendered):
    assert set_document_properties(rendered, **HOSTILE) == set_document_properties(
        rendered, **HOSTILE
    )


def test_the_other_core_properties_are_kept(rendered):
    before = Document(io.BytesIO(rendered)).core_properties
    after = Document(io.BytesIO(set_document_properties(rendered, **HOSTILE))).core_properties

    assert after.author == before.author
    assert after.created == before.created


def test_a_file_that_is_not_a_docx_is_refused():
    with pytest.raises(RenderFailed):
        set_document_properties(b"not a zip", **HOSTILE)
