"""Ending a user-facing sentence that closes with a value, so that a value which already ends
in a period ("Acme Inc.", an error text) is not followed by a second one."""

from __future__ import annotations

# Punctuation that already ends a sentence, and closing quotes that may follow it.
ENDINGS = (".", "!", "?", "…")
CLOSING_QUOTES = "”’\"'"


def sentence(text: str) -> str:
    """`text` ended with one full stop, unless it already ends a sentence: "Registered Acme
    Inc." stays as it is, and so does "Saved “Acme Inc.”"; "Registered Acme" gains the stop."""
    text = text.rstrip()
    return text if ends_sentence(text) else text + "."


def ends_sentence(text: str) -> bool:
    """Whether `text` already ends with sentence-ending punctuation, inside closing quotes too."""
    return text.rstrip(CLOSING_QUOTES).endswith(ENDINGS)


def sentences(*parts: str) -> str:
    """Several sentences, each ended once, joined with a space; empty parts are left out."""
    return " ".join(sentence(part) for part in parts if part.strip())
