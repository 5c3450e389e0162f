"""The kinds of file the app keeps, the policy an upload point declares, what an accepted file
turned out to be, and the refusal of any other file."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sharing.errors import DomainError


class Kind(enum.StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    PNG = "png"
    JPEG = "jpeg"
    CSV = "csv"
    PKCS12 = "pkcs12"


@dataclass(frozen=True)
class KindFacts:
    content_type: str
    suffix: str  # the suffix a stored copy gets, and the one added to a name without any
    described: str  # what the file is, in the words every message uses
    extensions: tuple[str, ...]  # name endings that agree with the content
    short: str  # the kind in a list of what a point accepts


FACTS: dict[Kind, KindFacts] = {
    Kind.PDF: KindFacts("application/pdf", ".pdf", "a PDF", (".pdf",), "PDF"),
    Kind.DOCX: KindFacts(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
        "a Word document",
        (".docx",),
        "Word (.docx)",
    ),
    Kind.XLSX: KindFacts(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
        "an Excel workbook",
        (".xlsx",),
        "Excel (.xlsx)",
    ),
    Kind.PNG: KindFacts("image/png", ".png", "a PNG image", (".png",), "PNG"),
    Kind.JPEG: KindFacts("image/jpeg", ".jpg", "a JPEG image", (".jpg", ".jpeg", ".jpe"), "JPEG"),
    Kind.CSV: KindFacts("text/csv", ".csv", "a CSV or text file", (".csv", ".txt"), "CSV"),
    Kind.PKCS12: KindFacts(
        "application/x-pkcs12",
        ".p12",
        "a PKCS#12 certificate file",
        (".p12", ".pfx"),
        "PKCS#12 (.p12 or .pfx)",
    ),
}
# The order kinds are listed in when a message says what a point accepts.
ORDER = (Kind.PDF, Kind.DOCX, Kind.XLSX, Kind.CSV, Kind.PNG, Kind.JPEG, Kind.PKCS12)


@dataclass(frozen=True)
class UploadPolicy:
    """What one upload point accepts. `noun` names the upload in every refusal ("evidence",
    "signed agreement"); `hint` says what to do instead, and defaults to the kinds accepted."""

    noun: str
    accepts: frozenset[Kind]
    max_bytes: int
    max_pixels: int = 40_000_000
    hint: str = ""

    def advice(self) -> str:
        if self.hint:
            return self.hint
        kinds = [FACTS[kind].short for kind in ORDER if kind in self.accepts]
        if len(kinds) == 1:
            return f"Upload the {self.noun} in {kinds[0]} format."
        listed = f"{', '.join(kinds[:-1])} or {kinds[-1]}"
        return f"Upload the {self.noun} in one of these formats: {listed}."


@dataclass(frozen=True)
class Inspected:
    kind: Kind
    content_type: str
    suffix: str
    name: str  # the cleaned name, ending in an extension that agrees with the content


class RejectedUpload(DomainError):
    """The upload is not a file this point keeps; `message` says what the file is, what is
    wrong and what to do, `code` names the rule, `field` the form field when the caller set
    one."""

    status_code = 400

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
