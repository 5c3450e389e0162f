"""What reaches an agreement's XML is plain, escaped text: the context's copy and the sandbox's
`finalize` step, checked without a .docx."""

from __future__ import annotations

from markupsafe import Markup

from sharing.agreements.rendering import ContractEnvironment, plain_context
from tests.factories import SHIPPED_TEMPLATES as TEMPLATE_DIR


def render(source: str, context: dict) -> str:
    return ContractEnvironment().from_string(source).render(plain_context(context))


def test_markup_in_the_context_is_escaped_like_plain_text():
    """A Markup value cannot smuggle WordprocessingML past autoescape."""
    copied = plain_context({"name": Markup("<w:t>x</w:t>")})

    assert type(copied["name"]) is str
    assert render("{{ name }}", {"name": Markup("<w:t>x</w:t>")}) == "&lt;w:t&gt;x&lt;/w:t&gt;"


def test_control_characters_are_dropped_from_whatever_the_template_prints():
    """Values joined or filtered in the template lose XML-illegal characters too."""
    context = {"a": "one\x01", "b": "\x0ctwo", "items": ["\x00x"]}

    assert render("{{ a ~ b }}|{{ a|upper }}|{{ items[0] }}", context) == "onetwo|ONE|x"


def test_containers_are_copied_and_plain_values_shared():
    """The copy is cheap: lists and dicts are new, strings and numbers are the caller's."""
    name = "Peña & Hijos " * 3
    context = {"flows": [{"name": name, "rows": 3}], "pair": ("a", 1), 7: None}

    copied = plain_context(context)

    assert copied == {"flows": [{"name": name, "rows": 3}], "pair": ["a", 1], "7": None}
    assert copied["flows"] is not context["flows"]
    assert copied["flows"][0]["name"] is name


def test_a_template_compiles_once_and_each_render_still_gets_its_own_values():
    """The second render of a template reuses its compiled parts; values never leak between
    renders (the cache holds template source, not data)."""
    from sharing.agreements import rendering
    from sharing.agreements.rendering import docx_text, render_docx
    from sharing.agreements.sample_context import sample_context

    template = (TEMPLATE_DIR / "vendor-data-protection-agreement.docx").read_bytes()
    first, second = sample_context(), sample_context()
    second["agreement"]["number"] = "DSA-2031-0999"
    render_docx(template, first)
    compiled = rendering._compiled.cache_info().misses

    text = docx_text(render_docx(template, second))

    assert rendering._compiled.cache_info().misses == compiled
    assert "DSA-2031-0999" in text and "DSA-2026-0042" not in text
