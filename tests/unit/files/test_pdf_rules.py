"""One PDF rule per test, every PDF built here: what the PDF hides, however it is hidden, is
refused with the phrase the contract gives for that rule, and the point's noun."""

from __future__ import annotations

import zlib

import pytest

from sharing.agreements.files import SIGNED_AGREEMENT
from sharing.files import Kind, RejectedUpload, inspect
from tests.fixtures.upload_corpus import pdf, simple_pdf, stream


def refused(data: bytes, name: str = "signed.pdf") -> RejectedUpload:
    with pytest.raises(RejectedUpload) as caught:
        inspect(data, name, SIGNED_AGREEMENT)
    assert "signed agreement" in caught.value.message
    assert ".." not in caught.value.message
    return caught.value


def object_stream(body: bytes) -> bytes:
    """A PDF whose catalog points to object 7, which lives compressed in object stream 6."""
    objstm = stream(b"/Type /ObjStm /N 1 /First 4", b"7 0 " + body)
    return simple_pdf(b"/Names 7 0 R ", objstm)


def test_a_plain_pdf_is_accepted_as_a_signed_agreement():
    """The baseline: a complete PDF with nothing active passes."""
    assert inspect(simple_pdf(), "signed.pdf", SIGNED_AGREEMENT).kind is Kind.PDF


def test_javascript_in_a_flate_object_stream_is_refused():
    """/JS hidden in a compressed object stream is found once the stream is inflated."""
    error = refused(object_stream(b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"))
    assert error.code == "pdf_javascript" and "JavaScript" in error.message


def test_an_escaped_open_action_name_is_refused():
    """/Open#41ction is /OpenAction once its #xx escape is decoded."""
    error = refused(simple_pdf(b"/Open#41ction [3 0 R /Fit] "))
    assert error.code == "pdf_automatic_action" and "automatic action" in error.message


def test_an_open_action_dictionary_is_refused_as_an_automatic_action():
    """An action that runs when the file is opened is refused even when it only goes to a page."""
    error = refused(simple_pdf(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >> "))
    assert error.code == "pdf_automatic_action"


def test_an_open_action_that_only_shows_the_first_page_is_accepted():
    """LibreOffice writes `/OpenAction [1 0 R /XYZ null null 0]` in every PDF it exports,
    including this app's agreements; a destination array cannot run anything."""
    data = simple_pdf(b"/OpenAction[3 0 R /XYZ null null 0] ")
    assert inspect(data, "signed.pdf", SIGNED_AGREEMENT).kind is Kind.PDF


def test_additional_actions_are_refused():
    """/AA runs on page or form events."""
    assert refused(simple_pdf(b"/AA << /O 9 0 R >> ")).code == "pdf_automatic_action"


def test_launch_is_refused_as_launching_a_program():
    error = refused(simple_pdf(b"/Names << /X << /S /Launch /F (calc.exe) >> >> "))
    assert error.code == "pdf_launch" and "launches a program" in error.message


def test_javascript_wins_over_the_open_action_that_starts_it():
    """The message names the gravest thing found, not the first."""
    error = refused(simple_pdf(b"/OpenAction << /S /JavaScript /JS (x) >> "))
    assert error.code == "pdf_javascript"


def test_an_attached_file_is_refused():
    error = refused(simple_pdf(b"", stream(b"/Type /EmbeddedFile", b"MZ")))
    assert error.code == "pdf_attached_file" and "attached file" in error.message


def test_embedded_media_is_refused():
    error = refused(simple_pdf(b"/RichMedia 9 0 R "))
    assert error.code == "pdf_embedded_media" and "embedded media" in error.message


def test_an_xfa_form_is_refused():
    error = refused(simple_pdf(b"/AcroForm << /XFA 9 0 R >> "))
    assert error.code == "pdf_xfa" and "XFA form" in error.message


def test_an_html_tail_after_the_end_of_file_marker_is_refused():
    """A web page appended after %%EOF is a second document hiding in the first."""
    error = refused(simple_pdf() + b"<html><script>alert(1)</script></html>")
    assert error.code == "pdf_trailing_data" and "after the end" in error.message


def test_whitespace_after_the_end_of_file_marker_is_accepted():
    assert inspect(simple_pdf() + b"\r\n  \n", "a.pdf", SIGNED_AGREEMENT).kind is Kind.PDF


def test_a_pdf_without_an_end_of_file_marker_is_incomplete():
    data = simple_pdf()
    error = refused(data[: data.rfind(b"%%EOF")])
    assert error.code == "pdf_incomplete" and "incomplete" in error.message


def test_an_encrypted_pdf_is_refused():
    data = pdf(b"<< /Type /Catalog >>", trailer=b"/Encrypt 9 0 R ")
    error = refused(data)
    assert error.code == "pdf_encrypted" and "encrypted" in error.message


def test_a_pdf_that_is_also_a_zip_is_two_kinds_of_file():
    """Not "incomplete": the zip's end record follows the PDF, and the file is both."""
    import io
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as target:
        target.writestr("payload.txt", "hello")
    error = refused(simple_pdf() + archive.getvalue())
    assert error.code == "polyglot" and "two kinds of file" in error.message


def test_markup_before_the_pdf_header_is_two_kinds_of_file():
    error = refused(b"<html><script>x</script>" + simple_pdf())
    assert error.code == "polyglot" and "two kinds of file" in error.message


def test_a_flate_bomb_is_a_decompression_bomb(monkeypatch):
    from sharing.files import pdf as pdf_rules

    monkeypatch.setattr(pdf_rules, "MAX_INFLATED_PDF", 64 * 1024)
    data = simple_pdf(b"", stream(b"", bytes(1024 * 1024)))
    error = refused(data)
    assert error.code == "pdf_bomb" and "decompression bomb" in error.message


def test_a_stream_that_is_not_flate_is_not_scanned_as_text():
    raw = zlib.compress(b"x")[::-1] * 10
    data = simple_pdf(b"", stream(b"/Filter /DCTDecode", raw, compress=False))
    assert inspect(data, "a.pdf", SIGNED_AGREEMENT).kind is Kind.PDF
