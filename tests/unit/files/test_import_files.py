"""The import's check_upload (sharing.files under the IMPORT policy, then the import's own
checks): only real CSV and XLSX files pass, judged by content, each refusal explained."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from flask import Flask

from sharing.files import Kind, RejectedUpload
from sharing.files.office import MAX_MEMBERS
from sharing.reports.files import check_upload, csv_encoding, max_import_bytes

LIMIT = 20 * 1024 * 1024
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _openpyxl_workbook(tmp_path: Path, name: str = "book.xlsx") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Organisations"
    sheet.append(["Legal name", "EIN"])
    sheet.append(["Acme Analytics", "00123"])
    path = tmp_path / name
    workbook.save(path)
    return path


def _rewrite(source: Path, target: Path, change=None, extra: dict[str, bytes] | None = None):
    """Copy a zip, letting `change(name, data)` alter members and adding `extra` ones."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info.filename, change(info.filename, data) if change else data)
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


def _kind(path: Path, *, max_bytes: int) -> Kind:
    return check_upload(path, path.name, max_bytes=max_bytes).kind


def _rejected(path: Path, code: str, *words: str, max_bytes: int = LIMIT) -> str:
    with pytest.raises(RejectedUpload) as caught:
        check_upload(path, path.name, max_bytes=max_bytes)
    assert "import" in caught.value.message.lower()
    assert caught.value.code == code
    assert caught.value.status_code == 400
    for word in words:
        assert word.lower() in caught.value.message.lower()
    return caught.value.message


# -- Accepted ---------------------------------------------------------------------------


def test_an_openpyxl_workbook_is_accepted_as_xlsx(tmp_path):
    """A workbook written by openpyxl is an XLSX."""
    assert _kind(_openpyxl_workbook(tmp_path), max_bytes=LIMIT) is Kind.XLSX


def test_a_pandas_workbook_is_accepted_as_xlsx(tmp_path):
    """A workbook written by pandas (through openpyxl) with two sheets is an XLSX."""
    path = tmp_path / "pandas.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"Legal name": ["NA", "None"], "EIN": ["00123", ""]}).to_excel(
            writer, sheet_name="Organisations", index=False
        )
        pd.DataFrame({"System name": ["Parking"]}).to_excel(writer, sheet_name="Flows")
    assert _kind(path, max_bytes=LIMIT) is Kind.XLSX


def test_a_workbook_named_csv_is_refused_because_the_name_disagrees(tmp_path):
    """Content decides the kind, and a name that says otherwise is refused."""
    path = _openpyxl_workbook(tmp_path, "really-a-workbook.csv")
    _rejected(path, "name_mismatch", "an Excel workbook", "is named")


def test_csv_text_named_xlsx_is_refused_because_the_name_disagrees(tmp_path):
    """CSV text named .xlsx is not imported as CSV: the name must agree with the content."""
    path = _write(tmp_path, "registry.xlsx", b"Legal name,City\nAcme,San Jose\n")
    _rejected(path, "name_mismatch", "a CSV or text file", "is named")


def test_a_utf8_csv_with_a_bom_is_accepted(tmp_path):
    """Excel's 'CSV UTF-8' (with byte-order mark) is a CSV read as utf-8-sig."""
    path = _write(tmp_path, "bom.csv", "\ufeffLegal name,City\nZoë Café,Málaga\n".encode())
    assert _kind(path, max_bytes=LIMIT) is Kind.CSV
    assert csv_encoding(path) == "utf-8-sig"


def test_a_utf8_csv_without_a_bom_is_accepted(tmp_path):
    """Plain UTF-8 text is a CSV read as utf-8."""
    path = _write(tmp_path, "plain.csv", "Legal name\n北京数据\n".encode())
    assert _kind(path, max_bytes=LIMIT) is Kind.CSV
    assert csv_encoding(path) == "utf-8"


def test_a_windows_1252_csv_is_accepted(tmp_path):
    """Excel's older 'CSV (Comma delimited)' in Windows-1252 is a CSV read as cp1252."""
    path = _write(
        tmp_path, "cp.csv", "Legal name;Note\nCafé Zürich;“quoted” – €5\n".encode("cp1252")
    )
    assert _kind(path, max_bytes=LIMIT) is Kind.CSV
    assert csv_encoding(path) == "cp1252"


def test_max_import_bytes_reads_the_configuration():
    """The limit comes from IMPORT_MAX_BYTES, 20 MB by default."""
    app = Flask(__name__)
    with app.app_context():
        assert max_import_bytes() == 20 * 1024 * 1024
    app.config["IMPORT_MAX_BYTES"] = 1234
    with app.app_context():
        assert max_import_bytes() == 1234


# -- Size -------------------------------------------------------------------------------


