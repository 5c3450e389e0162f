"""check_template: only real, macro-free .docx templates with safe, known Jinja are accepted,
and each refusal tells the privacy office what to fix."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from sharing.agreements import rendering
from sharing.agreements.template_checks import TemplateRejected, check_template
from tests.unit.test_rendering import SHIPPED, TEMPLATES, make_docx

DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def rejected(data: bytes, **limits) -> TemplateRejected:
    with pytest.raises(TemplateRejected) as caught:
        check_template(data, **limits)
    return caught.value


def rewrite(data: bytes, changes: dict[str, bytes], *, extra: dict[str, bytes] | None = None):
    """The same .docx with some parts replaced (by a function of their content) or added."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w") as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename in changes:
                content = changes[member.filename](content)
            target.writestr(member, content, compress_type=zipfile.ZIP_DEFLATED)
        for name, content in (extra or {}).items():
            target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return output.getvalue()


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_templates_pass_and_report_the_variables_they_use(name):
    """Every shipped template passes every check; the report lists the variables it uses."""
    report = check_template((TEMPLATES / name).read_bytes())
    assert {"agreement", "city", "partner", "clauses", "flows", "attestation_schedule"} <= set(
        report.variables
    )
    assert report.variables == sorted(report.variables)
    assert "header 1" in report.parts and "footer 1" in report.parts
    assert report.render_seconds > 0


def test_template_using_only_some_variables_reports_just_those():
    """The variables stored with a template version are exactly the ones it uses."""
    report = check_template(make_docx("{{ agreement.number }}", header="{{ city.name }}"))
    assert report.variables == ["agreement", "city"]


SSTI_PAYLOADS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ self._TemplateReference__context }}",
    "{{ self }}",
    "{{ config }}",
    "{{ config.items() }}",
    "{{ request.application.__globals__ }}",
    "{% import 'os' as os %}",
    "{% from 'os' import popen %}",
    "{% include 'secrets.txt' %}",
    "{% extends 'base.html' %}",
    "{{ lipsum.__globals__ }}",
    "{{ range.__self__ }}",
    "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ '%s'|format(agreement.__class__) }}",
    "{{ '{0.__class__}'.format(agreement) }}",
    "{{ agreement|attr('__class__') }}",
    "{{ agreement['__class__'] }}",
    "{{ agreement|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
    "{{ agreement|attr('_' * 2 ~ 'class' ~ '_' * 2) }}",
    "{{ clauses.pop() }}",
    "{{ flows.append(1) }}",
    "{{ 'x' * 10 ** 9 }}",
    "{{ url_for.__globals__ }}",
]


@pytest.mark.parametrize("payload", SSTI_PAYLOADS)
def test_template_injection_payloads_are_rejected(payload):
    """Server-side template injection payloads never pass the upload check."""
    error = rejected(make_docx("Intro", payload, "Outro"), render_seconds=5)
    assert error.code in {"unsafe", "unknown_variables", "render_render", "render_unsafe"}, (
        error.code
    )


def test_unknown_variables_are_named_in_the_message():
    """The message names every variable the app does not provide."""
    error = rejected(make_docx("{{ vendor.name }} {{ agreement.number }}", "{{ signer }}"))
    assert error.code == "unknown_variables"
    assert "signer, vendor" in error.message
    assert error.details == ["signer", "vendor"]


def test_unknown_variable_in_a_header_names_the_header():
    """Headers are checked too, and the message says where the problem is."""
    error = rejected(make_docx("{{ agreement.number }}", header="{{ contract_no }}"))
    assert "header 1" in error.message and "contract_no" in error.message


def test_syntax_error_message_gives_the_error_and_the_surrounding_text():
    """A Jinja syntax error is reported with the paragraphs around it, tags stripped."""
    error = rejected(
        make_docx(
            "1. Definitions",
            "The vendor is {{ partner.legal_name }.",
            "2. Scope",
            "3. Term",
            "4. Notices",
        )
    )
    assert error.code == "syntax"
    assert "syntax error in the document body" in error.message
    assert any("The vendor is {{ partner.legal_name }." in line for line in error.details)
    assert not any("<w:" in line for line in error.details)


def test_unclosed_loop_is_a_syntax_error():
    """A for without endfor is reported, not rendered into a broken document."""
    error = rejected(make_docx("{%p for clause in clauses %}", "{{ clause.text }}"))
    assert error.code == "syntax" and "endfor" in error.message


def test_macro_enabled_document_is_rejected():
    """A .docm (macro-enabled content type plus vbaProject.bin) is refused."""
    data = rewrite(
        make_docx("Hello"),
        {"[Content_Types].xml": lambda xml: xml.replace(DOCX_MAIN.encode(), DOCM_MAIN.encode())},
        extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro code"},
    )
    error = rejected(data)
    assert error.code == "macros" and "macro" in error.message


def test_vba_project_alone_is_rejected_as_macros():
    """A vbaProject.bin hidden in an otherwise ordinary .docx is refused."""
    error = rejected(make_docx_with_extra("word/vbaProject.bin", b"macro"))
    assert error.code == "macros"


