"""render_docx: the shipped templates fill in completely, text comes out exactly as typed, and
templates run sandboxed, strict and deterministic."""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sharing.agreements.context import ALLOWED_VARIABLES, VARIABLES
from sharing.agreements.rendering import (
    ContractEnvironment,
    RenderFailed,
    deterministic_zip,
    docx_text,
    plain_context,
    render_docx,
)
from sharing.agreements.sample_context import sample_context
from tests.fixtures.agreements import ESCAPING_CORPUS

TEMPLATES = Path(__file__).resolve().parents[2] / "agreement_templates"
SHIPPED = (
    "vendor-data-protection-agreement.docx",
    "interagency-data-sharing-agreement.docx",
    "renewal-amendment.docx",
)


def make_docx(*paragraphs: str, header: str = "", footer: str = "", title: str = "") -> bytes:
    """A small .docx written with python-docx; each text is a single run, as docxtpl needs."""
    document = Document()
    for text in paragraphs:
        document.add_paragraph().add_run(text)
    if header:
        document.sections[0].header.paragraphs[0].add_run(header)
    if footer:
        document.sections[0].footer.paragraphs[0].add_run(footer)
    if title:
        document.core_properties.title = title
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def render_text(template: bytes | Path, context: dict | None = None) -> str:
    return docx_text(render_docx(template, context or sample_context()))


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_template_renders_clauses_in_order_flows_schedule_and_header(name):
    """Each shipped template lists every clause in order, every flow row and schedule row."""
    context = sample_context(flows=4)
    text = render_text(TEMPLATES / name, context)
    positions = [text.index(clause["text"]) for clause in context["clauses"]]
    assert positions == sorted(positions)
    for clause in context["clauses"]:
        assert f"3.{clause['number']} {clause['title']} (obligation {clause['code']})" in text
    for index, flow in enumerate(context["flows"], start=1):
        assert f"A-{index} | {flow['system_name']} ({flow['department']}) | {flow['purposes']}" in (
            text
        )
    for item in context["attestation_schedule"]:
        assert f"{item['obligation_code']} | {item['question']} | {item['frequency']}" in text
    first_line = text.splitlines()[0]
    assert "Agreement No. DSA-2026-0042" in first_line
    assert text.rstrip().endswith("Page  of")  # the footer with its PAGE and NUMPAGES fields
    assert "{{" not in text and "{%" not in text


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_template_has_page_number_fields_and_several_pages(name):
    """Footers carry PAGE fields, and the body has page breaks: a real multi-page contract."""
    with zipfile.ZipFile(TEMPLATES / name) as archive:
        footer = archive.read("word/footer1.xml").decode()
        body = archive.read("word/document.xml").decode()
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    assert body.count('w:type="page"') >= 2


def test_renewal_terms_follow_the_auto_renew_flag():
    """Auto-renewing agreements state the cancel-by date; others say renewal needs an amendment."""
    context = sample_context()
    renewing = render_text(TEMPLATES / SHIPPED[0], context)
    assert "renews for a further 12 months" in renewing
    assert "no later than April 1, 2029" in renewing
    context["agreement"]["auto_renew"] = False
    fixed = render_text(TEMPLATES / SHIPPED[0], context)
    assert "does not renew automatically" in fixed
    assert "renews for a further" not in fixed


def test_empty_clause_and_flow_lists_render_their_placeholder_sentences():
    """With no clauses or flows, the template says so instead of leaving an empty section."""
    context = sample_context()
    context["clauses"] = []
    context["flows"] = []
    text = render_text(TEMPLATES / SHIPPED[0], context)
    assert "No policy obligation applies" in text
    assert "No data flow is covered yet" in text


def test_renewal_amendment_names_the_agreement_it_renews():
    """The renewal amendment cites the original agreement's number and dates."""
    text = render_text(TEMPLATES / "renewal-amendment.docx")
    assert "amends Agreement No. DSA-2023-0007, effective July 1, 2023" in text
    assert "ends on June 30, 2026" in text


@pytest.mark.parametrize("value", ESCAPING_CORPUS)
def test_values_come_out_exactly_as_typed_in_body_table_and_header(value):
    """Markup characters, entities, accents and emoji round-trip unchanged and inject nothing."""
    template = make_docx(
        "Title: {{ agreement.title }}",
        header="Header {{ agreement.title }}",
        footer="Footer {{ agreement.title }}",
    )
    context = sample_context()
    context["agreement"]["title"] = value
    text = render_text(template, context)
    lines = text.splitlines()
    assert lines[0] == f"Header {value}"
    assert f"Title: {value}" in lines
    assert lines[-1] == f"Footer {value}"


def test_value_in_a_table_row_loop_is_escaped_like_any_other():
    """Values inside the {%tr %} loop of Exhibit A round-trip exactly."""
    context = sample_context(flows=1)
    context["flows"][0]["subprocessors"] = ESCAPING_CORPUS[5]
    text = render_text(TEMPLATES / SHIPPED[0], context)
    assert f"| {ESCAPING_CORPUS[5]}" in text
    assert "injected paragraph" not in text.replace(ESCAPING_CORPUS[5], "")