def test_an_empty_file_is_rejected(tmp_path):
    """A zero-byte upload is refused as empty."""
    _rejected(_write(tmp_path, "empty.csv", b""), "empty", "empty")


def test_a_file_over_the_limit_is_rejected_with_both_sizes(tmp_path):
    """Over max_bytes is refused before anything else is read, naming the limit."""
    path = _write(tmp_path, "big.csv", b"a,b\n" * 300_000)
    message = _rejected(path, "too_large", "1.1 MB", "1.0 MB", max_bytes=1024 * 1024)
    assert "limit" in message


# -- Wrong types ------------------------------------------------------------------------


def test_a_png_renamed_xlsx_is_not_a_csv_or_xlsx(tmp_path):
    """An image is refused whatever it is called."""
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256))
    _rejected(_write(tmp_path, "photo.xlsx", png), "not_accepted", "a PNG image")


def test_a_pdf_is_not_a_csv_or_xlsx(tmp_path):
    """A PDF is mostly ASCII but is still refused by its signature."""
    pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"
    _rejected(_write(tmp_path, "doc.csv", pdf), "not_accepted", "a PDF")


def test_a_csv_with_nul_bytes_is_rejected(tmp_path):
    """NUL bytes mean binary data, even deep in the file."""
    data = b"Legal name\n" + b"Acme\n" * 20_000 + b"Ac\x00me\n"
    _rejected(_write(tmp_path, "nul.csv", data), "binary_data", "binary data", "NUL")


def test_binary_noise_without_nul_bytes_is_rejected(tmp_path):
    """Text full of control characters is not a CSV."""
    noise = bytes(b for b in range(1, 32) if b not in (9, 10, 13)) * 50
    _rejected(_write(tmp_path, "noise.csv", noise), "binary_data", "control characters")


def test_a_utf16_csv_is_rejected_with_advice(tmp_path):
    """Excel's 'Unicode Text' (UTF-16) is refused, telling the user to save as CSV UTF-8."""
    path = _write(tmp_path, "u16.csv", "Legal name\nAcme\n".encode("utf-16"))
    _rejected(path, "encoding", "UTF-16", "CSV UTF-8")


def test_text_that_is_neither_utf8_nor_cp1252_is_rejected(tmp_path):
    """Bytes undefined in Windows-1252 (0x81, 0x8D) in non-UTF-8 text are refused."""
    path = _write(tmp_path, "bad.csv", b"Legal name\nAcme \x81\x8d\n")
    _rejected(path, "encoding", "UTF-8", "Windows-1252")


def test_a_docx_is_a_zip_but_not_a_workbook(tmp_path):
    """A Word document is named as such and refused."""
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES)
        archive.writestr("word/document.xml", "<w:document/>")
    _rejected(path, "not_accepted", "a Word document")


def test_a_plain_zip_is_not_a_workbook(tmp_path):
    """A zip without [Content_Types].xml is refused."""
    path = tmp_path / "data.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data.csv", "a,b\n")
    _rejected(path, "not_accepted", "a zip archive")


