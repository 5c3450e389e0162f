"""One Office rule per test, every file built here, for every point that takes Office files:
members that would land outside their folder, names twice, symbolic links, outside files that
Office would fetch, macros, DTDs and zip bombs."""

from __future__ import annotations

import io
import zipfile

import pytest

from sharing.agreements.template_checks import TEMPLATE
from sharing.attestations.evidence import EVIDENCE
from sharing.disclosures.log_files import REQUEST_DOCUMENT
from sharing.files import Kind, RejectedUpload, inspect
from sharing.negotiation.upload import RETURNED
from sharing.reports.files import IMPORT
from tests.hostile.documents import DOCM_MAIN, DOCX_MAIN, docx, rezip, with_main_type, xlsx

WORD_POINTS = [EVIDENCE, REQUEST_DOCUMENT, TEMPLATE, RETURNED]
ATTACHED_TEMPLATE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/attachedTemplate" Target="http://169.254.169.254/latest/meta-data" '
    'TargetMode="External"/></Relationships>'
)
HYPERLINK = ATTACHED_TEMPLATE.replace("attachedTemplate", "hyperlink")


def with_member(data: bytes, name: str, body: bytes = b"x", *, attr: int | None = None) -> bytes:
    """A copy of a zip with one raw member added, its name and attributes as given."""
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as target:
        info = zipfile.ZipInfo(name)
        if attr is not None:
            info.external_attr = attr
        target.writestr(info, body)
    return out.getvalue()


def refused(data: bytes, policy, name: str = "file.docx") -> RejectedUpload:
    with pytest.raises(RejectedUpload) as caught:
        inspect(data, name, policy)
    assert policy.noun in caught.value.message
    assert ".." not in caught.value.message
    return caught.value


@pytest.mark.parametrize("policy", WORD_POINTS, ids=lambda p: p.noun)
def test_a_plain_word_document_is_accepted_at_every_word_point(policy):
    assert inspect(docx(), "policy.docx", policy).kind is Kind.DOCX


@pytest.mark.parametrize("policy", WORD_POINTS, ids=lambda p: p.noun)
def test_a_member_that_climbs_out_of_its_folder_is_an_unsafe_path(policy):
    """`../../../../tmp/evil.txt` would be written outside the folder it is unpacked into."""
    error = refused(with_member(docx(), "../../../../tmp/evil.txt"), policy)
    assert error.code == "unsafe_path" and "unsafe path" in error.message


@pytest.mark.parametrize("name", ["/etc/evil.xml", "C:/evil.xml", "word\\evil.xml"])
def test_absolute_drive_and_backslash_members_are_unsafe_paths(name):
    assert refused(with_member(docx(), name), EVIDENCE).code == "unsafe_path"


def test_a_member_named_twice_is_refused():
    """Two readers may pick different copies of `word/document.xml`; case does not matter."""
    error = refused(with_member(docx(), "WORD/document.xml"), EVIDENCE)
    assert error.code == "twice" and "twice" in error.message


def test_a_member_that_is_a_symbolic_link_is_refused():
    link = (0o120777 << 16) | 0
    error = refused(with_member(docx(), "word/media/link.png", b"/etc/passwd", attr=link), TEMPLATE)
    assert error.code == "symlink" and "symbolic link" in error.message


@pytest.mark.parametrize("policy", WORD_POINTS, ids=lambda p: p.noun)
def test_an_attached_template_on_another_server_is_an_outside_file(policy):
    """Word fetches a remote attached template whenever the document is opened."""
    data = rezip(docx(), {"word/_rels/settings.xml.rels": ATTACHED_TEMPLATE.encode()})
    error = refused(data, policy)
    assert error.code == "external_link" and "outside file" in error.message


def test_an_external_hyperlink_may_stay():
    """A hyperlink is followed only when clicked."""
    data = rezip(docx(), {"word/_rels/settings.xml.rels": HYPERLINK.encode()})
    assert inspect(data, "policy.docx", EVIDENCE).kind is Kind.DOCX


def test_a_macro_enabled_document_is_refused_even_named_docx():
    error = refused(with_main_type(docx(), DOCX_MAIN, DOCM_MAIN), RETURNED)
    assert error.code == "macros" and "macro" in error.message


def test_a_doctype_in_any_part_is_refused():
    data = rezip(docx(), {"word/footer9.xml": b'<!DOCTYPE x [<!ENTITY a "b">]><x/>'})
    error = refused(data, TEMPLATE)
    assert error.code == "doctype" and "DOCTYPE" in error.message


def test_a_zip_bomb_is_refused_from_its_declared_sizes():
    data = rezip(docx(), {"word/big.xml": bytes(50 * 1024 * 1024)})
    error = refused(data, EVIDENCE)
    assert error.code == "zip_bomb" and "zip bomb" in error.message


def test_a_workbook_is_refused_where_only_word_documents_are_taken():
    error = refused(xlsx(), TEMPLATE, "book.xlsx")
    assert error.code == "not_accepted" and "an Excel workbook" in error.message


def test_a_workbook_with_an_unsafe_member_is_refused_by_the_import():
    error = refused(with_member(xlsx(), "../evil.txt"), IMPORT, "book.xlsx")
    assert error.code == "unsafe_path"
