"""Names are cleaned, never refused for their characters; kinds are decided by content, with
the contract's words for what a file is; text is UTF-8 or Windows-1252 and nothing else."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sharing.agreements.files import SIGNED_AGREEMENT
from sharing.attestations.evidence import EVIDENCE
from sharing.files import Kind, RejectedUpload, clean_name, inspect
from sharing.reports.files import IMPORT
from sharing.seal.services import CERTIFICATE
from tests.fixtures.upload_corpus import image, simple_pdf

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def refused(data: bytes, name: str, policy) -> RejectedUpload:
    with pytest.raises(RejectedUpload) as caught:
        inspect(data, name, policy)
    assert policy.noun in caught.value.message
    assert ".." not in caught.value.message
    return caught.value


def test_a_right_to_left_override_is_removed_from_a_name():
    """`name\\u202egpj.pdf` would show as "...fdp.jpg"; the cleaned name shows what it is."""
    assert clean_name("invoice\u202egpj.pdf") == "invoicegpj.pdf"


def test_a_name_with_an_override_is_accepted_when_the_content_is_fine():
    checked = inspect(simple_pdf(), "report\u202egpj.pdf", EVIDENCE)
    assert checked.name == "reportgpj.pdf"


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\evil.pdf", "evil.pdf"),
        ("C:\\Users\\me\\scan.pdf", "scan.pdf"),
        ("a\x00b\x1f\x85.pdf", "ab.pdf"),
        ("\u2066x\u2069\u200e\u061c.pdf", "x.pdf"),
        ("Ba\u0301o.png", "B\u00e1o.png"),
        ("", "upload"),
        ("..", "upload"),
    ],
)
def test_folder_parts_and_control_characters_are_dropped(name, cleaned):
    assert clean_name(name) == cleaned


def test_an_empty_name_becomes_upload_with_the_kinds_suffix():
    assert inspect(simple_pdf(), "", EVIDENCE).name == "upload.pdf"


def test_a_long_name_is_cut_to_120_characters_keeping_its_extension():
    name = clean_name("x" * 400 + ".pdf")
    assert len(name) == 120 and name.endswith(".pdf")


def test_a_name_ending_in_a_period_makes_no_double_period_in_the_message():
    error = refused(image("PNG"), "scan.pdf.", SIGNED_AGREEMENT)
    assert "a PNG image" in error.message


def test_trailing_periods_and_spaces_are_dropped_from_a_name():
    """Windows drops them too; kept, they would hide the real extension."""
    assert clean_name("scan.pdf. . ") == "scan.pdf"


def test_the_eicar_test_file_named_pdf_is_an_antivirus_test_file():
    error = refused(EICAR, "invoice.pdf", IMPORT)
    assert error.code == "not_accepted" and "an antivirus test file" in error.message


def test_an_svg_named_png_is_refused_at_upload_not_imported():
    data = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    error = refused(data, "logo.png", IMPORT)
    assert "a web page, SVG image or script" in error.message


def test_csv_text_named_xlsx_is_refused_because_the_name_disagrees():
    error = refused(b"Legal name,City\nAcme,San Jose\n", "registry.xlsx", IMPORT)
    assert error.code == "name_mismatch" and "is named" in error.message


def test_a_csv_without_an_extension_gets_csv():
    assert inspect(b"a,b\n1,2\n", "registry", IMPORT).name == "registry.csv"


def test_utf16_text_is_refused_for_its_encoding():
    error = refused("Legal name\nAcme\n".encode("utf-16"), "r.csv", IMPORT)
    assert error.code == "encoding" and "encoding" in error.message


def test_text_with_nul_bytes_is_binary_data():
    error = refused(b"Legal name\nAc\x00me\n", "r.csv", IMPORT)
    assert error.code == "binary_data" and "binary data" in error.message


def test_windows_1252_text_is_accepted():
    assert inspect("Café;Zürich\n".encode("cp1252"), "r.csv", IMPORT).kind is Kind.CSV


def test_a_program_is_named_as_one():
    assert "a program" in refused(b"\x7fELF\x02\x01" + bytes(60), "a.pdf", EVIDENCE).message


def test_an_image_that_is_also_a_zip_is_two_kinds_of_file():
    import io
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as target:
        target.writestr("a.txt", "x")
    error = refused(image("PNG") + archive.getvalue(), "a.png", EVIDENCE)
    assert error.code == "polyglot" and "two kinds of file" in error.message


def test_a_damaged_png_is_damaged():
    data = image("PNG")
    assert "damaged" in refused(data[: len(data) // 2], "a.png", EVIDENCE).message


def test_the_size_limit_is_stated():
    error = refused(simple_pdf(), "a.pdf", replace(EVIDENCE, max_bytes=100))
    assert error.code == "too_large" and "limit" in error.message


def test_an_empty_file_is_empty():
    assert "empty" in refused(b"", "a.pdf", SIGNED_AGREEMENT).message


def test_a_pkcs12_file_is_recognised_by_content_at_the_certificate_point():
    from datetime import UTC, datetime

    from sharing.seal.certificates import development_pkcs12

    data, _password = development_pkcs12(now=datetime.now(UTC))
    assert inspect(data, "city.p12", CERTIFICATE).kind is Kind.PKCS12
    error = refused(simple_pdf(), "city.p12", CERTIFICATE)
    assert "certificate" in error.message and "a PDF" in error.message
