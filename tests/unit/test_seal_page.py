"""The signature page: appended after every original page, which stay byte for byte, and it
shows each signature's fields as text."""

from __future__ import annotations

import hashlib
import io
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from sharing.errors import DomainError
from sharing.seal.page import SignatureLine, signed_time, with_signature_page, wrap

AGREEMENT = Path(__file__).resolve().parents[2] / "docs" / "agreements" / "vendor-plate-readers.pdf"


def _text(path: Path, first: int, last: int) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-f", str(first), "-l", str(last), str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout


def _lines(original: bytes) -> list[SignatureLine]:
    digest = hashlib.sha256(original).hexdigest()
    return [
        SignatureLine(
            party_label="Vendor",
            organisation="PlateGuard Systems LLC",
            name="<b>Jordan</b> Alvarez-Whitfield",
            title="Chief Executive Officer",
            signed_at=datetime(2026, 12, 7, 22, 5, tzinfo=UTC),
            ip="203.0.113.9",
            document_sha256=digest,
            method="Signed electronically: typed name, password entered again",
        ),
        SignatureLine(
            party_label="City",
            organisation="City of San José",
            name="Ana Ruiz",
            title="Digital Privacy Officer",
            signed_at=datetime(2026, 7, 8, 16, 30, tzinfo=UTC),
            ip="2001:db8::7",
            document_sha256=digest,
            method="Countersigned electronically",
        ),
    ]


def test_signature_page_is_added_after_every_original_page_which_stay_unchanged(tmp_path):
    """The original file is the prefix of the result, with one page more, and the text of the
    original pages reads the same."""
    original = AGREEMENT.read_bytes()
    result = with_signature_page(
        original,
        number="DSA-2026-0009",
        title="Data protection: PlateGuard",
        lines=_lines(original),
    )
    assert result.startswith(original)
    before, after = tmp_path / "before.pdf", tmp_path / "after.pdf"
    before.write_bytes(original)
    after.write_bytes(result)
    pages = len(PdfReader(before).pages)
    assert len(PdfReader(after).pages) == pages + 1
    assert _text(after, 1, pages) == _text(before, 1, pages)


def test_signature_page_keeps_the_document_information_and_xmp_metadata():
    """Title, subject and the XMP stream survive the appended page."""
    original = AGREEMENT.read_bytes()
    result = with_signature_page(original, number="DSA-2026-0009", title="T", lines=[])
    before, after = PdfReader(io.BytesIO(original)), PdfReader(io.BytesIO(result))
    assert after.metadata.title == before.metadata.title == "Data protection: PlateGuard"
    assert after.metadata.subject == before.metadata.subject
    assert after.xmp_metadata is not None
    assert after.xmp_metadata.stream.get_data() == before.xmp_metadata.stream.get_data()


def test_signature_page_lists_each_signature_with_its_fields(tmp_path):
    """Party, organisation, name, title, local time with its zone, IP, method and the hash
    appear on the page; markup in a name is shown as typed."""
    original = AGREEMENT.read_bytes()
    lines = _lines(original)
    result = with_signature_page(
        original, number="DSA-2026-0009", title="Data protection: PlateGuard", lines=lines
    )
    path = tmp_path / "signed.pdf"
    path.write_bytes(result)
    pages = len(PdfReader(path).pages)
    page = " ".join(_text(path, pages, pages).split())
    assert "Signature page" in page
    assert "Agreement No. DSA-2026-0009" in page
    assert "Data protection: PlateGuard" in page
    assert "Vendor: PlateGuard Systems LLC" in page
    assert "City: City of San José" in page
    assert "<b>Jordan</b> Alvarez-Whitfield" in page
    assert "Chief Executive Officer" in page
    assert "December 7, 2026, 2:05 PM PST" in page
    assert "July 8, 2026, 9:30 AM PDT" in page
    assert "203.0.113.9" in page and "2001:db8::7" in page
    assert "Countersigned electronically" in page
    assert lines[0].document_sha256 in page
    assert "signature panel" in page


def test_signed_time_is_in_the_city_time_zone_with_its_abbreviation():
    """A UTC instant is shown in Pacific time, named PST or PDT."""
    assert signed_time(datetime(2027, 1, 2, 8, 0, tzinfo=UTC)) == "January 2, 2027, 12:00 AM PST"


def test_long_words_wrap_between_characters_within_the_width():
    """A name with no space wider than the column is broken rather than running off."""
    lines = wrap("A " + "W" * 200, "Helvetica", 10, 100)
    assert len(lines) > 3
    assert "".join(lines).replace(" ", "") == "A" + "W" * 200


def test_many_signatures_continue_on_further_pages_with_none_lost(tmp_path):
    """More signatures than fit on one page flow onto a continuation page; every name shows."""
    original = AGREEMENT.read_bytes()
    base = _lines(original)[1]
    lines = [SignatureLine(**{**vars(base), "name": f"Signer number {n}"}) for n in range(1, 13)]
    path = tmp_path / "signed.pdf"
    path.write_bytes(with_signature_page(original, number="DSA-2026-0009", title="T", lines=lines))
    pages = len(PdfReader(io.BytesIO(original)).pages)
    assert len(PdfReader(path).pages) > pages + 1
    added = " ".join(_text(path, pages + 1, len(PdfReader(path).pages)).split())
    assert "Signature page (continued)" in added
    for n in range(1, 13):
        assert f"Signer number {n} " in added + " "


def test_a_file_that_is_not_a_pdf_is_refused_with_a_plain_message():
    """Garbage in gives a DomainError, not a stack trace."""
    with pytest.raises(DomainError, match="could not be read"):
        with_signature_page(b"not a pdf at all", number="N", title="T", lines=[])


def test_signature_page_embeds_every_font_it_uses(tmp_path):
    """Only embedded Carlito on the added page (no standard font left to the reader)."""
    original = AGREEMENT.read_bytes()
    path = tmp_path / "signed.pdf"
    path.write_bytes(with_signature_page(original, number="N-1", title="T", lines=_lines(original)))
    last = str(len(PdfReader(path).pages))
    listing = subprocess.run(
        ["pdffonts", "-f", last, "-l", last, str(path)], capture_output=True, check=True, text=True
    ).stdout.splitlines()[2:]
    assert listing, "the page uses fonts"
    assert all("Carlito" in row.split()[0] for row in listing)
    assert all(row.split()[-5] == "yes" for row in listing)  # the "emb" column
