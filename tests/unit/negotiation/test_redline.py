"""Redlines: a Word file with real tracked changes, and a word-level redline for the page."""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import UTC, datetime

import pytest
from docx import Document

from sharing.errors import DomainError
from sharing.negotiation import redline
from sharing.negotiation.redline import RedlineFailed, redline_docx, redline_html
from tests.unit.negotiation.documents import edited, generated, replace, tracked_replace

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_redline_docx_holds_insertions_and_deletions_by_the_author():
    """The Word redline opens with python-docx and carries w:ins and w:del by `author`."""
    returned = edited(generated(), replace("within 72 hours", "within 168 hours"))
    out = redline_docx(
        generated(), returned, author="Digital Privacy Office", at=datetime(2026, 12, 7, tzinfo=UTC)
    )
    body = Document(io.BytesIO(out)).element.body
    insertions, deletions = list(body.iter(f"{W}ins")), list(body.iter(f"{W}del"))
    assert insertions and deletions
    for revision in (*insertions, *deletions):
        assert revision.get(f"{W}author") == "Digital Privacy Office"
        assert revision.get(f"{W}date").startswith("2026-12-07")
    inserted = "".join(t.text for i in insertions for t in i.iter(f"{W}t"))
    assert "168" in inserted


def test_redline_docx_of_a_file_returned_with_track_changes():
    """A returned file that already holds the vendor's tracked changes still redlines."""
    returned = edited(generated(), tracked_replace("72 hours", "seven (7) days"))
    out = redline_docx(generated(), returned, author="Privacy")
    assert zipfile.ZipFile(io.BytesIO(out)).testzip() is None


def test_redline_docx_of_a_broken_file_is_a_plain_domain_error():
    """When the engine fails, the user reads a plain message, not the engine's output."""
    with pytest.raises(RedlineFailed) as caught:
        redline_docx(b"not a word file", generated(), author="Privacy")
    assert isinstance(caught.value, DomainError)
    assert "could not be made" in caught.value.message and "/tmp" not in caught.value.message


def test_redline_docx_that_runs_too_long_is_cut_off(monkeypatch):
    """A redline that outlives its limit is stopped and reported plainly."""
    monkeypatch.setattr(redline, "REDLINE_SECONDS", 0.001)
    with pytest.raises(RedlineFailed, match="too long"):
        redline_docx(generated(), generated(), author="Privacy")


def test_redline_html_marks_removed_and_added_words():
    """Removed words sit in <del>, added words in <ins>, the rest as it was."""
    marked = str(redline_html("notify within 72 hours.", "notify within 7 days."))
    assert marked == "notify within <del>72 hours</del><ins>7 days</ins>."


def test_redline_html_escapes_markup_in_both_texts():
    """Markup typed in a clause is shown as text, never rendered."""
    marked = str(redline_html("<b>old</b> & co", '<script>alert("x")</script> & co'))
    assert "<script" not in marked and "<b>" not in marked and "</b>" not in marked
    assert "script&gt;" in marked and "&lt;/" in marked and "&amp; co" in marked
    assert marked.count("<del>") == marked.count("</del>") == 1


def test_redline_html_of_equal_texts_has_no_marks():
    """Identical texts come back unmarked, line breaks as <br>."""
    assert str(redline_html("one\ntwo", "one\ntwo")) == "one<br>\ntwo"


def test_redline_docx_without_the_engine_installed_is_a_plain_domain_error(monkeypatch):
    """A server without python-redlines says so plainly instead of failing with ImportError."""
    monkeypatch.setitem(sys.modules, "python_redlines", None)
    with pytest.raises(RedlineFailed, match="not installed"):
        redline_docx(generated(), generated(), author="Privacy")