# docxtpl turns "{_{" (and "}_}", "{_%", "%_}") into "{{" after rendering; values avoid them.
_SAFE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    max_size=60,
).filter(lambda text: not any(mark in text for mark in ("{_", "_}", "%_", "_%")))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=_SAFE_TEXT)
def test_any_printable_text_round_trips(value):
    """Any printable text, whatever its characters, reads back from the .docx unchanged."""
    template = make_docx("[{{ partner.legal_name }}]")
    context = sample_context()
    context["partner"]["legal_name"] = value
    assert f"[{value}]" in render_text(template, context).splitlines()


def test_control_characters_are_dropped_and_newlines_become_line_breaks():
    """Characters XML cannot hold are removed; a newline is a line break in the same paragraph."""
    template = make_docx("[{{ partner.legal_name }}]")
    context = sample_context()
    context["partner"]["legal_name"] = "one\x00\x07\x0c two\nthree"
    document = Document(io.BytesIO(render_docx(template, context)))
    assert [p.text for p in document.paragraphs] == ["[one two\nthree]"]


def test_core_properties_are_rendered_without_double_escaping():
    """docxtpl renders the document title too; it must not show &amp; for an ampersand."""
    template = make_docx("body", title="{{ partner.display_name }} agreement")
    document = Document(io.BytesIO(render_docx(template, sample_context())))
    assert document.core_properties.title == "Peña & Hijos agreement"


def test_same_inputs_give_the_same_bytes():
    """Rendering twice yields identical bytes, so the stored SHA-256 is reproducible."""
    context = sample_context(flows=5)
    first = render_docx(TEMPLATES / SHIPPED[0], context)
    second = render_docx((TEMPLATES / SHIPPED[0]).read_bytes(), copy.deepcopy(context))
    assert first == second


def _zip_at(moment: tuple[int, ...]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("[Content_Types].xml", "word/document.xml"):
            archive.writestr(zipfile.ZipInfo(name, date_time=moment), f"<{name}/>" * 50)
    return buffer.getvalue()


def test_saving_time_does_not_change_the_bytes():
    """Archives that differ only in their entries' timestamps become identical, and stay
    readable with the same content and the fixed 1980-01-01 time."""
    original = _zip_at((2026, 7, 1, 9, 30, 12))
    morning = deterministic_zip(original)
    evening = deterministic_zip(_zip_at((2031, 12, 31, 23, 59, 58)))

    assert original != _zip_at((2031, 12, 31, 23, 59, 58))
    assert morning == evening
    with zipfile.ZipFile(io.BytesIO(morning)) as archive:
        assert archive.testzip() is None
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.read("word/document.xml") == b"<word/document.xml/>" * 50


def test_missing_value_is_an_error_not_a_blank():
    """StrictUndefined: a field absent from the context fails the render loudly."""
    context = sample_context()
    del context["partner"]["signatory_title"]
    with pytest.raises(RenderFailed, match="signatory_title"):
        render_docx(TEMPLATES / SHIPPED[0], context)


@pytest.mark.parametrize(
    "payload",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ self._TemplateReference__context }}",
        "{{ config }}",
        "{{ request }}",
        "{% import 'os' as os %}{{ os }}",
        "{{ lipsum.__globals__ }}",
        "{{ range.__self__ }}",
        "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}",
        "{{ joiner.__init__.__globals__ }}",
        "{{ namespace.__init__.__globals__ }}",
        "{{ '{0.__class__}'.format(agreement) }}",
        "{{ agreement|attr('_' * 2 ~ 'class' ~ '_' * 2) }}",
        "{{ clauses.pop() }}",
        "{{ 'x' * 10 ** 9 }}",
        "{{ 2 ** 100000 }}",
    ],
)
def test_injection_payloads_cannot_execute_at_render_time(payload):
    """Even if a payload slipped past the upload check, the sandbox refuses to run it."""
    with pytest.raises(RenderFailed):
        render_docx(make_docx("Before", payload, "After"), sample_context())


def test_environment_is_a_strict_autoescaping_sandbox_without_globals():
    """The render environment is a strict, autoescaping sandbox that offers no helper globals."""
    environment = ContractEnvironment()
    assert environment.autoescape is True
    assert environment.globals == {}
    assert environment.sandboxed


def test_context_must_be_plain_data():
    """Objects (models, callables) are refused, so templates never reach live objects."""
    with pytest.raises(TypeError, match="plain data"):
        plain_context({"agreement": object()})


def test_sample_context_provides_every_declared_variable_and_field():
    """sample_context fills every name and field that context.VARIABLES declares."""
    context = sample_context()
    assert set(context) == ALLOWED_VARIABLES
    for name, (_, fields) in VARIABLES.items():
        value = context[name]
        items = value if isinstance(value, list) else [value]
        for item in items:
            if fields:
                assert set(item) == set(fields), name
