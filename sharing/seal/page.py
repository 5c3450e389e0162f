"""The signature page: one page listing who signed, drawn with reportlab and appended to the
agreement's PDF as an incremental update, so every original byte and page stays as it was."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from sharing.core.clock import local, now
from sharing.errors import DomainError

FONT_FOLDER = "/usr/share/fonts/truetype/crosextra"
REGULAR, BOLD = "SealCarlito", "SealCarlito-Bold"
MARGIN = 72  # one inch, as in the generated agreement
INK = (0.13, 0.13, 0.13)
MUTED = (0.33, 0.33, 0.33)
LETTER = (612.0, 792.0)

CLOSING = (
    "The City of San José has sealed this file with its digital seal. The seal covers the "
    "whole file, this page included: if anything in it is changed after sealing, the seal "
    "shows as broken. To check it, open the file in any PDF reader and look at its signature "
    "panel, which names the City as the signer and says whether the document was changed."
)


@dataclass(frozen=True)
class SignatureLine:
    """One signature as recorded when it was given."""

    party_label: str  # "Vendor", "City of San José"
    organisation: str
    name: str
    title: str
    signed_at: datetime  # aware, UTC
    ip: str
    document_sha256: str
    method: str  # how the person signed, in words


@cache
def _fonts() -> tuple[str, str]:
    # Registered once per process; reportlab embeds the subset of glyphs each page uses.
    pdfmetrics.registerFont(TTFont(REGULAR, f"{FONT_FOLDER}/Carlito-Regular.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, f"{FONT_FOLDER}/Carlito-Bold.ttf"))
    return REGULAR, BOLD


def signed_time(moment: datetime) -> str:
    """The instant in the city's zone with its abbreviation: "December 7, 2026, 2:05 PM PST"."""
    shown = local(moment)
    hour = shown.strftime("%I").lstrip("0")
    return f"{shown.strftime('%B')} {shown.day}, {shown.year}, {hour}:{shown:%M %p %Z}"


def pdf_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ")


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines no wider than `width`; a word too long for a line (a hash, a long name) breaks
    between characters rather than running off the page."""
    lines: list[str] = []
    current = ""
    for word in " ".join(str(text).split()).split(" "):
        candidate = f"{current} {word}" if current else word
        if pdfmetrics.stringWidth(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:
            if pdfmetrics.stringWidth(current + char, font, size) > width and current:
                lines.append(current)
                current = ""
            current += char
    if current or not lines:
        lines.append(current)
    return lines


class _Writer:
    """A cursor down the page that starts a new page when the next block does not fit."""

    def __init__(self, pdf: canvas.Canvas, size: tuple[float, float], heading: str) -> None:
        self.pdf, self.width, self.height = pdf, size[0], size[1]
        self.heading = heading
        self.y = self.height - MARGIN
        self.text_width = self.width - 2 * MARGIN

    def need(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.pdf.showPage()
            self.y = self.height - MARGIN
            self.text(f"{self.heading} (continued)", font=BOLD, size=11)
            self.y -= 6

    def text(
        self,
        value: str,
        *,
        font: str = REGULAR,
        size: float = 10.5,
        indent: float = 0,
        color=INK,
        leading: float | None = None,
    ) -> None:
        leading = leading or size * 1.3
        for line in wrap(value, font, size, self.text_width - indent):
            self.need(leading)
            self.pdf.setFillColorRGB(*color)
            self.pdf.setFont(font, size)
            self.y -= leading
            # drawString writes the characters as they are: nothing in a value is markup.
            self.pdf.drawString(MARGIN + indent, self.y, line)

    def field(self, label: str, value: str) -> None:
        label_width = 110
        lines = wrap(value or "—", REGULAR, 10.5, self.text_width - label_width)
        self.need(13.65 * len(lines))
        self.pdf.setFillColorRGB(*MUTED)
        self.pdf.setFont(REGULAR, 10.5)
        self.pdf.drawString(MARGIN, self.y - 13.65, label)
        self.pdf.setFillColorRGB(*INK)
        for line in lines:
            self.y -= 13.65
            self.pdf.drawString(MARGIN + label_width, self.y, line)


def _page_size(reader: PdfReader) -> tuple[float, float]:
    if not reader.pages:
        return LETTER
    # The cover page: an annex at the end may be landscape.
    box = reader.pages[0].mediabox
    return float(box.width), float(box.height)


def draw_page(
    *, number: str, title: str, lines: Sequence[SignatureLine], size: tuple[float, float] = LETTER
) -> bytes:
    """The signature page alone, as a PDF."""
    _fonts()
    out = io.BytesIO()
    # The initial font too is Carlito, so no unembedded Helvetica enters the page.
    pdf = canvas.Canvas(
        out, pagesize=size, pageCompression=1, initialFontName=REGULAR, initialFontSize=10.5
    )
    pdf.setTitle(f"Signature page, agreement {number}")
    page = _Writer(pdf, size, "Signature page")
    page.text("Signature page", font=BOLD, size=18)
    page.y -= 4
    page.text(title, font=BOLD, size=12)
    page.text(f"Agreement No. {number}", size=11, color=MUTED)
    page.y -= 10
    if not lines:
        page.text("No signature has been recorded.")
    for line in lines:
        page.need(13.65 * 9 + 20)
        page.y -= 8
        page.text(f"{line.party_label}: {line.organisation}", font=BOLD, size=11.5)
        page.y -= 2
        page.field("Signed by", line.name)
        page.field("Title", line.title)
        page.field("Date and time", signed_time(line.signed_at))
        page.field("IP address", line.ip)
        page.field("Method", line.method)
        page.field("Document signed", f"SHA-256 {line.document_sha256}")
        page.y -= 6
    page.y -= 12
    page.text(CLOSING, size=10, color=MUTED)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def with_signature_page(
    pdf: bytes, *, number: str, title: str, lines: Sequence[SignatureLine]
) -> bytes:
    """`pdf` with the signature page added at its end. The original bytes stay the file's
    prefix (an incremental update), so its pages, document information and XMP metadata are
    unchanged and the SHA-256 each signer saw can still be checked against that prefix."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        size = _page_size(reader)
    except (PdfReadError, ValueError, KeyError):
        raise DomainError(
            "The agreement's PDF could not be read to add the signature page."
        ) from None
    page = PdfReader(io.BytesIO(draw_page(number=number, title=title, lines=lines, size=size)))
    writer = PdfWriter(reader, incremental=True)
    for added in page.pages:
        writer.add_page(added)
    if reader.metadata is not None:
        # pypdf leaves an unchanged /Info out of the update's trailer, and readers then lose
        # the title; dating the change keeps every entry and puts the dictionary back.
        writer.add_metadata({"/ModDate": pdf_date(now())})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
