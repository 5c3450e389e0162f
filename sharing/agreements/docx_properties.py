"""The document properties of a rendered .docx (title, subject, keywords), which LibreOffice
carries into the PDF's metadata; written into the core part without recompressing the rest."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import TYPE_CHECKING

from lxml import etree

from sharing.agreements.rendering import (
    FIXED_DOS_DATE,
    FIXED_DOS_TIME,
    XML_ILLEGAL,
    RenderFailed,
)
from sharing.core.sentences import sentence

if TYPE_CHECKING:
    from sharing.agreements.models import Agreement

CORE_PART = "docProps/core.xml"
DC = "http://purl.org/dc/elements/1.1/"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
FIELDS = {"title": DC, "subject": DC, "keywords": CP}


def agreement_properties(agreement: Agreement, *, city: str) -> dict[str, str]:
    """What an agreement's .docx and PDF say about themselves: its title, its parties, its
    number (the keyword a records system files it under)."""
    return {
        "title": agreement.title or f"Agreement {agreement.number}",
        "subject": f"Agreement {agreement.number} between {city} and "
        f"{agreement.organisation.legal_name}",
        "keywords": agreement.number,
    }


def set_document_properties(docx: bytes, *, title: str, subject: str, keywords: str) -> bytes:
    """The same .docx with this title, subject and keywords in its core properties.

    Every other part is copied still compressed, and every entry keeps the fixed timestamp,
    so this costs about a millisecond whatever the document's size and equal inputs still
    give equal bytes.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            members = archive.infolist()
            core = archive.read(CORE_PART)
    except (zipfile.BadZipFile, KeyError) as error:
        raise RenderFailed(
            sentence(f"The document has no core properties: {error}"), code="zip"
        ) from None
    values = {"title": title, "subject": subject, "keywords": keywords}
    return _replace_part(docx, members, CORE_PART, _with_values(core, values))


def _with_values(core: bytes, values: dict[str, str]) -> bytes:
    root = etree.fromstring(core)  # noqa: S320 - our own rendered part, not user XML
    for name, namespace in FIELDS.items():
        element = root.find(f"{{{namespace}}}{name}")
        if element is None:
            element = etree.SubElement(root, f"{{{namespace}}}{name}")
        element.text = XML_ILLEGAL.sub("", values[name])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _replace_part(data: bytes, members: list[zipfile.ZipInfo], name: str, content: bytes) -> bytes:
    entries, central = bytearray(), bytearray()
    for member in members:
        offset = len(entries)
        if member.filename == name:
            packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
            raw = packer.compress(content) + packer.flush()
            method, crc, size = zipfile.ZIP_DEFLATED, zlib.crc32(content), len(content)
        else:
            name_length, extra_length = struct.unpack_from("<HH", data, member.header_offset + 26)
            start = member.header_offset + 30 + name_length + extra_length
            raw = data[start : start + member.compress_size]
            method, crc, size = member.compress_type, member.CRC, member.file_size
        encoded = member.filename.encode("utf-8")
        flags = member.flag_bits & 0x800  # UTF-8 names; sizes now stand in the header
        common = (flags, method, FIXED_DOS_TIME, FIXED_DOS_DATE, crc, len(raw), size)
        entries += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, *common, len(encoded), 0)
        entries += encoded + raw
        central += struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            *common,
            len(encoded),
            0,
            0,
            0,
            0,
            member.external_attr,
            offset,
        )
        central += encoded
    count = len(members)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), len(entries), 0)
    return bytes(entries + central + end)
