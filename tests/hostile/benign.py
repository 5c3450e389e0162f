"""The benign files each upload point must accept, by point: every kind the point takes, a name
with a right-to-left override (kept after cleaning), and names with directory parts (only the
last part is kept). Returned copies and valid imports depend on the database, so their bytes
are made by the target (targets.py) and only named here."""

from __future__ import annotations

from functools import cache

from tests.hostile import builders as b
from tests.hostile import documents as d
from tests.hostile.model import (
    CSV,
    DOCX,
    EVIDENCE,
    IMPORT,
    JPEG,
    PDF,
    PKCS12,
    PNG,
    REQUEST_DOC,
    RETURNED,
    SEAL,
    SIGNED_PDF,
    TEMPLATE,
    XLSX,
    BenignFile,
)

RLO = "\u202e"


def _certificate() -> bytes:
    from tests.fixtures.certificates import make_pkcs12

    return make_pkcs12()


def _template() -> bytes:
    from tests.web.tables.agreement_templates import valid_docx

    return valid_docx()


@cache
def office_and_pictures() -> tuple[BenignFile, ...]:
    """The evidence corpus's benign files: also each kind a request document may be."""
    B = BenignFile
    return (
        B("pdf", "SOC 2 report.pdf", d.simple_pdf, PDF, d.PDF),
        B("pdf-2", "certificate-2026.pdf", lambda: d.simple_pdf(version=b"2.0"), PDF, d.PDF),
        B("pdf-right-to-left-override", f"invoice{RLO}fdp.pdf", d.simple_pdf, PDF, d.PDF),
        B("docx", "Security policy.docx", d.docx, DOCX, d.DOCX),
        B("docx-with-picture", "diagram.docx", lambda: d.docx(with_picture=True), DOCX, d.DOCX),
        B("xlsx", "controls.xlsx", d.xlsx, XLSX, d.XLSX),
        B("larger-xlsx", "access review.xlsx", lambda: d.xlsx(rows=1000), XLSX, d.XLSX),
        B("png", "screenshot.png", lambda: d.image("PNG"), PNG, "image/png"),
        B("jpeg", "photo.jpg", lambda: d.image("JPEG", (120, 90), noise=True), JPEG,
          "image/jpeg"),
        B("jpeg-long-extension", "scan.JPEG", lambda: d.image("JPEG"), JPEG, "image/jpeg"),
        B("unicode-name", "Báo cáo.png", lambda: d.image("PNG", (32, 32)), PNG, "image/png"),
        B("png-sent-as-octet-stream", "chart.png", lambda: d.image("PNG", (10, 10)), PNG),
    )  # fmt: skip


def _named(label: str, name: str) -> BenignFile:
    return BenignFile(label, name, d.simple_pdf, PDF, d.PDF)


# Names that were refused before the contract: a name is cleaned, never a reason to refuse.
CLEANED_NAMES = (
    _named("traversal-dotdot", "../../etc/passwd.pdf"),
    # The multipart parser reads a backslash in a quoted filename as an escape, so the name
    # sent holds two backslashes for the app to receive ..\evil.pdf with one.
    _named("traversal-backslash", "..\\\\evil.pdf"),
    _named("traversal-absolute", "/abs/path.pdf"),
    _named("name-300-characters", "a" * 296 + ".pdf"),
)


@cache
def by_point() -> dict[str, tuple[BenignFile, ...]]:
    B = BenignFile
    return {
        EVIDENCE: (*office_and_pictures(), *CLEANED_NAMES),
        REQUEST_DOC: tuple(
            f
            for f in office_and_pictures()
            if f.label in {"pdf", "pdf-right-to-left-override", "docx", "xlsx", "png", "jpeg"}
        ),
        SIGNED_PDF: (
            B("signed-pdf", "Signed agreement.pdf", d.simple_pdf, PDF, d.PDF),
            B("signed-pdf-right-to-left-override", f"signed{RLO}fdp.pdf", d.simple_pdf, PDF),
        ),
        TEMPLATE: (B("template", "Research partner.docx", _template, DOCX, d.DOCX),),
        # Made by the target from the agreement it prepares.
        RETURNED: (B("returned-copy", "Returned DPA.docx", lambda: b"", DOCX, d.DOCX),),
        IMPORT: (
            B("import-csv", "organisations.csv", b.valid_org_csv, CSV, "text/csv"),
            B("import-xlsx", "organisations.xlsx", b.xlsx, XLSX, d.XLSX),
        ),
        SEAL: (B("seal-certificate", "city.p12", _certificate, PKCS12, "application/x-pkcs12"),),
    }
