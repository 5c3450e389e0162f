"""The public pages' summaries in the City's three publishing languages (which one a visitor
reads, and the links to the others), and the template global that guards links to pages of
packages a deployment may not have yet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request

# Code, then the invitation to read in that language, written in that language.
LANGUAGES: dict[str, str] = {
    "en": "Read in English",
    "es": "Leer en español",
    "vi": "Đọc bằng tiếng Việt",
}
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Summary:
    lang: str  # the language of `text`
    text: str
    others: tuple[tuple[str, str], ...]  # (code, invitation) of the other written languages


def requested_language(args: Any, accept_languages: Any) -> str:
    """`?lang=es|vi|en` when given, else the browser's preference (Accept-Language) among
    the three, else English."""
    asked = args.get("lang")
    if asked in LANGUAGES:
        return asked
    best = accept_languages.best_match(tuple(LANGUAGES)) if accept_languages else None
    return best or DEFAULT_LANGUAGE


def choose_summary(texts: dict[str, str | None], wanted: str) -> Summary | None:
    """The summary in the wanted language when written, else in English, else in whichever
    language was written; None when none was."""
    written = {code: (texts.get(code) or "").strip() for code in LANGUAGES}
    written = {code: text for code, text in written.items() if text}
    if not written:
        return None
    lang = next(code for code in (wanted, DEFAULT_LANGUAGE, *written) if code in written)
    others = tuple((code, LANGUAGES[code]) for code in written if code != lang)
    return Summary(lang=lang, text=written[lang], others=others)


def summary_for(texts: dict[str, str | None]) -> Summary | None:
    """The summary for the current request's visitor."""
    return choose_summary(texts, requested_language(request.args, request.accept_languages))


def has_endpoint(name: str) -> bool:
    """Whether a page exists in this app, so a link to a package installed later (the
    concerns form) appears once its page does."""
    return name in current_app.view_functions


def init_templating(app: Flask) -> None:
    app.jinja_env.globals["has_endpoint"] = has_endpoint
