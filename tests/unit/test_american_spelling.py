"""American spelling in what people read: the category vocabulary, the demo data, form labels
and the templates' visible text. Internal names (`is_licence_plate`, `organisation_id`, the
`/vendors` URLs, filter keys) keep their British spelling and are not scanned."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

from sharing.flows.models import DataCategory
from sharing.flows.risk import SPECIAL_KINDS
from sharing.flows.vocabulary import CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
BRITISH = re.compile(
    r"licences?|\w*behaviour\w*|programmes?|\w*centres?|defences?|offences?"
    r"|enrolments?|enrols?|\w*anonymis\w*|\w*organis(ation|ations|e|ed|es|ing)"
    r"|\w*neighbour\w*|\w*colours?\w*|\w*recognis\w*|\w*authoris\w*|\w*minimis\w*"
    r"|catalogues?|travelling|\w*stabilis\w*|\w*metres?|dependants?",
    re.IGNORECASE,
)
DEMO_DIR = ROOT / "sharing" / "demo"
# policy.py loads the published obligation library, whose texts are a record and never change.
DEMO_MODULES = sorted(p for p in DEMO_DIR.glob("*.py") if p.name != "policy.py")
FORM_MODULES = sorted((ROOT / "sharing").rglob("*forms.py"))
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
# Attributes whose value a person reads or hears; ids, names, hrefs and classes are names.
VISIBLE_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-label")
JINJA = re.compile(r"{#.*?#}|{%.*?%}|{{.*?}}", re.S)
QUOTED = re.compile(r"'([^'\\]*)'|\"([^\"\\]*)\"")


def british_words(text: str) -> list[str]:
    """The British spellings among the words of a text; snake_case names are skipped."""
    words = re.findall(r"[A-Za-z_]+", text)
    return [w for w in words if "_" not in w and BRITISH.fullmatch(w)]


def reads_as_text(value: str) -> bool:
    """A string literal people read: a phrase, or one capitalized word such as a label.
    A lower-case single word, a dotted endpoint or a snake_case key is a name."""
    if " " in value.strip():
        return True
    return bool(re.fullmatch(r"[A-Z][a-z]+(-[a-z]+)?s?", value))


def python_texts(path: Path) -> list[str]:
    """The string literals of a module that read as text, docstrings and names left out; an
    f-string's replacement fields are code, so only its literal parts count."""
    tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text()).readline))
    texts = []
    for before, token, after in zip([None, *tokens[:-1]], tokens, [*tokens[1:], None], strict=True):
        if token.type != tokenize.STRING:
            continue
        statement_start = before is None or before.type in (
            tokenize.INDENT,
            tokenize.DEDENT,
            tokenize.NEWLINE,
            tokenize.NL,
        )
        if statement_start and after is not None and after.type == tokenize.NEWLINE:
            continue
        match = re.match(r"(?s)([rRuUfFbB]*)('''|\"\"\"|'|\")(.*)\2$", token.string)
        prefix, body = match.group(1).lower(), match.group(3)
        if "f" in prefix:
            body = re.sub(r"{[^{}]*}", " ", body)
        if reads_as_text(body):
            texts.append(body)
    return texts


def template_texts(source: str) -> list[str]:
    """What a template shows: text between tags, visible attributes, and the phrases or
    capitalized labels quoted inside Jinja tags (arguments such as `sort_header('Name',
    'name')` pass a label and a key)."""
    texts = []
    for tag in JINJA.findall(source):
        if not tag.startswith("{#"):
            texts += [v for pair in QUOTED.findall(tag) for v in pair if v and reads_as_text(v)]
    html = JINJA.sub(" ", source)
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    for tag in re.findall(r"<[^>]*>", html):
        for name in VISIBLE_ATTRIBUTES:
            texts += re.findall(rf'\s{name}="([^"]*)"', tag)
    texts.append(re.sub(r"<[^>]*>", " ", html))
    return texts


def offenders(texts_by_place: dict[str, list[str]]) -> list[str]:
    return [
        f"{place}: {word!r} in {text.strip()[:80]!r}"
        for place, texts in texts_by_place.items()
        for text in texts
        for word in british_words(text)
    ]


def test_the_scanner_finds_british_words_in_text_and_skips_names():
    """The scanner flags British spellings people would read, and leaves identifiers, URLs
    and keys alone, so the scans below can fail."""
    source = (
        "<h1>Organisations</h1><a href=\"{{ url_for('vendors.organisation') }}\" "
        'title="Licence plates" id="filter-organisation">x</a>'
        "{{ sort_header('Centre', 'organisation') }}{{ empty_state('No programme yet.') }}"
    )
    found = offenders({"sample": template_texts(source)})
    assert sorted(f.split("'")[1].lower() for f in found) == [
        "centre",
        "licence",
        "organisations",
        "programme",
    ]
    assert british_words("is_licence_plate organisation_id") == []
    assert british_words("a license, licensed, licensing") == []
    assert british_words("Enrolment in a behavioural programme") == [
        "Enrolment",
        "behavioural",
        "programme",
    ]


def test_the_category_vocabulary_and_flag_labels_are_american():
    """Category names and descriptions, special-flag labels and risk reasons print in
    agreements and on pages, so they use American spelling ("License-plate reads")."""
    texts = {
        "vocabulary": [f"{c['name']} {c['description']}" for c in CATEGORIES],
        "special flags": [label for _, label in DataCategory.SPECIAL_FLAGS],
        "risk reasons": [label for _, label in SPECIAL_KINDS],
    }
    assert offenders(texts) == []
    names = {c["name"] for c in CATEGORIES}
    assert {"License-plate reads", "Driver's license number"} <= names
    assert "Behavioral health and substance use" in names


@pytest.mark.parametrize("path", DEMO_MODULES + FORM_MODULES, ids=lambda p: p.name)
def test_demo_data_and_form_labels_are_american(path):
    """Demo organization notes, flow names, purposes and messages, and every form's labels,
    help and messages read in American English."""
    assert offenders({str(path.relative_to(ROOT)): python_texts(path)}) == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_template_text_is_american(path):
    """Headings, labels, captions, empty states and visible attributes say "organization";
    URLs, ids and filter keys keep their internal names."""
    assert offenders({str(path.relative_to(ROOT)): template_texts(path.read_text())}) == []
