"""Sentences that end with a value get exactly one full stop, whatever the value ends with."""

from __future__ import annotations

import pytest

from sharing.core.sentences import ends_sentence, sentence, sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Registered Acme", "Registered Acme."),
        ("Registered Acme Inc.", "Registered Acme Inc."),
        ("The template tried something unsafe: access is unsafe.", None),
        ("Saved “Acme Inc.”", "Saved “Acme Inc.”"),
        ("Saved “Acme”", "Saved “Acme”."),
        ("Is it ready?", "Is it ready?"),
        ("Wait…", "Wait…"),
        ("Signed in as Pat Doe Jr. ", "Signed in as Pat Doe Jr."),
        ("Covered (Acme Inc.)", "Covered (Acme Inc.)."),
    ],
)
def test_a_sentence_ends_with_one_full_stop_never_two(text, expected):
    """A stop is added only when the text does not already end a sentence."""
    assert sentence(text) == (expected or text)
    assert ".." not in sentence(text)


def test_ending_twice_changes_nothing():
    """sentence() is idempotent, so a message built in two steps still ends once."""
    assert sentence(sentence("Registered Acme")) == "Registered Acme."


def test_ends_sentence_looks_inside_closing_quotes():
    """A period inside closing quotes ends the sentence; a bare name does not."""
    assert ends_sentence("named “Acme Inc.”")
    assert ends_sentence("named 'Acme Inc.'")
    assert not ends_sentence("named “Acme”")


def test_sentences_end_each_part_once_and_skip_empty_parts():
    """Each part is ended once and parts are joined with a space; blanks are left out."""
    assert sentences("Acme Inc.: Lost laptop.", "", "Notice due by 2026-01-02") == (
        "Acme Inc.: Lost laptop. Notice due by 2026-01-02."
    )
