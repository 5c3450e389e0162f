"""The concern package's rules without the pages: references, the text's rules, pruning
the counted submissions, and the prune command."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from sharing.concerns import abuse, references
from sharing.concerns.cli import concerns_cli
from sharing.concerns.models import ConcernAttempt
from sharing.concerns.services import check_text
from sharing.core.clock import now
from sharing.errors import ValidationFailed
from sharing.extensions import db
from tests.factories import make_concern


def _attempts() -> int:
    return db.session.scalar(select(func.count()).select_from(ConcernAttempt))


def test_a_new_reference_skips_one_already_taken(app, monkeypatch):
    """A random clash with an existing reference is drawn again, never reused."""
    taken = make_concern(reference="SJ-AAAAAAAA")
    db.session.commit()
    drawn = iter(["SJ-AAAAAAAA", "SJ-BBBBBBBB"])
    monkeypatch.setattr(references, "random_reference", lambda: next(drawn))
    assert references.new_reference() == "SJ-BBBBBBBB"
    assert taken.reference == "SJ-AAAAAAAA"


def test_references_use_no_look_alike_characters():
    for ambiguous in "01OIL5S":
        assert ambiguous not in references.ALPHABET


def test_a_typed_reference_is_read_with_or_without_its_prefix():
    assert references.candidates(" sj-ab cd2346 ") == ["SJ-ABCD2346"]
    assert references.candidates("abcd2346") == ["ABCD2346", "SJ-ABCD2346"]
    assert references.candidates("") == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("too short", "at least 10"),
        ("y" * 4001, "4,000 characters"),
        ("plain until <b>bold</b>", "plain text"),
        ("an entity &amp; here", "plain text"),
    ],
)
def test_the_text_rules_refuse_with_a_reason_on_the_body(app, text, reason):
    with pytest.raises(ValidationFailed) as refused:
        check_text(text)
    assert reason in refused.value.errors["body"]


def test_the_text_is_kept_with_one_kind_of_line_ending(app):
    assert check_text("  First line\r\nsecond line  ") == "First line\nsecond line"


def test_pruning_forgets_only_attempts_older_than_a_day(app):
    moment = now()
    key = abuse.address_key("192.0.2.1")
    abuse.count_attempt(key=key, now=moment - timedelta(days=1, minutes=1))
    abuse.count_attempt(key=key, now=moment - timedelta(hours=23))
    db.session.commit()
    assert abuse.prune_attempts(now=moment) == 1
    assert _attempts() == 1


def test_the_prune_command_reports_what_it_removed(app):
    abuse.count_attempt(key=abuse.address_key("192.0.2.2"), now=now() - timedelta(days=3))
    db.session.commit()
    result = app.test_cli_runner().invoke(concerns_cli, ["prune"])
    assert result.exit_code == 0
    assert "Removed 1 counted submission." in result.output
    assert _attempts() == 0


def test_an_address_key_depends_on_the_secret(app):
    first = abuse.address_key("192.0.2.3")
    app.config["SECRET_KEY"] = "another secret for this test only"
    assert abuse.address_key("192.0.2.3") != first
