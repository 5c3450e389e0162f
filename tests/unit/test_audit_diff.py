"""audit.services.diff: only changed fields, as JSON-safe before/after pairs."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from decimal import Decimal

from sharing.audit.services import created, deleted, diff, jsonable


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


def test_unchanged_fields_are_left_out():
    """Fields with equal values before and after do not appear."""
    assert diff({"name": "Acme", "country": "US"}, {"name": "Acme", "country": "US"}) == {}


def test_changed_fields_show_before_and_after():
    """A changed field maps to {"before": old, "after": new}."""
    changes = diff({"name": "Acme", "country": "US"}, {"name": "Acme Ltd", "country": "US"})

    assert changes == {"name": {"before": "Acme", "after": "Acme Ltd"}}


def test_added_and_removed_fields_use_none_for_the_missing_side():
    """A key only on one side is recorded against None on the other."""
    changes = diff({"old": 1}, {"new": 2})

    assert changes == {"new": {"before": None, "after": 2}, "old": {"before": 1, "after": None}}


def test_keys_come_out_sorted():
    """The result is ordered by field name, so stored changes read the same every time."""
    changes = diff({"b": 1, "a": 1, "c": 1}, {"b": 2, "a": 2, "c": 2})

    assert list(changes) == ["a", "b", "c"]


def test_values_are_made_json_safe():
    """Enums, dates, datetimes, decimals and nested lists/dicts become JSON values."""
    before = {
        "colour": Colour.RED,
        "due": date(2027, 1, 15),
        "at": datetime(2027, 1, 15, 9, 30, tzinfo=UTC),
        "fee": Decimal("10.50"),
        "tags": (Colour.RED,),
    }
    after = {
        "colour": Colour.BLUE,
        "due": date(2027, 2, 1),
        "at": None,
        "fee": Decimal("12.00"),
        "tags": [Colour.BLUE, {"k": date(2027, 1, 1)}],
    }

    assert diff(before, after) == {
        "at": {"before": "2027-01-15T09:30:00+00:00", "after": None},
        "colour": {"before": "red", "after": "blue"},
        "due": {"before": "2027-01-15", "after": "2027-02-01"},
        "fee": {"before": "10.50", "after": "12.00"},
        "tags": {"before": ["red"], "after": ["blue", {"k": "2027-01-01"}]},
    }


def test_equal_values_of_different_python_types_are_not_changes():
    """An enum and its stored string value compare equal once made JSON-safe."""
    assert diff({"colour": Colour.RED}, {"colour": "red"}) == {}
    assert diff({"due": date(2027, 1, 15)}, {"due": "2027-01-15"}) == {}


def test_created_and_deleted_record_one_side_only():
    """created() lists every non-empty field as after; deleted() as before."""
    assert created({"name": "Acme", "note": None}) == {"name": {"before": None, "after": "Acme"}}
    assert deleted({"name": "Acme"}) == {"name": {"before": "Acme", "after": None}}


def test_sets_become_sorted_lists_so_order_never_counts_as_a_change():
    """A set is stored as a sorted list; the same members in another order are no change."""
    assert diff({"roles": {"b", "a"}}, {"roles": frozenset({"a", "b"})}) == {}
    assert diff({"roles": {"b"}}, {"roles": {"c", "a"}}) == {
        "roles": {"before": ["b"], "after": ["a", "c"]}
    }


def test_jsonable_leaves_plain_json_values_alone():
    """Strings, numbers, booleans and None pass through unchanged."""
    for value in ("text", 3, 2.5, True, None):
        assert jsonable(value) == value
