"""The hostile file catalogue: each file's bytes, the upload targets it attacks and what each
target must do with it. `python -m tests.hostile.make_files OUTDIR` writes them all, with a
manifest.json naming targets and outcomes.

Outcomes:
- REJECT: the upload is refused with a message on the page; nothing is stored and no row is
  written (an import writes its single `import.rejected` audit event, by design).
- ACCEPT: the file is safe to keep as bytes; it is stored under a random name inside UPLOAD_DIR
  and only ever served as an attachment with nosniff.
- PREVIEW: an import reads it into a preview; nothing reaches the register until confirmed.
- TOO_LARGE: the request body is over MAX_CONTENT_LENGTH and is refused with 413.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.hostile import builders as b

EVIDENCE, TEMPLATE, IMPORT = "evidence", "template", "import"
REQUEST_DOC, SIGNED_PDF = "request_document", "signed_pdf"
TARGETS = (EVIDENCE, TEMPLATE, IMPORT, REQUEST_DOC, SIGNED_PDF)
REJECT, ACCEPT, PREVIEW, TOO_LARGE = "reject", "accept", "preview", "too_large"

# The suite runs with this request limit, so the oversized file stays small.
OVERSIZE_LIMIT = 1024 * 1024

DOCUMENT = "word/document.xml"
CONTENT_TYPES = "[Content_Types].xml"
SHEET = "xl/worksheets/sheet1.xml"


@dataclass(frozen=True)
class HostileFile:
    label: str
    filename: str
    build: Callable[[], bytes]
    outcomes: dict[str, str]
    says: str = ""  # a fragment of the refusal message, where every target words it alike
    notes: str = ""

    @property
    def data(self) -> bytes:
        return _built(self.label, self.build)


_CACHE: dict[str, bytes] = {}


def _built(label: str, build: Callable[[], bytes]) -> bytes:
    if label not in _CACHE:
        _CACHE[label] = build()
    return _CACHE[label]


def _each(outcome: str, *targets: str) -> dict[str, str]:
    return dict.fromkeys(targets, outcome)


ALL_FILE_TARGETS = (EVIDENCE, TEMPLATE, IMPORT, REQUEST_DOC, SIGNED_PDF)
OFFICE = (EVIDENCE, TEMPLATE, REQUEST_DOC)
SHEETS = (EVIDENCE, IMPORT)
PDFS = (EVIDENCE, REQUEST_DOC, SIGNED_PDF)


def _renamed() -> list[HostileFile]:
    return [
        HostileFile("png_named_pdf", "scan.pdf", b.png, _each(REJECT, *ALL_FILE_TARGETS)),
        HostileFile(
            "exe_named_docx",
            "contract.docx",
            lambda: b.program(b"MZ"),
            _each(REJECT, EVIDENCE, TEMPLATE, IMPORT, REQUEST_DOC, SIGNED_PDF),
        ),
        HostileFile(
            "elf_named_xlsx",
            "register.xlsx",
            lambda: b.program(b"\x7fELF"),
            _each(REJECT, EVIDENCE, TEMPLATE, IMPORT, SIGNED_PDF),
        ),
        HostileFile(
            "html_named_pdf",
            "signed.pdf",
            lambda: b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script>",
            _each(REJECT, *PDFS, TEMPLATE),
        ),
        HostileFile("pdf_named_docx", "terms.docx", b.pdf, _each(REJECT, EVIDENCE, TEMPLATE)),
        HostileFile("gif_named_png", "logo.png", b.gif, _each(REJECT, EVIDENCE, IMPORT)),
        HostileFile(
            "legacy_ole_named_docx",
            "old.docx",
            lambda: b.OLE_MAGIC + b"\x00" * 504,
            _each(REJECT, EVIDENCE, TEMPLATE, IMPORT, SIGNED_PDF),
        ),
    ]


def _bombs() -> list[HostileFile]:
    return [
        HostileFile(
            "docx_zip_bomb",
            "bomb.docx",
            lambda: b.rezip(b.docx(), extra={"word/media/zeros.bin": b.zeros_member(60)}),
            _each(REJECT, *OFFICE),
            says="zip bomb",
        ),
        HostileFile(
            "xlsx_zip_bomb",
            "bomb.xlsx",
            lambda: b.rezip(b.xlsx(), extra={"xl/media/zeros.bin": b.zeros_member(60)}),
            _each(REJECT, *SHEETS),
            says="zip bomb",
        ),
        HostileFile(
            "xlsx_too_many_parts",
            "parts.xlsx",
            lambda: b.many_members(b.xlsx(), 2100),
            _each(REJECT, *SHEETS),
        ),
        HostileFile(
            "nested_zip_named_docx",
            "nested.docx",
            b.nested_zip,
            _each(REJECT, EVIDENCE, TEMPLATE, IMPORT, REQUEST_DOC),
        ),
        HostileFile(
            "zip_slip_docx",
            "slip.docx",
            lambda: b.rezip(b.docx(), extra={"../../../../tmp/hostile-slip.txt": b"escaped"}),
            _each(REJECT, EVIDENCE, TEMPLATE, REQUEST_DOC),
            says="unsafe path",
            notes="a member that climbs out of its folder is refused wherever Word files are taken",
        ),
    ]


def _macros() -> list[HostileFile]:
    return [
        HostileFile(
            "docm_content_type",
            "macro.docx",
            lambda: b.rezip(b.docx(), {CONTENT_TYPES: b.swap_type(b.DOCX_MAIN, b.DOCM_MAIN)}),
            _each(REJECT, *OFFICE),
            says="macro",
        ),
        HostileFile(
            "docx_vba_project",
            "vba.docx",
            lambda: b.rezip(b.docx(), extra={"word/vbaProject.bin": b.OLE_MAGIC + b"\x00" * 64}),
            _each(REJECT, *OFFICE),
            says="macro",
        ),
        HostileFile(
            "xlsx_vba_project",
            "vba.xlsx",
            lambda: b.rezip(b.xlsx(), extra={"xl/vbaProject.bin": b.OLE_MAGIC + b"\x00" * 64}),
            _each(REJECT, *SHEETS),
            says="macro",
        ),
    ]


def _dtds() -> list[HostileFile]:
    """A DOCTYPE put into one part of a real package: each is refused by every upload target
    of that kind of file."""
    cases = (  # label, file name, package, its targets, part, change to the part
        ("docx_xxe", "xxe.docx", b.docx, OFFICE, DOCUMENT, b.with_doctype(b.XXE)),
        ("docx_billion_laughs", "laughs.docx", b.docx, OFFICE, DOCUMENT, b.with_doctype(b.LAUGHS)),
        ("docx_xxe_utf16", "xxe16.docx", b.docx, OFFICE, DOCUMENT, b.utf16),
        (
            "docx_content_types_dtd",
            "types.docx",
            b.docx,
            OFFICE,
            CONTENT_TYPES,
            b.with_doctype(b.LAUGHS),
        ),
        ("xlsx_xxe", "xxe.xlsx", b.xlsx, SHEETS, SHEET, b.with_doctype(b.XXE)),
        (
            "xlsx_billion_laughs",
            "laughs.xlsx",
            b.xlsx,
            SHEETS,
            "xl/workbook.xml",
            b.with_doctype(b.LAUGHS),
        ),
    )
    return [
        HostileFile(
            label,
            name,
            lambda package=package, part=part, change=change: b.rezip(package(), {part: change}),
            _each(REJECT, *targets),
            says="DOCTYPE",
        )
        for label, name, package, targets, part, change in cases
    ]


def _templates() -> list[HostileFile]:
    payloads = {
        "jinja_class_walk": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "jinja_import_os": "{% import 'os' as os %}{{ os }}",
        "jinja_include_passwd": "{% include '/etc/passwd' %}",
        "jinja_self_globals": "{{ self.__init__.__globals__ }}",
        "jinja_config_leak": "{{ config.items() }}",
        "jinja_cycler_globals": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "jinja_attr_filter": "{{ agreement|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
    }
    files = [
        HostileFile(label, f"{label}.docx", _docx_with(text), _each(REJECT, TEMPLATE))
        for label, text in payloads.items()
    ]
    files.append(
        HostileFile(
            "docx_external_template_relationship",
            "external.docx",
            b.external_relationship,
            _each(REJECT, EVIDENCE, TEMPLATE, REQUEST_DOC),
            says="outside file",
            notes="a remote attachedTemplate is fetched by Word when a generated copy opens",
        )
    )
    return files


def _docx_with(text: str) -> Callable[[], bytes]:
    return lambda: b.docx("Agreement {{ agreement.number }}", text)


def _csvs() -> list[HostileFile]:
    return [
        HostileFile("csv_formula_injection", "formulas.csv", b.formula_csv, {IMPORT: PREVIEW}),
        HostileFile(
            "csv_nul_bytes",
            "nul.csv",
            lambda: b.valid_org_csv().replace(b"Vendor", b"Ven\x00dor"),
            {IMPORT: REJECT},
        ),
        HostileFile(
            "csv_invalid_utf8",
            "latin.csv",
            lambda: b.valid_org_csv() + b"Bad \x81\x8d\x90 bytes LLC,Vendor,,,,,Active\r\n",
            {IMPORT: REJECT},
        ),
        HostileFile(
            "csv_utf16_bom",
            "unicode.csv",
            lambda: b.valid_org_csv().decode().encode("utf-16"),
            {IMPORT: REJECT},
        ),
        HostileFile(
            "csv_utf8_bom",
            "bom.csv",
            lambda: b"\xef\xbb\xbf" + b.valid_org_csv(),
            {IMPORT: PREVIEW},
        ),
        HostileFile(
            "csv_wide_rows", "wide.csv", lambda: b.wide_csv(20_000), {IMPORT: REJECT}, "columns"
        ),
        HostileFile(
            "csv_wide_row_under_the_limit",
            "wide-ok.csv",
            lambda: b.wide_csv(900),
            {IMPORT: PREVIEW},
        ),
        HostileFile(
            "csv_100k_column_header",
            "header.csv",
            lambda: b.huge_header_csv(100_000),
            {IMPORT: REJECT},
            says="columns",
        ),
        HostileFile(
            "csv_control_characters",
            "control.csv",
            lambda: b.valid_org_csv() + b"\x01\x02\x03\x04\x05\x06\x07\x08" * 40,
            {IMPORT: REJECT},
        ),
    ]


def _pdfs() -> list[HostileFile]:
    js = b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> "
    launch = b"/OpenAction << /S /Launch /F (cmd.exe) >> "
    return [
        HostileFile(
            "empty_file", "empty.pdf", lambda: b"", _each(REJECT, *ALL_FILE_TARGETS), says="empty"
        ),
        HostileFile(
            "truncated_pdf",
            "cut.pdf",
            lambda: b.pdf()[:200],
            _each(REJECT, *PDFS),
            says="incomplete",
        ),
        HostileFile(
            "pdf_javascript",
            "script.pdf",
            lambda: b.pdf(js),
            _each(REJECT, *PDFS),
            says="JavaScript",
        ),
        HostileFile(
            "pdf_launch_action",
            "launch.pdf",
            lambda: b.pdf(launch),
            _each(REJECT, *PDFS),
            says="launches a program",
        ),
        HostileFile(
            "pdf_encrypted",
            "locked.pdf",
            lambda: b.pdf(trailer_extra=b"/Encrypt << /Filter /Standard /V 2 >> "),
            _each(REJECT, *PDFS),
            says="encrypted",
        ),
        HostileFile(
            "oversized_body",
            "huge.pdf",
            lambda: b.pdf() + b"%" + b"0" * OVERSIZE_LIMIT + b"\n%%EOF\n",
            _each(TOO_LARGE, *ALL_FILE_TARGETS),
        ),
    ]


def _names() -> list[HostileFile]:
    long_name = "a" * 296 + ".pdf"
    return [
        HostileFile(
            "name_path_traversal",
            "../../../etc/cron.d/evil.pdf",
            b.pdf,
            {EVIDENCE: ACCEPT},
            notes="kept as evil.pdf: the folder part is dropped from the name",
        ),
        HostileFile(
            "name_control_characters",
            "report\x1b[31m\x07.pdf",
            b.pdf,
            {EVIDENCE: ACCEPT},
            notes="kept as report[31m.pdf: control characters are dropped from the name",
        ),
        HostileFile(
            "name_300_characters",
            long_name,
            b.pdf,
            {EVIDENCE: ACCEPT, SIGNED_PDF: ACCEPT},
            notes="kept with its name shortened to 120 characters",
        ),
        HostileFile(
            "csv_named_with_traversal",
            "../../../instance/sharing.db",
            b.valid_org_csv,
            {IMPORT: REJECT},
            says="is named",
            notes="the last path part, sharing.db, disagrees with the CSV content",
        ),
    ]


def catalogue() -> list[HostileFile]:
    return [
        *_renamed(),
        *_bombs(),
        *_macros(),
        *_dtds(),
        *_templates(),
        *_csvs(),
        *_pdfs(),
        *_names(),
    ]


def cases(target: str | None = None) -> list[tuple[HostileFile, str]]:
    """(file, target) pairs, for parametrizing over every file and each target it attacks."""
    return [
        (item, name)
        for item in catalogue()
        for name in item.outcomes
        if target is None or name == target
    ]


def write_all(outdir: Path) -> int:
    """Write every file (named by its label) and manifest.json; returns the number written."""
    outdir.mkdir(parents=True, exist_ok=True)
    manifest = []
    for item in catalogue():
        suffix = Path(item.filename).suffix or ".bin"
        (outdir / f"{item.label}{suffix}").write_bytes(item.data)
        manifest.append(
            {
                "file": f"{item.label}{suffix}",
                "upload_name": item.filename,
                "outcomes": item.outcomes,
                "notes": item.notes,
            }
        )
    (outdir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=True))
    return len(manifest)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.hostile.make_files OUTDIR")
    print(f"wrote {write_all(Path(sys.argv[1]))} hostile files to {sys.argv[1]}")
