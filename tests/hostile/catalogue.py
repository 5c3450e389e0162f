"""Every hostile file of the suite, with the contract rule it breaks. Each is refused at every
one of the seven upload points: with its rule's phrase where the point takes its kind, with
what it is elsewhere (see model.HostileFile.phrases). Files that came from the evidence corpus
carry the refusal code the evidence point gives them (`evidence_code`)."""

from __future__ import annotations

from functools import cache

from tests.hostile import attacks as a
from tests.hostile import builders as b
from tests.hostile import documents as d
from tests.hostile.model import (
    CSV,
    DOCX,
    EICAR,
    GIF,
    JPEG,
    OLE,
    OVERSIZE_LIMIT,
    PDF,
    PKCS12,
    PNG,
    PPTX,
    PROGRAM,
    WEB,
    XLSX,
    ZIP,
    HostileFile,
    hostile,
)

JS, AUTO = "JavaScript", "automatic action"
TWO = "two kinds of file"
H = hostile


def _pdfs() -> list[HostileFile]:
    plain = d.simple_pdf
    return [
        H("pdf_javascript_name_tree", "soc2.pdf", a.pdf_named_javascript, PDF, JS),
        H("pdf_javascript_hex_escaped", "soc2.pdf",
          lambda: a.pdf_named_javascript(b"/#4AavaScript", b"/J#53"), PDF, JS),
        H("pdf_javascript_in_object_stream", "soc2.pdf", a.pdf_script_in_object_stream, PDF, JS),
        H("pdf_js_key_only", "soc2.pdf", lambda: a.pdf_action(b"<< /JS (app.alert\\(1\\)) >>"),
          PDF, JS),
        H("pdf_launch", "soc2.pdf", lambda: a.pdf_action(b"<< /S /Launch /F (cmd.exe) >>"),
          PDF, "launches a program"),
        H("pdf_open_action", "soc2.pdf",
          lambda: plain(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >> "), PDF, AUTO),
        H("pdf_additional_actions", "soc2.pdf",
          lambda: plain(b"/AA << /WC << /S /GoTo /D [3 0 R /Fit] >> >> "), PDF, AUTO),
        H("pdf_rich_media", "soc2.pdf",
          lambda: a.pdf_with(b"", b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>"),
          PDF, "embedded media"),
        H("pdf_xfa_form", "soc2.pdf",
          lambda: a.pdf_with(b"/AcroForm << /Fields [] /XFA 6 0 R >> ",
                             d.stream(b"", b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>")),
          PDF, "XFA form"),
        H("pdf_html_after_eof", "soc2.pdf",
          lambda: plain() + b"<html><script>alert(document.cookie)</script></html>\n", PDF,
          "after the end"),
        H("pdf_junk_after_eof", "soc2.pdf", lambda: plain() + b"junk" * 64 + b"\n", PDF,
          "after the end"),
        H("pdf_without_eof", "soc2.pdf", a.pdf_without_eof, PDF, "incomplete"),
        H("pdf_decompression_bomb", "soc2.pdf", a.pdf_decompression_bomb, PDF,
          "decompression bomb"),
        # From the evidence corpus: an OpenAction that runs a script or a program breaks two
        # rules, and either phrase is the contract's.
        H("pdf-javascript", "soc2.pdf", lambda: plain(d.JS_ACTION), PDF, JS, AUTO,
          evidence_code="pdf_javascript", content_type=d.PDF),
        H("pdf-launch", "soc2.pdf",
          lambda: plain(b"/OpenAction << /S /Launch /F (calc.exe) >> "), PDF,
          "launches a program", AUTO, evidence_code="pdf_launch", content_type=d.PDF),
        H("pdf-escaped-name", "soc2.pdf",
          lambda: plain(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> "), PDF,
          JS, AUTO, evidence_code="pdf_javascript", content_type=d.PDF),
        H("pdf-js-in-object-stream", "soc2.pdf", d.pdf_in_object_stream, PDF, JS, AUTO,
          evidence_code="pdf_javascript", content_type=d.PDF),
        H("pdf-embedded-file", "soc2.pdf",
          lambda: plain(b"/Names << /EmbeddedFiles << /Names [(a.exe) 6 0 R] >> >> ",
                        b"<< /Type /Filespec /F (a.exe) /EF << /F 7 0 R >> >>",
                        d.stream(b"/Type /EmbeddedFile", b"MZ fake program")),
          PDF, "attached file", evidence_code="pdf_attached_file", content_type=d.PDF),
        H("pdf-encrypted", "locked.pdf",
          lambda: d.pdf(b"<< /Type /Catalog >>", trailer=b"/Encrypt << /Filter /Standard >> "),
          PDF, "encrypted", evidence_code="pdf_encrypted", content_type=d.PDF),
        H("pdf-zip-polyglot", "report.pdf", d.pdf_zip_polyglot, PDF, TWO, universal=True,
          evidence_code="polyglot", content_type=d.PDF),
        H("html-before-pdf-header", "report.pdf",
          lambda: b"<html><script>x</script>" + plain(), PDF, TWO, universal=True,
          evidence_code="polyglot", content_type=d.PDF),
        H("truncated-pdf", "cut.pdf", lambda: plain()[: len(plain()) - 40], PDF, "incomplete",
          evidence_code="pdf_incomplete", content_type=d.PDF),
        H("control-character-name", "report\x00.pdf.exe", plain, PDF, "is named",
          evidence_code="name_mismatch", content_type=d.PDF,
          notes="cleaned to report.pdf.exe: a PDF named as a program"),
    ]  # fmt: skip


def _word() -> list[HostileFile]:
    word, docx = b.docx, d.docx
    return [
        H("docx_attached_template_metadata_address", "policy.docx",
          lambda: a.docx_outside("attachedTemplate", "http://169.254.169.254/latest/"), DOCX,
          "outside file"),
        H("docx_external_template", "external.docx", b.external_relationship, DOCX,
          "outside file"),
        H("docx_external_image", "policy.docx",
          lambda: a.docx_with_relationship_added("image", "http://attacker.invalid/pixel.png"),
          DOCX, "outside file"),
        H("docx_external_frame", "policy.docx",
          lambda: a.docx_with_relationship_added("frame", "http://attacker.invalid/frame.html"),
          DOCX, "outside file"),
        H("docx_member_dot_dot", "slip.docx",
          lambda: a.package_with_member(word(), "../../../../tmp/evil.txt"), DOCX, "unsafe path"),
        H("docx_member_absolute", "slip.docx",
          lambda: a.package_with_member(word(), "/etc/x"), DOCX, "unsafe path"),
        H("docx_member_drive_letter", "slip.docx",
          lambda: a.package_with_member(word(), "C:\\x"), DOCX, "unsafe path"),
        H("docx_member_backslash", "slip.docx",
          lambda: a.package_with_member(word(), "word\\evil.xml"), DOCX, "unsafe path"),
        H("docx_member_twice", "twice.docx",
          lambda: a.package_with_duplicate(word(), "word/document.xml", "word/document.xml"),
          DOCX, "twice"),
        H("docx_member_twice_other_case", "twice.docx",
          lambda: a.package_with_duplicate(word(), "word/document.xml", "WORD/Document.xml"),
          DOCX, "twice"),
        H("docx_symbolic_link", "link.docx", lambda: a.package_with_symlink(word()), DOCX,
          "symbolic link"),
        H("docx_activex", "control.docx", a.docx_activex, DOCX, "macro"),
        H("docx_vba_project", "vba.docx",
          lambda: b.rezip(word(), extra={"word/vbaProject.bin": b.OLE_MAGIC + bytes(64)}), DOCX,
          "macro"),
        H("docx_content_types_dtd", "types.docx",
          lambda: b.rezip(word(), {"[Content_Types].xml": b.with_doctype(b.LAUGHS)}), DOCX,
          "DOCTYPE"),
        H("docx_xxe_utf16", "xxe16.docx", lambda: b.rezip(word(), {"word/document.xml": b.utf16}),
          DOCX, "DOCTYPE"),
        H("docx_zip_bomb_total", "bomb.docx", a.docx_zip_bomb_total, DOCX, "zip bomb"),
        H("docx_too_many_members", "parts.docx", lambda: b.many_members(word(), 2100), DOCX,
          "zip bomb"),
        H("pptx_named_docx", "slides.docx", a.pptx, PPTX, "a PowerPoint presentation"),
        H("zip-bomb-docx", "report.docx", d.zip_bomb_docx, DOCX, "zip bomb",
          evidence_code="zip_bomb", content_type=d.DOCX),
        H("xxe-docx", "policy.docx",
          lambda: d.rezip(docx(), {"word/document.xml": d.XXE.encode()}), DOCX, "DOCTYPE",
          evidence_code="doctype", content_type=d.DOCX),
        H("billion-laughs-docx", "laughs.docx",
          lambda: d.rezip(docx(), {"word/document.xml": d.LAUGHS.encode()}), DOCX, "DOCTYPE",
          evidence_code="doctype", content_type=d.DOCX),
        H("renamed-docm", "policy.docx",
          lambda: d.with_main_type(docx(), d.DOCX_MAIN, d.DOCM_MAIN), DOCX, "macro",
          evidence_code="macros", content_type=d.DOCX),
        H("vba-project-in-docx", "policy.docx",
          lambda: d.rezip(docx(), {"word/vbaProject.bin": b"Attribute VB_Name"}), DOCX, "macro",
          evidence_code="macros", content_type=d.DOCX),
        H("encrypted-ooxml", "secret.docx", lambda: d.OLE_MAGIC + bytes(4088), OLE,
          "an old or password-protected Office file", evidence_code="encrypted_or_legacy",
          content_type=d.DOCX),
        H("legacy-doc", "old.doc", lambda: d.OLE_MAGIC + b"\x00" * 504 + b"WordDocument", OLE,
          "an old or password-protected Office file", evidence_code="encrypted_or_legacy",
          content_type="application/msword"),
        H("plain-zip-as-docx", "archive.docx", d.plain_zip, ZIP, "a zip archive",
          evidence_code="not_accepted", content_type=d.DOCX),
        H("damaged-docx", "cut.docx", lambda: docx()[: len(docx()) // 2], DOCX, "damaged",
          elsewhere=("damaged", "a Word document", "a zip archive"), evidence_code="damaged",
          content_type=d.DOCX),
        H("zip-with-pdf-header", "report.docx", lambda: d.plain_zip(d.simple_pdf()[:400]), ZIP,
          TWO, universal=True, evidence_code="polyglot", content_type=d.DOCX),
        H("docx-named-xlsx", "controls.xlsx", docx, DOCX, "is named", evidence_code="name_mismatch",
          content_type=d.XLSX),
    ]  # fmt: skip


def _sheets() -> list[HostileFile]:
    sheet, book = b.xlsx, d.xlsx
    text = ("a CSV or text file", "a file of an unknown kind")
    return [
        H("xlsx_vba_project", "vba.xlsx",
          lambda: b.rezip(sheet(), extra={"xl/vbaProject.bin": b.OLE_MAGIC + bytes(64)}), XLSX,
          "macro"),
        H("xlsx_billion_laughs", "laughs.xlsx",
          lambda: b.rezip(sheet(), {"xl/workbook.xml": b.with_doctype(b.LAUGHS)}), XLSX,
          "DOCTYPE"),
        H("xlsx_external_link", "linked.xlsx", a.xlsx_external_link, XLSX, "outside file"),
        H("xlsx_member_dot_dot", "slip.xlsx",
          lambda: a.package_with_member(sheet(), "../../../../tmp/evil.txt"), XLSX,
          "unsafe path"),
        H("xlsx_zip_bomb", "bomb.xlsx",
          lambda: b.rezip(sheet(), extra={"xl/media/zeros.bin": b.zeros_member(60)}), XLSX,
          "zip bomb"),
        H("renamed-xlsm", "controls.xlsx",
          lambda: d.with_main_type(book(), d.XLSX_MAIN, d.XLSM_MAIN), XLSX, "macro",
          evidence_code="macros", content_type=d.XLSX),
        H("xxe-xlsx", "controls.xlsx",
          lambda: d.rezip(book(), {"xl/sharedStrings.xml": d.XXE.encode()}), XLSX, "DOCTYPE",
          evidence_code="doctype", content_type=d.XLSX),
        H("csv_named_xlsx", "register.xlsx", a.csv_named_xlsx, CSV, "is named"),
        H("csv_utf16", "unicode.csv", lambda: b.valid_org_csv().decode().encode("utf-16"), CSV,
          "encoding", elsewhere=(*text, "encoding")),
        H("csv_invalid_bytes", "latin.csv",
          lambda: b.valid_org_csv() + b"Bad \x81\x8d\x90 bytes LLC,Vendor,,,,,Active\r\n", CSV,
          "encoding", elsewhere=(*text, "encoding")),
        H("csv_nul_bytes", "nul.csv", lambda: b.valid_org_csv().replace(b"Vendor", b"Ven\x00dor"),
          CSV, "binary data", elsewhere=(*text, "binary data")),
        H("csv_control_characters", "control.csv",
          lambda: b.valid_org_csv() + b"\x01\x02\x03\x04\x05\x06\x07\x08" * 40, CSV,
          "binary data", elsewhere=(*text, "binary data")),
        H("binary_named_csv", "export.csv", a.binary_named_csv, CSV, "binary data",
          elsewhere=("a file of an unknown kind", "binary data")),
    ]  # fmt: skip


def _renamed() -> list[HostileFile]:
    web, program, eicar = WEB, PROGRAM, EICAR
    exe, elf = b.program(b"MZ"), b.program(b"\x7fELF")
    png, jpeg = d.image("PNG", (200, 200), noise=True), d.image("JPEG", (200, 200), noise=True)
    return [
        H("html_named_pdf", "signed.pdf", lambda: a.HTML, web, DESCRIBED_WEB),
        H("html_named_csv", "orgs.csv", lambda: a.HTML, web, DESCRIBED_WEB),
        H("svg_named_pdf", "logo.pdf", lambda: a.SVG, web, DESCRIBED_WEB),
        H("xml_script_named_csv", "orgs.csv", lambda: a.XHTML, web, DESCRIBED_WEB),
        H("xml_script_named_docx", "terms.docx", lambda: a.XHTML, web, DESCRIBED_WEB),
        H("shell_script_named_pdf", "invoice.pdf", lambda: a.SHELL, web, DESCRIBED_WEB),
        H("shell_script_named_png", "chart.png", lambda: a.SHELL, web, DESCRIBED_WEB),
        H("shell_script_named_csv", "orgs.csv", lambda: a.SHELL, web, DESCRIBED_WEB),
        H("shell_script_named_docx", "terms.docx", lambda: a.SHELL, web, DESCRIBED_WEB),
        H("eicar_named_pdf", "scan.pdf", a.eicar_inside, eicar, "an antivirus test file"),
        H("eicar_named_png", "scan.png", a.eicar_inside, eicar, "an antivirus test file"),
        H("eicar_in_csv", "orgs.csv", lambda: b.valid_org_csv() + a.eicar_inside(), eicar,
          "an antivirus test file"),
        H("exe_named_docx", "contract.docx", lambda: exe, program, "a program"),
        H("exe_named_xlsx", "register.xlsx", lambda: exe, program, "a program"),
        H("elf_named_pdf", "report.pdf", lambda: elf, program, "a program"),
        H("elf_named_xlsx", "register.xlsx", lambda: elf, program, "a program"),
        H("real_gif_named_png", "logo.png", b.gif, GIF, "a GIF image"),
        H("jpeg_named_png", "photo.png", lambda: jpeg, JPEG, "is named"),
        H("png_zip_polyglot", "photo.png", a.png_zip_polyglot, PNG, TWO, universal=True),
        H("html-as-pdf", "report.pdf", lambda: b"<!DOCTYPE html><html><script>alert(1)</script>"
          b"</html>", web, DESCRIBED_WEB, evidence_code="not_accepted", content_type=d.PDF),
        H("svg-as-png", "logo.png",
          lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', web,
          DESCRIBED_WEB, evidence_code="not_accepted", content_type="image/png"),
        H("executable-as-pdf", "invoice.pdf", lambda: b"MZ\x90\x00" + bytes(400), program,
          "a program", evidence_code="not_accepted", content_type=d.PDF),
        H("gif-as-png", "anim.png", lambda: b"GIF89a" + bytes(40), GIF, "a GIF image",
          evidence_code="not_accepted", content_type="image/png"),
        H("png-over-pixel-limit", "huge.png", lambda: d.png_header_only(10_000, 5_000), PNG,
          "pixels", evidence_code="too_many_pixels", content_type="image/png"),
        H("png-pixel-bomb", "bomb.png", lambda: d.png_header_only(100_000, 100_000), PNG,
          "pixels", evidence_code="too_many_pixels", content_type="image/png"),
        H("truncated-png", "cut.png", lambda: png[: len(png) // 2], PNG, "damaged",
          elsewhere=("a PNG image", "damaged"), evidence_code="damaged",
          content_type="image/png"),
        H("truncated-jpeg", "cut.jpg", lambda: jpeg[: len(jpeg) // 2], JPEG, "damaged",
          elsewhere=("a JPEG image", "damaged"), evidence_code="damaged",
          content_type="image/jpeg"),
        H("jpeg-zip-polyglot", "photo.jpg", lambda: jpeg + d.plain_zip(), JPEG, TWO,
          universal=True, evidence_code="polyglot", content_type="image/jpeg"),
        H("spoofed-content-type", "scan.pdf", lambda: png, PNG, "is named",
          evidence_code="name_mismatch", content_type=d.PDF),
        H("empty", "empty.pdf", lambda: b"", PDF, "empty", universal=True, evidence_code="empty",
          content_type=d.PDF),
        H("oversize", "big.pdf", lambda: d.oversize_pdf(OVERSIZE_LIMIT + 1), PDF, "limit",
          universal=True, evidence_code="too_large", content_type=d.PDF,
          notes="over the suite's request limit: 413 before any check reads it"),
    ]  # fmt: skip


def _certificates() -> list[HostileFile]:
    certificate = "certificate"
    return [
        H(
            "pem_named_p12",
            "city.p12",
            a.pem_certificate,
            PKCS12,
            certificate,
            elsewhere=("a CSV or text file", "a file of an unknown kind", "is named"),
        ),
        H("pdf_named_p12", "city.p12", d.simple_pdf, PDF, "is named"),
        H(
            "garbage_der_named_pfx",
            "city.pfx",
            a.garbage_der,
            PKCS12,
            certificate,
            # Where text is taken (the import), DER is text full of binary data.
            elsewhere=("a file of an unknown kind", "binary data"),
        ),
        H(
            "pkcs12_other_password",
            "city.p12",
            a.pkcs12_with_other_password,
            PKCS12,
            certificate,
            field="password",
            notes="a real PKCS#12 that the typed password does not open",
        ),
    ]


DESCRIBED_WEB = "a web page, SVG image or script"


@cache
def hostile_files() -> tuple[HostileFile, ...]:
    files = (*_pdfs(), *_word(), *_sheets(), *_renamed(), *_certificates())
    assert len({item.label for item in files}) == len(files), "labels must be unique"
    return files


# Files that are hostile only to one point's meaning, not to the contract's file rules: a
# template whose text tries to reach Python through Jinja, and import text a spreadsheet would
# run as a formula. They have their own tests in test_hostile_files.py.
TEMPLATE_PAYLOADS = {
    "jinja_class_walk": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "jinja_import_os": "{% import 'os' as os %}{{ os }}",
    "jinja_include_passwd": "{% include '/etc/passwd' %}",
    "jinja_self_globals": "{{ self.__init__.__globals__ }}",
    "jinja_config_leak": "{{ config.items() }}",
    "jinja_cycler_globals": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "jinja_attr_filter": "{{ agreement|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
}

IMPORT_PREVIEWS = {  # label: (upload name, bytes builder)
    "csv_formula_injection": ("formulas.csv", b.formula_csv),
    "csv_utf8_bom": ("bom.csv", lambda: b"\xef\xbb\xbf" + b.valid_org_csv()),
    "csv_wide_row_under_the_limit": ("wide-ok.csv", lambda: b.wide_csv(900)),
    "csv_named_with_traversal": ("../../../instance/registry.csv", b.valid_org_csv),
}
