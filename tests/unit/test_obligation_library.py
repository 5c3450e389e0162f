"""The 2026.1 library file: complete, cited, and every clause renders with its own parameters.

(2026.2 has its own tests in test_library_2026_2.py.)
"""

from __future__ import annotations

import json
import re

import pytest
from jinja2 import UndefinedError

from sharing.obligations.clauses import (
    check_clause,
    check_parameters,
    default_parameters,
    render_clause,
    render_clause_html,
)
from sharing.obligations.library import DATA_DIR, LibraryError, check_entry, read_library
from sharing.obligations.rules import check_rule

FILE = DATA_DIR / "policy-2026.1.json"
LIBRARY = read_library(FILE)
BY_CODE = {entry["code"]: entry for entry in LIBRARY.obligations}
SOURCES = {"Digital Privacy Principles", "My San Jose Privacy Policy"}

# Each topic the library must cover, and the obligations that cover it.
TOPICS = {
    "notice to individuals": ["NOT-1"],
    "purpose limitation": ["PUR-1"],
    "minimisation": ["MIN-1"],
    "retention and deletion with a certificate": ["RET-1"],
    "no sale and no further sharing without written approval": ["SHR-1"],
    "subprocessors bound to the same terms": ["SUB-1"],
    "security safeguards": ["SEC-1", "SEC-2"],
    "breach notification and cooperation": ["BRN-1"],
    "accountability and audit rights": ["ACC-1"],
    "annual attestation": ["ATT-1"],
    "accuracy and correction": ["ACU-1"],
    "automated decisions under human oversight": ["AUT-1"],
    "bias review": ["AUT-2"],
    "equity": ["EQU-1"],
    "Public Records Act requests": ["PRA-1"],
    "legal-process requests": ["LEG-1"],
    "personnel confidentiality and training": ["PER-1"],
    "data location": ["LOC-1", "LOC-2"],
    "return or destruction at termination": ["RET-2"],
    "help with individuals' requests": ["IND-1"],
    "children's data": ["CHD-1"],
    "licence-plate and surveillance data": ["LPR-1"],
    "de-identification": ["DEI-1"],
}
KEY_WORDS = {
    "RET-1": "certificate",
    "SHR-1": "writing",
    "BRN-1": "{{ breach_notice_hours }}",
    "PRA-1": "Public Records Act",
    "AUT-1": "review",
    "AUT-2": "bias",
    "RET-2": "return",
}


def test_library_file_reads_as_policy_2026_1():
    """The shipped file is valid, labelled 2026.1 and effective on 1 January 2026."""
    assert LIBRARY.label == "2026.1"
    assert LIBRARY.effective_date.isoformat() == "2026-01-01"
    assert 22 <= len(LIBRARY.obligations) <= 30


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_every_required_topic_has_an_obligation(topic):
    """Each required topic maps to obligations that exist in the library."""
    for code in TOPICS[topic]:
        assert code in BY_CODE, f"{topic}: {code} is missing"
        if code in KEY_WORDS:
            assert KEY_WORDS[code] in BY_CODE[code]["clause_template"]


@pytest.mark.parametrize("code", sorted(BY_CODE))
def test_every_obligation_cites_a_source_and_asks_a_question(code):
    """Source document and item, summary, and an attestation question ending in '?'."""
    entry = BY_CODE[code]
    assert entry["source_document"] in SOURCES
    assert re.search(r"Principle|Item|item", entry["source_reference"])
    assert entry["summary"].strip() and entry["title"].strip()
    assert entry["attestation_question"].rstrip().endswith("?")
    assert check_entry(entry) == {}
    check_rule(entry["applicability"])


@pytest.mark.parametrize("code", sorted(BY_CODE))
def test_every_clause_renders_with_its_defaults_and_declared_parameters_only(code):
    """No clause uses an undeclared name; rendering fills every placeholder."""
    entry = BY_CODE[code]
    names = [p["name"] for p in entry["parameters"]]
    assert check_clause(entry["clause_template"], names) is None
    text = render_clause(entry, default_parameters([entry]))
    assert "{{" not in text and "{%" not in text
    for spec in entry["parameters"]:
        assert str(spec["default"]) in text


def test_required_parameters_have_the_documented_defaults():
    """Breach 72 hours, attestation 12 months, subprocessor notice 30 days, retention days."""
    defaults = default_parameters(LIBRARY.obligations)
    assert defaults["breach_notice_hours"] == 72
    assert defaults["attestation_interval_months"] == 12
    assert defaults["subprocessor_notice_days"] == 30
    assert defaults["retention_days"] > 0 and defaults["deletion_days"] > 0


def test_parameters_are_bounded_and_typed():
    """Values outside the bounds or not whole numbers are refused, with the bounds stated."""
    breach = BY_CODE["BRN-1"]
    clean, errors = check_parameters(breach, {"breach_notice_hours": "48"})
    assert clean == {"breach_notice_hours": 48} and errors == {}
    _, errors = check_parameters(breach, {"breach_notice_hours": 12})
    assert errors == {"breach_notice_hours": "Must be between 24 and 168 hours."}
    for bad in ("soon", "2.5", True, 2.5):
        assert (
            "whole number"
            in check_parameters(breach, {"breach_notice_hours": bad})[1]["breach_notice_hours"]
        )
    clean, errors = check_parameters([breach], {})
    assert clean == {"breach_notice_hours": 72} and not errors


def test_a_clause_with_an_undeclared_parameter_fails_the_check():
    """Validation names the undeclared parameter; rendering without it raises, never blanks."""
    entry = dict(BY_CODE["BRN-1"], clause_template="Within {{ breach_hours }} hours.")
    assert check_entry(entry) == {
        "clause_template": "The clause uses undeclared parameters: breach_hours."
    }
    with pytest.raises(UndefinedError):
        render_clause(entry, {})


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{% for x in range(10**9) %}{% endfor %}",
        "{{ breach_notice_hours.__class__ }}",
        "{{ unclosed",
        "{{ 9 ** 9 ** 9 }}",
    ],
)
def test_clause_text_cannot_reach_python_internals(template):
    """Server-side template injection in clause text is refused when the obligation is checked."""
    entry = dict(BY_CODE["BRN-1"], clause_template=template)
    assert "clause_template" in check_entry(entry)


def test_html_preview_escapes_values_but_text_keeps_them():
    """Plain text keeps `& <` as typed; the HTML preview escapes them."""
    entry = {"clause_template": "Notify {{ who }}.", "parameters": []}
    assert render_clause(entry, {"who": "Tom & <Jerry>"}) == "Notify Tom & <Jerry>."
    assert str(render_clause_html(entry, {"who": "<b>"})) == "Notify &lt;b&gt;."


def test_a_broken_library_file_lists_every_problem(tmp_path):
    """Unknown rules, duplicate codes and bad parameters are all reported at once."""
    data = json.loads(FILE.read_text())
    data["obligations"][1]["code"] = data["obligations"][0]["code"]
    data["obligations"][2]["applicability"] = {"rule": "sometimes"}
    data["obligations"][3]["parameters"][0]["default"] = 100_000
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    with pytest.raises(LibraryError) as caught:
        read_library(path)
    text = " ".join(caught.value.problems)
    assert "used twice" in text and "Unknown rule 'sometimes'" in text
    assert "default must lie between" in text


def test_parameter_names_are_unique_across_the_library():
    """An agreement holds one value per name, so no two obligations may declare the same one."""
    names = [p["name"] for entry in LIBRARY.obligations for p in entry["parameters"]]
    assert len(names) == len(set(names))
