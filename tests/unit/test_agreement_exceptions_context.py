"""The clauses the agreement template receives carry the exceptions the City agreed."""

from __future__ import annotations

from sharing.agreements.context import REMOVED_BY_EXCEPTION, with_exceptions

CLAUSES = [
    {"number": 1, "code": "PUR-1", "title": "Purposes", "text": "Policy words.", "reason": "r"},
    {"number": 2, "code": "SUB-1", "title": "Subprocessors", "text": "Bind them.", "reason": "r"},
    {"number": 3, "code": "BRN-1", "title": "Breaches", "text": "72 hours.", "reason": "r"},
]


def test_a_clause_without_an_exception_reads_as_none():
    """No exception: the policy's text stays and `exception` is empty, never missing."""
    clauses = with_exceptions(CLAUSES, {})
    assert [c["exception"] for c in clauses] == ["", "", ""]
    assert [c["text"] for c in clauses] == [c["text"] for c in CLAUSES]


def test_an_exception_with_agreed_wording_replaces_the_text_and_gives_its_reason():
    """An accepted change of wording puts the agreed words in the clause, and its reason."""
    exceptions = {"PUR-1": {"reason": "Same meaning", "text": "Vendor words.", "kind": "wording"}}
    clause = with_exceptions(CLAUSES, exceptions)[0]
    assert clause["text"] == "Vendor words." and clause["exception"] == "Same meaning"


def test_a_removed_clause_keeps_its_place_and_says_it_does_not_apply():
    """The numbering stays; the clause says an exception took it out."""
    exceptions = {"SUB-1": {"reason": "No subprocessors", "text": "", "kind": "removed"}}
    clauses = with_exceptions(CLAUSES, exceptions)
    assert [c["number"] for c in clauses] == [1, 2, 3]
    assert clauses[1]["text"] == REMOVED_BY_EXCEPTION
    assert clauses[1]["exception"] == "No subprocessors"


def test_the_clauses_given_are_not_changed():
    """The plan's own clause dictionaries stay as they were."""
    with_exceptions(CLAUSES, {"BRN-1": {"reason": "x", "text": "168 hours.", "kind": "weakened"}})
    assert CLAUSES[2]["text"] == "72 hours." and "exception" not in CLAUSES[2]
