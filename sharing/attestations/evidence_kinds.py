"""The kinds of evidence file we keep, and the refusal of any other file: RejectedEvidence,
with the messages that tell the user what the file is instead."""

from __future__ import annotations

import enum

from sharing.errors import DomainError


class Kind(enum.StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    PNG = "png"
    JPEG = "jpeg"


# kind: (content type, stored suffix, described, name extensions that agree with the content)
KINDS: dict[Kind, tuple[str, str, str, tuple[str, ...]]] = {
    Kind.PDF: ("application/pdf", ".pdf", "a PDF document", (".pdf",)),
    Kind.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
        "a Word document",
        (".docx",),
    ),
    Kind.XLSX: (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
        "an Excel workbook",
        (".xlsx",),
    ),
    Kind.PNG: ("image/png", ".png", "a PNG image", (".png",)),
    Kind.JPEG: ("image/jpeg", ".jpg", "a JPEG image", (".jpg", ".jpeg")),
}
ALLOWED = "PDF, Word (.docx), Excel (.xlsx), PNG or JPEG"


class RejectedEvidence(DomainError):
    """The upload is not evidence we keep; `message` tells the user why, `code` names the rule."""

    status_code = 400

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def not_allowed(described: str) -> RejectedEvidence:
    return RejectedEvidence(
        f"The file is {described}, which is not accepted as evidence. Upload a {ALLOWED} file.",
        code="not_allowed",
    )


def polyglot() -> RejectedEvidence:
    return RejectedEvidence(
        "The file is two kinds of file at once (for example a PDF that is also a zip archive), "
        "a trick used to smuggle content past checks. Save it again as one plain file.",
        code="polyglot",
    )


def macro_enabled() -> RejectedEvidence:
    return RejectedEvidence(
        "The file is a macro-enabled Office file (.docm or .xlsm, or it contains VBA or ActiveX "
        "code), and macros are not accepted. Save it as .docx or .xlsx and upload again.",
        code="macro_enabled",
    )


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