def make_docx_with_extra(name: str, content: bytes) -> bytes:
    return rewrite(make_docx("Hello"), {}, extra={name: content})


@pytest.mark.parametrize("part", ["word/document.xml", "word/styles.xml", "docProps/core.xml"])
def test_doctype_in_any_xml_part_is_rejected(part):
    """A DOCTYPE or ENTITY declaration anywhere in the package is refused before parsing."""

    def add_dtd(xml: bytes) -> bytes:
        declaration, rest = xml.split(b"?>", 1)
        return declaration + b'?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + rest

    error = rejected(rewrite(make_docx("Hello"), {part: add_dtd}))
    assert error.code == "doctype" and part in error.message


def test_zip_bomb_by_compression_ratio_is_rejected_before_expanding():
    """A part that compresses far beyond what documents reach is refused from declared sizes."""
    error = rejected(make_docx_with_extra("word/media/filler.bin", b"\0" * (4 * 1024 * 1024)))
    assert error.code == "zip_bomb"


def test_zip_bomb_by_total_size_is_rejected():
    """A package that would expand past the total limit is refused."""
    data = make_docx_with_extra("word/media/big.bin", b"\0" * (51 * 1024 * 1024))
    error = rejected(data)
    assert error.code == "zip_bomb" and "expand" in error.message


def test_excel_workbook_is_not_a_template():
    """An .xlsx is a zip with content types too, but not a Word document."""
    workbook = openpyxl.Workbook()
    output = io.BytesIO()
    workbook.save(output)
    error = rejected(output.getvalue())
    assert error.code == "not_accepted" and "an Excel workbook" in error.message


@pytest.mark.parametrize(
    ("data", "code", "described"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "not_accepted", "a PNG image"),
        (b"%PDF-1.7\n" + b"x" * 64, "not_accepted", "a PDF"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64,
            "encrypted_or_legacy",
            "an old or password-protected Office file",
        ),
        (b"Dear vendor, {{ agreement.number }}", "not_accepted", "a CSV or text file"),
    ],
)
def test_other_file_types_are_named_and_rejected(data, code, described):
    """Files that are not .docx are refused by content, and the message says what they are."""
    error = rejected(data)
    assert error.code == code and described in error.message
    assert "template" in error.message


def test_plain_zip_archive_is_not_a_template():
    """A zip without Word's content types is refused."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert rejected(output.getvalue()).code == "not_accepted"


def test_empty_file_is_rejected():
    """An empty upload gets its own message."""
    assert rejected(b"").code == "empty"


def test_endless_loop_is_stopped_by_the_time_limit():
    """A template that loops for ever is killed at the time limit and refused, never hangs."""
    loop = "{% for a in 'x' * 100000 %}{% for b in 'x' * 100000 %}{% endfor %}{% endfor %}"
    error = rejected(make_docx(loop), render_seconds=1)
    assert error.code == "render_timeout"
    assert "did not finish within 1 seconds" in error.message


def test_wall_clock_limit_kills_the_trial_render(monkeypatch):
    """When the wall clock runs out first, the whole child process group is killed."""
    monkeypatch.setattr(rendering, "STARTUP_ALLOWANCE", 0.0)
    loop = "{% for a in 'x' * 100000 %}{% for b in 'x' * 100000 %}{% endfor %}{% endfor %}"
    error = rejected(make_docx(loop), render_seconds=0.5)
    assert error.code == "render_timeout"


def test_range_loop_of_a_billion_is_rejected_quickly():
    """range() is not offered to templates, so the classic endless loop is refused at once."""
    error = rejected(make_docx("{% for i in range(10**9) %}x{% endfor %}"))
    assert error.code == "unknown_variables" and "range" in error.message


def test_memory_bomb_is_stopped_by_the_memory_limit():
    """A template that builds a huge string runs out of its memory allowance and is refused."""
    error = rejected(make_docx("{{ 'x'|center(10**9) }}"), render_memory_mb=256)
    assert error.code == "render_memory"
    assert "256 MB" in error.message


def test_template_that_fails_with_sample_data_is_rejected_with_the_reason():
    """A template asking for a field the sample data lacks fails its test render."""
    error = rejected(make_docx("{{ agreement.purchase_order }}"))
    assert error.code == "render_render" and "purchase_order" in error.message


def test_damaged_zip_is_rejected():
    """A truncated .docx is refused with advice to save it again."""
    data = (TEMPLATES / SHIPPED[0]).read_bytes()
    assert rejected(data[: len(data) // 2]).code == "damaged"


def test_shipped_templates_match_the_output_of_the_generator_script(tmp_path):
    """The .docx files in agreement_templates/ are exactly what build.py writes today."""
    subprocess.run(
        [sys.executable, str(TEMPLATES / "build.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in SHIPPED:
        assert (tmp_path / name).read_bytes() == (TEMPLATES / name).read_bytes(), name
