"""The words of the hostile corpus: the seven upload points, the kinds of file, and a hostile
file with the rule it breaks, in the phrases of the upload contract that sharing/files/ keeps
(each refusal names its point's noun and the phrase of its rule).

What a point must say about a file depends on whether the point takes the file's kind: a point
that takes Word documents explains the broken rule (`macro`, `DOCTYPE`...), a point that does
not says what the file is (`a Word document`). Rules that come before any kind (an empty file,
a file of two kinds) are `universal`: every point gives that rule's phrase.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

EVIDENCE, REQUEST_DOC, SIGNED_PDF = "evidence", "request_document", "signed_pdf"
TEMPLATE, RETURNED, IMPORT, SEAL = "template", "returned", "import", "seal_certificate"
POINTS = (EVIDENCE, REQUEST_DOC, SIGNED_PDF, TEMPLATE, RETURNED, IMPORT, SEAL)

PDF, DOCX, XLSX, PNG, JPEG, CSV = "pdf", "docx", "xlsx", "png", "jpeg", "csv"
WEB, PROGRAM, OLE, GIF, ZIP, PPTX = "web", "program", "ole", "gif", "zip", "pptx"
EICAR, UNKNOWN, PKCS12 = "eicar", "unknown", "pkcs12"

# What a refusal calls a file of each kind, where the point does not take that kind.
DESCRIBED = {
    PDF: "a PDF",
    DOCX: "a Word document",
    XLSX: "an Excel workbook",
    PNG: "a PNG image",
    JPEG: "a JPEG image",
    CSV: "a CSV or text file",
    WEB: "a web page, SVG image or script",
    PROGRAM: "a program",
    OLE: "an old or password-protected Office file",
    GIF: "a GIF image",
    ZIP: "a zip archive",
    PPTX: "a PowerPoint presentation",
    EICAR: "an antivirus test file",
    UNKNOWN: "a file of an unknown kind",
    PKCS12: "a PKCS#12 certificate file",
}

OFFICE_AND_PICTURES = frozenset({PDF, DOCX, XLSX, PNG, JPEG})
ACCEPTS = {
    EVIDENCE: OFFICE_AND_PICTURES,
    REQUEST_DOC: OFFICE_AND_PICTURES,
    SIGNED_PDF: frozenset({PDF}),
    TEMPLATE: frozenset({DOCX}),
    RETURNED: frozenset({DOCX}),
    IMPORT: frozenset({CSV, XLSX}),
    SEAL: frozenset({PKCS12}),
}
# The noun every refusal at the point contains.
NOUNS = {
    EVIDENCE: "evidence",
    REQUEST_DOC: "request document",
    SIGNED_PDF: "signed agreement",
    TEMPLATE: "template",
    RETURNED: "returned agreement",
    IMPORT: "import",
    SEAL: "certificate",
}

# Each point's own size limit, where it is below the suite's request limit: a file over it is
# refused for its size before anything else is read.
POINT_LIMITS = {SEAL: 100 * 1024}

# The suite's request limit: the oversized file is a little over it, so it stays small.
OVERSIZE_LIMIT = 1024 * 1024


@dataclass(frozen=True)
class HostileFile:
    """One hostile file. `kind` is what the file is (or claims to be, by its content);
    `rule` holds the contract phrase for the broken rule, with an alternative only where the
    contract lets a file break either of two rules. `elsewhere` replaces the kind's
    description at points that do not take the kind, where the contract leaves open whether
    the file is first recognized or first found broken (a damaged zip, a UTF-16 text)."""

    label: str
    filename: str
    build: Callable[[], bytes]
    kind: str
    rule: tuple[str, ...]
    universal: bool = False
    elsewhere: tuple[str, ...] = ()
    field: str = ""  # the form field whose error carries the refusal, if not the file's
    evidence_code: str = ""  # the refusal code the evidence point gives (unit tests)
    content_type: str = "application/octet-stream"
    notes: str = ""

    def field_at(self, point: str, file_field: str) -> str:
        """The field whose error carries the refusal at `point`: the file's own, except where
        the point takes the file and its other field is what is wrong (a wrong password)."""
        return self.field if self.field and self.kind in ACCEPTS[point] else file_field

    @property
    def data(self) -> bytes:
        if self.label not in _BUILT:
            _BUILT[self.label] = self.build()
        return _BUILT[self.label]

    def phrases(self, point: str) -> tuple[str, ...]:
        """The phrases of which the refusal at `point` must contain one."""
        if len(self.data) > POINT_LIMITS.get(point, OVERSIZE_LIMIT):
            return ("limit",)
        if self.universal or self.kind in ACCEPTS[point]:
            return self.rule
        return self.elsewhere or (DESCRIBED[self.kind],)


@dataclass(frozen=True)
class BenignFile:
    label: str
    filename: str
    build: Callable[[], bytes]
    kind: str
    content_type: str = "application/octet-stream"

    @property
    def data(self) -> bytes:
        key = f"benign:{self.label}"
        if key not in _BUILT:
            _BUILT[key] = self.build()
        return _BUILT[key]


# Built bytes, once per process: every point sends the same file.
_BUILT: dict[str, bytes] = {}


def hostile(label: str, filename: str, build: Callable[[], bytes], kind: str, *rule: str, **kw):
    return HostileFile(label, filename, build, kind, tuple(rule), **kw)
