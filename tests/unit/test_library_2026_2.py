"""Library 2026.2: valid, complete, cited, American spelling, and no duration written as digits;
2026.1 stays byte for byte what databases recorded."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from sharing.obligations.clauses import default_parameters, render_clause
from sharing.obligations.library import DATA_DIR, DEFAULT_FILE, check_entry, read_library
from sharing.obligations.modules import MODULES, module_of

FILE = DATA_DIR / "policy-2026.2.json"
LIBRARY = read_library(FILE)
BY_CODE = {entry["code"]: entry for entry in LIBRARY.obligations}
CORE_SOURCES = {"Digital Privacy Principles", "My San Jose Privacy Policy"}
# SHA-256 of the 2026.1 file as loaded into existing databases (PolicyVersion.source_sha256).
SHA_2026_1 = "8128b637e5038bd3fd2d488789ee05ed6e1ca50a2f6e7b367b65336e504b686d"

REQUIRED = {
    "POL-1", "NOT-1", "NOT-2", "PUR-1", "PUR-2", "MIN-1", "MIN-2", "DEI-1", "RET-1", "RET-2",
    "SHR-1", "SUB-1", "SUB-2", "SEC-1", "SEC-2", "BRN-1", "CON-1", "CON-2", "PIA-1", "ACC-1",
    "ATT-1", "PUB-1", "ACU-1", "IND-1", "AUT-1", "AUT-2", "EQU-1", "CHD-1", "LPR-1", "PRA-1",
    "LEG-1", "PER-1", "LOC-1", "LOC-2", "SSO-1",
}  # fmt: skip
# Parameter names other helpers rely on, and the obligation that declares each.
INTERFACE = {
    "termination_return_days": "RET-2",
    "audit_notice_days": "ACC-1",
    "legal_notice_days": "LEG-1",
    "breach_notice_hours": "BRN-1",
    "deletion_days": "RET-1",
    "surveillance_retention_days": "LPR-1",
    "attestation_interval_months": "ATT-1",
    "subprocessor_notice_days": "SUB-1",
}
DURATION = re.compile(r"\b\d+\s*(business\s+)?(days?|hours?|months?|years?|weeks?)\b", re.I)
BRITISH = re.compile(
    r"licence|anonymis|authoris|organis|minimis|neighbour|behaviour|colour|favour|"
    r"recognis|utilis|programme|centre\b|judgement",
    re.I,
)
TEXTS = ("title", "summary", "clause_template", "attestation_question", "source_reference")


def without_tags(template: str) -> str:
    return re.sub(r"{{.*?}}", "", template)


def test_the_2026_1_file_is_byte_identical():
    """Published versions never change: the file's hash is the one databases recorded."""
    raw = (DATA_DIR / "policy-2026.1.json").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SHA_2026_1


def test_2026_2_is_the_default_file_and_reads_as_policy_2026_2():
    """The newest library is the default, labeled 2026.2, effective December 1, 2026."""
    assert DEFAULT_FILE == FILE
    assert LIBRARY.label == "2026.2" and LIBRARY.effective_date.isoformat() == "2026-12-01"


def test_every_required_obligation_is_present():
    """Each core obligation the reviewers asked for, and every module's, is in the file."""
    module_codes = {code for code in BY_CODE if module_of({"code": code})}
    assert set(BY_CODE) >= REQUIRED
    assert {code.split("-")[0] for code in module_codes} == {m.prefix for m in MODULES}


@pytest.mark.parametrize("code", sorted(BY_CODE))
def test_every_entry_passes_the_check_and_is_cited(code):
    """check_entry finds nothing; core entries cite the City's documents, modules their law."""
    entry = BY_CODE[code]
    assert check_entry(entry) == {}
    assert entry["attestation_question"].rstrip().endswith("?")
    assert entry["summary"].strip()
    module = module_of(entry)
    if module is None:
        assert entry["source_document"] in CORE_SOURCES or "model" in entry["source_document"]
        assert entry["source_reference"].startswith(
            ("Digital Privacy Principles", "My San Jose Privacy Policy", "GDPR")
        )
    else:
        assert entry["applicability"] == module.trigger


@pytest.mark.parametrize("code", sorted(BY_CODE))
def test_every_parameter_has_a_label_unit_and_bounds(code):
    """Name, label, unit, default, min and max; the default lies within the bounds."""
    for spec in BY_CODE[code]["parameters"]:
        assert {"name", "label", "unit", "default", "min", "max"} <= set(spec)
        assert spec["min"] <= spec["default"] <= spec["max"]


@pytest.mark.parametrize("code", sorted(BY_CODE))
def test_no_duration_is_written_as_digits(code):
    """Every number of days, hours, months, weeks or years in a clause comes from a parameter."""
    found = DURATION.search(without_tags(BY_CODE[code]["clause_template"]))
    assert found is None, f"{code}: {found.group(0)!r} should be a parameter"


