"""Every number of days, hours or months a shipped agreement states comes from one parameter.

Each template is rendered with every parameter (the current library's obligation parameters,
the frame terms of agreements/terms.py and the agreement's own term lengths) set to a distinct
value other than its default, so a number hard-coded in the prose, or a frame term that repeats
an obligation's, shows up as a number no parameter gave or as a phrase stated twice.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sharing.agreements.rendering import docx_text, render_docx, template_sources
from sharing.agreements.sample_context import sample_context
from sharing.agreements.terms import FRAME_PARAMETERS, template_terms
from sharing.obligations.clauses import declared, render_clause
from sharing.obligations.library import read_library

TEMPLATES = Path(__file__).resolve().parents[2] / "agreement_templates"
SHIPPED = (
    "vendor-data-protection-agreement.docx",
    "interagency-data-sharing-agreement.docx",
    "renewal-amendment.docx",
)
NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    "forty-five|forty|sixty|ninety"
)
DURATION = re.compile(
    rf"\b(\d+|{NUMBER_WORDS})\s+(?:business\s+|calendar\s+)?(day|hour|month|year)s?\b",
    re.IGNORECASE,
)
# The agreement's own lengths, chosen apart from every parameter's range of likely values.
AGREEMENT_TERMS = {"term_months": 41, "renewal_term_months": 19, "notice_days": 113}
RETENTION_DAYS = 1234  # a covered flow's own retention period, stated in Exhibit A


def _specs() -> dict[str, dict]:
    """Every parameter the library's obligations declare, then the frame terms they do not."""
    specs = dict(declared(list(read_library().obligations)))
    for spec in FRAME_PARAMETERS:
        specs.setdefault(spec["name"], spec)
    return specs


def _distinct_values(specs: dict[str, dict]) -> dict[str, int]:
    """A value for each parameter within its bounds, unlike its default and every other."""
    taken = {*AGREEMENT_TERMS.values(), RETENTION_DAYS}
    values = {}
    for name, spec in sorted(specs.items(), key=lambda item: item[1]["max"] - item[1]["min"]):
        # Round numbers (10, 15, 30...) are what prose hard-codes, so they are chosen last.
        candidates = sorted(range(spec["min"], spec["max"] + 1), key=lambda v: (v % 5 == 0, v))
        value = next(v for v in candidates if v != spec["default"] and v not in taken and v > 2)
        taken.add(value)
        values[name] = value
    return values


def _context(values: dict[str, int], *, leave_out: tuple[str, ...] = ()) -> dict:
    obligations = [o for o in read_library().obligations if o["code"] not in leave_out]
    context = sample_context(flows=2)
    context["agreement"].update(AGREEMENT_TERMS, auto_renew=True)
    context["agreement"]["obligation_codes"] = [o["code"] for o in obligations]
    context["clauses"] = [
        {
            "number": number,
            "code": obligation["code"],
            "title": obligation["title"],
            "text": render_clause(obligation, values),
            "source": obligation["source_reference"],
            "reason": "Applies to every agreement",
        }
        for number, obligation in enumerate(obligations, start=1)
    ]
    context["terms"] = template_terms(values)
    months = values["attestation_interval_months"]
    for item in context["attestation_schedule"]:
        item["frequency"] = f"Every {months} months"
    for flow in context["flows"]:
        flow["retention"] = f"{RETENTION_DAYS} days after the permit ends"
    context["renewal"].update(changes=[], summary="This renewal changes nothing.")
    return context


def _unit(unit: str) -> str:
    return unit.removesuffix("s")


def _phrase(value: int, spec: dict) -> str:
    """How the document states the value: with its unit when that is a duration (a count of
    people may be worded "individuals" by the clause)."""
    if _unit(spec.get("unit", "")) in ("day", "hour", "month"):
        return f"{value} {spec['unit']}"
    return f" {value} "


def _count(phrase: str, text: str) -> int:
    """How often the phrase occurs as whole numbers ("13 days" is not in "113 days")."""
    return len(re.findall(rf"(?<!\d){re.escape(phrase.strip())}(?!\d)", text))