def test_a_truncated_workbook_is_rejected_as_damaged(tmp_path):
    """A zip cut short cannot be read and is refused as damaged."""
    data = _openpyxl_workbook(tmp_path).read_bytes()
    _rejected(_write(tmp_path, "cut.xlsx", data[: len(data) // 2]), "damaged", "damaged")


# -- Encrypted, legacy, macros ----------------------------------------------------------


@pytest.mark.parametrize("name", ["legacy.xls", "encrypted.xlsx"])
def test_ole_compound_files_are_encrypted_or_legacy(tmp_path, name):
    """Old .xls files and password-protected .xlsx both are OLE compound files: refused."""
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"EncryptedPackage"
    _rejected(_write(tmp_path, name, data), "encrypted_or_legacy", "password-protected")


def test_a_macro_enabled_content_type_is_rejected(tmp_path):
    """An .xlsm (macroEnabled main part) is refused even when named .xlsx."""

    def to_xlsm(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(XLSX_MAIN.encode(), XLSM_MAIN.encode())
        return data

    path = _rewrite(_openpyxl_workbook(tmp_path), tmp_path / "macro.xlsx", to_xlsm)
    _rejected(path, "macros", "macro-enabled")


def test_a_vba_project_member_is_rejected(tmp_path):
    """A workbook carrying xl/vbaProject.bin is refused even with an .xlsx content type."""
    path = _rewrite(
        _openpyxl_workbook(tmp_path),
        tmp_path / "vba.xlsx",
        extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 vba"},
    )
    _rejected(path, "macros", "macro")


# -- DTDs -------------------------------------------------------------------------------


def test_a_doctype_in_shared_strings_is_rejected(tmp_path):
    """The classic billion-laughs place: a DOCTYPE in xl/sharedStrings.xml, as Excel writes it."""
    shared = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;">]><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&lol2;</t></si></sst>'
    )
    path = _rewrite(
        _openpyxl_workbook(tmp_path),
        tmp_path / "laughs.xlsx",
        extra={"xl/sharedStrings.xml": shared},
    )
    message = _rejected(path, "doctype", "DOCTYPE")
    assert "xl/sharedStrings.xml" in message


def test_an_entity_in_a_non_standard_member_is_rejected(tmp_path):
    """Every member is scanned, including ones no spreadsheet reader should open."""
    payload = b'<x><!ENTITY xxe SYSTEM "file:///etc/passwd"></x>'
    path = _rewrite(
        _openpyxl_workbook(tmp_path), tmp_path / "xxe.xlsx", extra={"customXml/item9.dat": payload}
    )
    assert "customXml/item9.dat" in _rejected(path, "doctype", "ENTITY")


def test_a_utf16_encoded_doctype_is_found(tmp_path):
    """Re-encoding the XML as UTF-16 does not hide a DOCTYPE."""
    payload = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x []><x/>'.encode("utf-16")
    path = _rewrite(
        _openpyxl_workbook(tmp_path), tmp_path / "u16.xlsx", extra={"xl/extra.xml": payload}
    )
    _rejected(path, "doctype", "DOCTYPE")


def test_a_doctype_split_across_read_chunks_is_found(tmp_path):
    """The streaming scan keeps an overlap, so a DOCTYPE on a chunk boundary is still seen."""
    payload = b"<x>" + b" " * (64 * 1024 - 3 - 4) + b"<!DOCTYPE x []></x>"
    path = _rewrite(
        _openpyxl_workbook(tmp_path), tmp_path / "edge.xlsx", extra={"xl/edge.xml": payload}
    )
    _rejected(path, "doctype", "DOCTYPE")


# -- Zip bombs --------------------------------------------------------------------------


def _declare_size(path: Path, member: str, size: int) -> None:
    """Rewrite a member's uncompressed size in the central directory, as a crafted bomb would."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    at = data.rfind(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + name_length]) == name:
            struct.pack_into("<I", data, at + 24, size)
            path.write_bytes(bytes(data))
            return
        at = data.rfind(b"PK\x01\x02", 0, at)
    raise AssertionError(f"{member} not found")


def test_a_declared_huge_uncompressed_size_is_rejected_before_reading(tmp_path):
    """A central directory claiming 3 GB of content is refused from the directory alone."""
    path = _rewrite(_openpyxl_workbook(tmp_path), tmp_path / "claims.xlsx")
    _declare_size(path, "xl/worksheets/sheet1.xml", 3_000_000_000)
    _rejected(path, "zip_bomb", "zip bomb", "expand")


def test_a_real_member_expanding_beyond_the_total_cap_is_rejected(tmp_path):
    """260 MB of zeros compress to a few hundred KB; the total cap refuses it."""
    path = _rewrite(_openpyxl_workbook(tmp_path), tmp_path / "zeros.xlsx")
    block = b"\x00" * (1024 * 1024)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/zeros.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(260):
            member.write(block)
    assert path.stat().st_size < 2 * 1024 * 1024
    _rejected(path, "zip_bomb", "zip bomb", "250.0 MB")


def test_a_member_with_an_extreme_compression_ratio_is_rejected(tmp_path):
    """10 MB of one repeated byte compresses about 1000 to 1: refused as a bomb."""
    path = _rewrite(
        _openpyxl_workbook(tmp_path),
        tmp_path / "ratio.xlsx",
        extra={"xl/worksheets/sheet2.xml": b"<" * (10 * 1024 * 1024)},
    )
    message = _rejected(path, "zip_bomb", "zip bomb", "to 1")
    assert "xl/worksheets/sheet2.xml" in message


def test_too_many_members_are_rejected(tmp_path):
    """More parts than any spreadsheet needs is refused."""
    extra = {f"xl/parts/p{i}.xml": b"<p/>" for i in range(MAX_MEMBERS + 1)}
    path = _rewrite(_openpyxl_workbook(tmp_path), tmp_path / "many.xlsx", extra=extra)
    _rejected(path, "zip_bomb", "parts", f"{MAX_MEMBERS:,}")


def test_an_encrypted_zip_member_is_rejected(tmp_path):
    """A zip whose members carry the encryption flag is refused as encrypted."""
    data = bytearray(_openpyxl_workbook(tmp_path).read_bytes())
    at = data.find(b"PK\x01\x02")
    struct.pack_into("<H", data, at + 8, struct.unpack_from("<H", data, at + 8)[0] | 0x1)
    _rejected(_write(tmp_path, "zipcrypto.xlsx", bytes(data)), "encrypted_or_legacy", "encrypted")
