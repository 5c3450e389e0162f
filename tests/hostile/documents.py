"""Byte builders for the evidence-style samples: PDFs made object by object (streams, object
streams, polyglots), images, a report .docx and a controls .xlsx, zip bombs. Everything is made
in code so no binary file is committed; tests/fixtures/upload_corpus.py re-exports these."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from functools import cache

CORPUS_MAX_BYTES = 1024 * 1024
CORPUS_MAX_PIXELS = 40_000_000
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def pdf(*objects: bytes, version: bytes = b"1.7", trailer: bytes = b"") -> bytes:
    """A PDF with a correct cross-reference table; object 1 must be the catalog."""
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(dictionary: bytes, content: bytes, *, compress: bool = True) -> bytes:
    data = zlib.compress(content) if compress else content
    flate = b" /Filter /FlateDecode" if compress else b""
    return b"<< %s /Length %d%s >>\nstream\n%s\nendstream" % (dictionary, len(data), flate, data)


def simple_pdf(catalog_extra: bytes = b"", *extra: bytes, version: bytes = b"1.7") -> bytes:
    page_text = stream(b"", b"BT /F1 12 Tf 72 720 Td (Evidence of controls) Tj ET")
    return pdf(
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        page_text,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *extra,
        version=version,
    )


def image(fmt: str, size: tuple[int, int] = (64, 48), *, noise: bool = False) -> bytes:
    from PIL import Image

    if noise:
        picture = Image.frombytes("RGB", size, _noise(size[0] * size[1] * 3))
    else:
        picture = Image.new("RGB", size, (30, 120, 200))
    out = io.BytesIO()
    picture.save(out, format=fmt)
    return out.getvalue()


def _noise(length: int) -> bytes:
    # Deterministic, incompressible bytes: a corpus must not change between runs.
    seed, out = b"corpus", bytearray()
    while len(out) < length:
        seed = zlib.crc32(seed).to_bytes(4, "big") + seed[:28]
        out += seed
    return bytes(out[:length])


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares its size and holds no pixels: the size must be judged first."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


@cache
def docx(with_picture: bool = False) -> bytes:
    from docx import Document
    from docx.shared import Cm

    document = Document()
    document.add_heading("Information security policy", level=1)
    document.add_paragraph("Access to personal data is reviewed every quarter.")
    if with_picture:
        document.add_picture(io.BytesIO(image("PNG", (320, 200), noise=True)), width=Cm(8))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@cache
def xlsx(rows: int = 3) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Control", "Owner", "Tested on"])
    for n in range(rows):
        sheet.append([f"Control {n}", f"Owner {n % 7}", f"2026-01-{n % 28 + 1:02d}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(data: bytes, replace: dict[str, bytes] | None = None, **kw) -> bytes:
    """A copy of a zip with some members replaced or added (ZIP_DEFLATED)."""
    replace = dict(replace or {})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", **kw) as target:
        for info in source.infolist():
            body = replace.pop(info.filename, None)
            target.writestr(info.filename, source.read(info) if body is None else body,
                            zipfile.ZIP_DEFLATED)  # fmt: skip
        for name, body in replace.items():
            target.writestr(name, body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def with_main_type(data: bytes, old: str, new: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    return rezip(data, {"[Content_Types].xml": types.replace(old, new).encode()})


def zip_bomb_docx() -> bytes:
    """A docx with one part of 24 MB of zeros: about 24 KB on disk, a ratio near 1000 to 1."""
    out = io.BytesIO(docx())
    block = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("word/media/zeros.bin", "w") as member,
    ):
        for _ in range(24):
            member.write(block)
    return out.getvalue()


def plain_zip(first_member: bytes = b"hello") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", first_member)  # stored, so its bytes sit in the first KB
    return out.getvalue()


XXE = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>'
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(2, 10))
    + '<!ENTITY lol1 "&lol;&lol;">]><r>&lol9;</r>'
)
JS_ACTION = b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> "


def pdf_in_object_stream() -> bytes:
    hidden = b"7 0 << /S /JavaScript /JS (app.alert\\(1\\)) >>"
    objstm = stream(b"/Type /ObjStm /N 1 /First 4", hidden)
    return simple_pdf(b"/OpenAction 7 0 R ", objstm)


def pdf_zip_polyglot() -> bytes:
    """A PDF followed by a zip whose comment ends the file with %%EOF: both readers accept it."""
    body = simple_pdf()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
        archive.comment = b"\n%%EOF\n"
    return body + out.getvalue()


def oversize_pdf(size: int) -> bytes:
    """A valid PDF padded with a comment to exactly `size` bytes."""
    base = simple_pdf()
    head, rest = base.split(b"\n", 1)
    padding = size - len(base) - 2
    return head + b"\n%" + b"x" * padding + b"\n" + rest