def test_the_duration_check_catches_digits_but_allows_citations():
    """The check flags "30 days" and "2 business days", not statute numbers."""
    assert DURATION.search("within 30 days")
    assert DURATION.search("within 2 business days")
    assert DURATION.search("for 2 years")
    assert not DURATION.search(without_tags("within {{ deletion_days }} days"))
    assert not DURATION.search("under Cal. Civ. Code 1798.82 and 45 CFR 164.504(e)")


@pytest.mark.parametrize("code", sorted(BY_CODE))
def test_text_uses_american_spelling(code):
    """License, anonymize, authorization: no British spellings in what people read."""
    for name in TEXTS:
        assert not BRITISH.search(BY_CODE[code][name]), f"{code} {name}"


def test_interface_parameters_keep_their_names_and_homes():
    """Other packages read these parameter names; each stays on its obligation."""
    for name, code in INTERFACE.items():
        assert name in {p["name"] for p in BY_CODE[code]["parameters"]}, name


def test_parameter_names_are_unique_across_the_library():
    """An agreement holds one value per name, so no two obligations declare the same one."""
    names = [p["name"] for entry in LIBRARY.obligations for p in entry["parameters"]]
    assert len(names) == len(set(names))


def test_retention_no_longer_claims_the_city_minimum_is_a_maximum():
    """RET-1 keeps data for Exhibit A's period, destroys only with authorization, certifies."""
    ret = BY_CODE["RET-1"]
    assert [p["name"] for p in ret["parameters"]] == ["deletion_days"]
    assert "retention_days" not in default_parameters(LIBRARY.obligations)
    text = ret["clause_template"]
    assert "Exhibit A" in text and "written authorization" in text
    assert "records retention schedule" in text and "certificate of destruction" in text


def test_breach_notice_has_content_costs_and_a_bounded_deadline():
    """BRN-1: 72 hours by default (up to 720), what to say, cooperation, costs, 1798.82."""
    breach = BY_CODE["BRN-1"]
    (spec,) = breach["parameters"]
    assert (spec["name"], spec["default"], spec["max"]) == ("breach_notice_hours", 72, 720)
    text = breach["clause_template"]
    for words in (
        "what happened",
        "number of people affected",
        "steps taken",
        "contact person",
        "cooperate",
        "forensic investigation",
        "credit monitoring",
        "1798.82",
    ):
        assert words in text, words


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("POL-1", ["Privacy and Disclosure Policy", "version current as of June 22, 2023"]),
        ("CON-1", ["Information Security Office", "200 E. Santa Clara Street", "95113",
                   "security@sanjoseca.gov"]),
        ("CON-2", ["Digital Privacy Officer", "digitalprivacy@sanjoseca.gov", "privacy reviews"]),
        ("SSO-1", ["name and email address", "register and authenticate",
                   "no personal information"]),
        ("MIN-2", ["the law allows", "anonymously"]),
        ("NOT-2", ["automatically", "device", "location"]),
        ("PIA-1", ["privacy impact assessments", "instruction"]),
        ("SUB-1", ["{{ subprocessor_notice_days }}", "object", "whether or not"]),
        ("LEG-1", ["{{ legal_notice_days }}"]),
    ],
)  # fmt: skip
def test_key_obligations_say_what_the_reviewers_asked_for(code, words):
    """Each new or rewritten clause carries the facts it was added for."""
    for word in words:
        assert word in BY_CODE[code]["clause_template"], word


def test_rules_of_the_new_obligations():
    """SUB-1 applies always; SSO-1 on the social-login category; MIN-2 when the partner collects."""
    assert BY_CODE["SUB-1"]["applicability"] == {"rule": "always"}
    assert BY_CODE["SSO-1"]["applicability"] == {
        "rule": "category",
        "name": "Social-login identifiers",
    }
    assert BY_CODE["MIN-2"]["applicability"] == {
        "rule": "transfer_method",
        "in": ["vendor_collects"],
    }


@pytest.mark.parametrize("code", sorted(BY_CODE))
def test_every_clause_renders_with_its_defaults(code):
    """Rendering fills every placeholder with the declared default."""
    entry = BY_CODE[code]
    text = render_clause(entry, default_parameters([entry]))
    assert "{{" not in text
    for spec in entry["parameters"]:
        assert str(spec["default"]) in text


def test_the_file_is_plain_json_with_sources():
    """The file lists where each source can be read."""
    data = json.loads(FILE.read_text())
    assert {"Digital Privacy Principles", "My San Jose Privacy Policy"} <= set(data["sources"])