@pytest.fixture(scope="module")
def values() -> dict[str, int]:
    return _distinct_values(_specs())


@pytest.mark.parametrize("name", SHIPPED)
def test_no_duration_is_stated_that_no_parameter_gave(name, values):
    """Every 'N days/hours/months' phrase states a value some parameter of that unit gave."""
    specs = _specs()
    allowed = {(value, _unit(specs[key].get("unit", ""))) for key, value in values.items()}
    allowed |= {(41, "month"), (19, "month"), (113, "day"), (RETENTION_DAYS, "day")}
    text = docx_text(render_docx(TEMPLATES / name, _context(values)))

    found = {(number, unit.lower()) for number, unit in DURATION.findall(text)}
    stray = sorted(f"{n} {u}" for n, u in found if not n.isdigit() or (int(n), u) not in allowed)

    assert stray == [], f"{name} states durations no parameter gave: {stray}"


@pytest.mark.parametrize("name", SHIPPED)
def test_each_obligation_parameter_appears_with_its_unit_and_only_in_its_clause(name, values):
    """An obligation's value is printed by its clause (and Exhibit B's schedule), and the frame
    does not repeat it."""
    context = _context(values)
    text = docx_text(render_docx(TEMPLATES / name, context))
    # Exhibit B's schedule is derived from the attestation interval: the same source.
    clause_texts = [clause["text"] for clause in context["clauses"]]
    clause_texts += [item["frequency"] for item in context["attestation_schedule"]]

    for key, spec in declared(list(read_library().obligations)).items():
        phrase = _phrase(values[key], spec)
        in_clauses = sum(_count(phrase, clause) for clause in clause_texts)
        assert in_clauses, f"no clause states {key}"
        if not phrase.startswith(" "):  # a bare count may also be a clause or row number
            assert _count(phrase, text) == in_clauses, f"{name} repeats {key} ({phrase}) outside §3"


def test_every_frame_term_is_stated_by_a_template_next_to_its_unit(values):
    """Each frame term appears, with its unit, in every template whose source uses it, and
    at least one template uses it, with no obligation included that states it."""
    obligation_names = set(declared(list(read_library().obligations)))
    leave_out = tuple(o["code"] for o in read_library().obligations)
    used_somewhere = set()
    for name in SHIPPED:
        source = "\n".join(template_sources((TEMPLATES / name).read_bytes()).values())
        text = docx_text(render_docx(TEMPLATES / name, _context(values, leave_out=leave_out)))
        for spec in FRAME_PARAMETERS:
            if f"terms.{spec['name']}" in source:
                used_somewhere.add(spec["name"])
                assert f"{values[spec['name']]} {spec['unit']}" in text, (name, spec["name"])
    unused = {spec["name"] for spec in FRAME_PARAMETERS} - used_somewhere - obligation_names
    assert unused == set()


@pytest.mark.parametrize("name", SHIPPED)
def test_agreement_term_lengths_appear_with_their_units(name, values):
    """The term, the renewal term and the notice period come from the agreement's fields."""
    text = docx_text(render_docx(TEMPLATES / name, _context(values)))

    assert "41 months" in text
    assert "19 months" in text
    assert "113 days" in text


def test_frame_falls_back_to_its_own_terms_when_the_obligation_is_absent(values):
    """Without RET-1, RET-2 and ACC-1 the frame states their periods from the frame terms;
    with them it refers to the obligation instead."""
    template = TEMPLATES / "vendor-data-protection-agreement.docx"
    without = docx_text(
        render_docx(template, _context(values, leave_out=("RET-1", "RET-2", "ACC-1")))
    )
    with_them = docx_text(render_docx(template, _context(values)))

    assert f"{values['termination_return_days']} days" in without
    assert f"{values['deletion_days']} days" in without
    assert f"{values['audit_notice_days']} days' written notice" in without
    assert "as obligation RET-2" not in without and "obligation RET-2 in Section 3" in with_them
    assert "on the notice obligation ACC-1 in Section 3 sets" in with_them
