"""A returned agreement compared with the generated one clause by clause, on real .docx files."""

from __future__ import annotations

import pytest

from sharing.negotiation.compare import (
    ChangeKind,
    ParameterChange,
    compare,
    parameter_specs,
)
from tests.unit.negotiation.documents import (
    LIABILITY,
    POLICY,
    add_clause_after,
    delete_clause,
    edited,
    generated,
    replace,
    tracked_replace,
)

SPECS = parameter_specs(POLICY)
BREACH = "within 72 hours of discovering"


def _changes(returned: bytes):
    return compare(generated(), returned, parameters=SPECS).changes


def _kinds(returned: bytes) -> dict[str, ChangeKind]:
    return {change.key: change.kind for change in _changes(returned)}


def test_the_generated_document_compared_with_itself_has_no_change():
    """Comparing a document with an unchanged copy reports nothing, and counts its clauses."""
    comparison = compare(generated(), generated(), parameters=SPECS)
    assert comparison.changes == []
    assert comparison.clauses_found > 40


def test_wording_changes_alone_are_classified_as_wording():
    """Rewording that keeps every number, duty and qualifier is 'wording', clause by clause."""
    returned = edited(
        generated(),
        replace("operate safeguards suited to", "operate protections suited to"),
        replace("compatible with them", "consistent with them"),
    )
    changes = _changes(returned)
    assert {c.code: c.kind for c in changes} == {
        "SEC-1": ChangeKind.WORDING,
        "PUR-1": ChangeKind.WORDING,
    }
    assert all(c.parameter is None for c in changes)


def test_breach_notice_in_hours_raised_to_168_is_weakened():
    """BRN-1 72 hours -> 168 hours is a weakened parameter, explained in plain words."""
    [change] = _changes(edited(generated(), replace(BREACH, "within 168 hours of discovering")))
    assert change.kind is ChangeKind.WEAKENED
    assert change.code == "BRN-1"
    assert change.parameter == ParameterChange(
        "breach_notice_hours", "Hours to report an incident", "hours", 72, 168
    )
    assert "72 hours" in change.explanation and "weakens BRN-1" in change.explanation


@pytest.mark.parametrize("later", ["7 days", "seven (7) days", "one week"])
def test_breach_notice_in_days_is_converted_to_hours(later):
    """'7 days', 'seven (7) days' and 'one week' all read as 168 hours: weakened."""
    [change] = _changes(edited(generated(), replace("72 hours", later)))
    assert change.kind is ChangeKind.WEAKENED
    assert (change.parameter.before, change.parameter.after) == (72, 168)
    assert "(168 hours)" in change.explanation


def test_breach_notice_shortened_is_strengthened():
    """BRN-1 72 -> 48 hours gives the City its notice sooner: strengthened."""
    [change] = _changes(edited(generated(), replace(BREACH, "within 48 hours of discovering")))
    assert change.kind is ChangeKind.STRENGTHENED
    assert (change.parameter.before, change.parameter.after) == (72, 48)
    assert change.parameter.allowed is True


def test_tracked_changes_are_read_as_accepted():
    """A returned file with Word's track changes reads its insertions and skips its deletions."""
    [change] = _changes(edited(generated(), tracked_replace("72 hours", "168 hours")))
    assert change.kind is ChangeKind.WEAKENED
    assert "168 hours" in change.after_text and "72 hours" not in change.after_text


def test_shorter_notice_before_a_new_subprocessor_is_weakened():
    """SUB-1's notice is owed to the City, so fewer days are weaker (higher is stricter)."""
    shorter = replace("at least 30 days beforehand", "at least 10 days beforehand")
    [change] = _changes(edited(generated(), shorter))
    assert change.kind is ChangeKind.WEAKENED
    assert change.parameter.name == "subprocessor_notice_days"


def test_a_value_outside_the_policy_bounds_says_an_exception_is_needed():
    """An hours value beyond the parameter's maximum is flagged as needing an exception."""
    [change] = _changes(edited(generated(), replace("72 hours", "45 days")))
    assert change.parameter.after == 1080
    assert change.parameter.allowed is False
    assert "exception" in change.explanation


def test_a_deleted_subprocessor_clause_is_removed():
    """SUB-2 deleted from the returned file is a removed clause, listed before wording."""
    returned = edited(
        generated(),
        delete_clause("(obligation SUB-2)"),
        replace("operate safeguards suited to", "operate protections suited to"),
    )
    changes = _changes(returned)
    assert changes[0].code == "SUB-2" and changes[0].kind is ChangeKind.REMOVED
    assert changes[0].after_text == "" and "subprocessors named" in changes[0].before_text
    assert changes[-1].kind is ChangeKind.WORDING


def test_an_added_clause_is_added():
    """A new clause in Section 3 that the generated document lacks is an added clause."""
    returned = edited(generated(), add_clause_after("(obligation LOC-1)", *LIABILITY))
    [change] = _changes(returned)
    assert change.kind is ChangeKind.ADDED
    assert change.heading.startswith("Limitation of the Vendor")
    assert change.before_text == "" and "shall not exceed" in change.after_text


def test_renumbering_alone_is_no_change():
    """Obligations renumbered (3.1 -> 3.2 ...) with their cross-references are not changes."""
    numbers = [f"3.{n} " for n in range(25, 0, -1)]
    returned = edited(generated(), *(_renumber(number) for number in numbers))
    assert _changes(returned) == []


def test_shall_becoming_may_is_weakened():
    """'shall' -> 'may' turns a duty into a choice: weakened, with no parameter."""
    returned = edited(generated(), replace("Recipient shall operate", "Recipient may operate"))
    [change] = _changes(returned)
    assert change.kind is ChangeKind.WEAKENED and change.parameter is None
    assert "“may”" in change.explanation


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("shall operate", "shall use commercially reasonable efforts to operate"),
        ("shall operate", "shall, to the extent practicable, operate"),
        ("shall let the City", "shall, upon request, let the City"),
        ("of any confirmed or", "of a confirmed or"),
    ],
)  # fmt: skip
def test_hedges_and_narrowing_words_weaken(old, new):
    """Added hedges ('commercially reasonable', 'to the extent practicable', 'upon request')
    and a dropped 'any' weaken the obligation."""
    [change] = _changes(edited(generated(), replace(old, new)))
    assert change.kind is ChangeKind.WEAKENED


def test_weakened_and_removed_come_before_added_strengthened_and_wording():
    """The order puts the changes that need a decision most first."""
    returned = edited(
        generated(),
        replace("compatible with them", "consistent with them"),
        replace(BREACH, "within 48 hours of discovering"),
        add_clause_after("(obligation LOC-1)", *LIABILITY),
        delete_clause("(obligation SUB-2)"),
        replace("Recipient shall operate", "Recipient may operate"),
    )
    kinds = [change.kind for change in _changes(returned)]
    assert kinds == [
        ChangeKind.WEAKENED,
        ChangeKind.REMOVED,
        ChangeKind.ADDED,
        ChangeKind.STRENGTHENED,
        ChangeKind.WORDING,
    ]


def test_longer_retention_in_exhibit_a_is_weakened():
    """A longer retention in an Exhibit A row (no parameter) is weaker: data kept longer."""
    changes = _changes(edited(generated(), replace("730 days after", "1,095 days after")))
    assert changes[0].kind is ChangeKind.WEAKENED
    assert changes[0].key.endswith("row a 1")


def test_a_sub_clause_with_new_opening_words_still_matches():
    """A sub-clause keyed by its opening words pairs with its reworded self by similarity."""
    returned = edited(generated(), replace("This Agreement applies to", "This DPA covers"))
    [change] = _changes(returned)
    assert change.kind is ChangeKind.WORDING


def test_labels_name_each_kind():
    """Each kind has a label for the page."""
    assert [kind.label for kind in ChangeKind] == [
        "Weakened", "Clause removed", "Clause added", "Strengthened", "Wording only",
    ]  # fmt: skip


def test_parameter_specs_come_from_the_policy_with_their_strict_direction():
    """Specs carry bounds and units; notices owed to the City and minimums are 'higher'."""
    assert SPECS["BRN-1"][0].stricter == "lower"
    assert (SPECS["BRN-1"][0].minimum, SPECS["BRN-1"][0].maximum) == (1, 720)
    assert SPECS["DEI-1"][0].stricter == "higher"
    assert SPECS["LOC-1"][0].stricter == "higher"
    assert SPECS["POL-1"] == []


def _renumber(number: str):
    """Obligation heading `number` one higher, as a vendor inserting a clause before it would."""
    major, minor = number.split(".")
    later = f"{major}.{int(minor) + 1} "

    def edit(document) -> None:
        for paragraph in document.paragraphs:
            if paragraph.text.startswith(number) and "(obligation" in paragraph.text:
                text = paragraph.text.replace(number, later, 1)
                for run in paragraph.runs[1:]:
                    run._r.getparent().remove(run._r)
                paragraph.runs[0].text = text

    return edit


def test_a_removed_obligation_takes_its_exhibit_rows_with_it():
    """SUB-2 deleted with its Exhibit E row is one removed change, not two."""
    returned = edited(generated(), delete_clause("(obligation SUB-2)"), _delete_row("SUB-2"))
    assert [(c.code, c.kind) for c in _changes(returned)] == [("SUB-2", ChangeKind.REMOVED)]


def test_an_obligation_heading_without_its_code_still_matches_its_obligation():
    """A heading whose '(obligation BRN-1)' was deleted is still BRN-1, reworded."""
    returned = edited(generated(), replace(" (obligation BRN-1)", ""))
    [change] = _changes(returned)
    assert change.code == "BRN-1" and change.kind is ChangeKind.WORDING
    assert "heading changed" in change.explanation


def _delete_row(first_cell: str):
    def edit(document) -> None:
        for table in document.tables:
            for row in table.rows:
                if row.cells[0].text == first_cell:
                    row._tr.getparent().remove(row._tr)
                    return

    return edit


def test_a_narrowed_definition_is_weakened_on_its_own():
    """Dropping 'any' from one definition weakens that definition, not the whole section."""
    definition = "“Security Incident” means any actual"
    returned = edited(generated(), replace(definition, "“Security Incident” means an actual"))
    [change] = _changes(returned)
    assert change.key == "definitions/security incident"
    assert change.kind is ChangeKind.WEAKENED


def test_a_deadline_dropped_altogether_is_weakened():
    """BRN-1 without its number of hours no longer binds the vendor to a deadline."""
    returned = edited(generated(), replace("and in any case within 72 hours of", "after"))
    [change] = _changes(returned)
    assert change.kind is ChangeKind.WEAKENED
    assert "drops “72 hours”" in change.explanation


def test_a_number_whose_direction_is_unclear_is_wording_with_an_explanation():
    """The agreement's term (36 -> 24 months) is neither stricter nor weaker by itself."""
    returned = edited(generated(), replace("continues for 36 months", "continues for 24 months"))
    [change] = _changes(returned)
    assert change.kind is ChangeKind.WORDING
    assert "“36 months” became “24 months”" in change.explanation


def test_a_clause_added_with_track_changes_is_added():
    """A clause the vendor typed with track changes on (inside w:ins) is an added clause."""
    returned = edited(generated(), add_clause_after("(obligation LOC-1)", *LIABILITY, tracked=True))
    [change] = _changes(returned)
    assert change.kind is ChangeKind.ADDED and "shall not exceed" in change.after_text


@pytest.mark.parametrize(
    ("old", "new", "added"),
    [
        ("Trần Logistics", "Trần Logistics; Data Brokers Inc.", "Data Brokers Inc."),
        ("United States (AWS us-west-2)", "Ireland (AWS eu-west-1)", "Ireland (AWS eu-west-1)"),
    ],
)
def test_an_exhibit_a_row_that_widens_a_list_is_weakened(old, new, added):
    """A subprocessor or storage place added to an Exhibit A row weakens that row."""
    changes = _changes(edited(generated(), replace(old, new)))
    assert changes[0].kind is ChangeKind.WEAKENED and changes[0].key.endswith("row a 1")
    assert f"Adds “{added}”" in changes[0].explanation


def test_a_file_mostly_unlike_the_generated_one_is_compared_without_pairing_by_similarity(
    monkeypatch,
):
    """Beyond MAX_SIMILARITY_PAIRS leftover pairs, leftovers are reported as removed and
    added rather than compared pairwise."""
    from sharing.negotiation import clauses

    returned = edited(generated(), replace("This Agreement applies to", "This DPA covers"))
    monkeypatch.setattr(clauses, "MAX_SIMILARITY_PAIRS", 0)
    kinds = [change.kind for change in _changes(returned)]
    assert kinds == [ChangeKind.REMOVED, ChangeKind.ADDED]


def test_a_lower_insurance_limit_is_weakened():
    """Cyber insurance of at least $5 million cut to $1 million weakens the insurance clause."""
    returned = edited(generated(), replace("at least 5 million dollars", "at least $1,000,000"))
    [change] = _changes(returned)
    assert change.kind is ChangeKind.WEAKENED and change.heading == "Insurance"
    assert "“5 million dollars” became “$1,000,000”" in change.explanation


def test_every_higher_is_stricter_entry_names_a_parameter_of_the_library():
    """A misspelled entry would silently leave its parameter 'lower is stricter'."""
    from sharing.negotiation.compare import HIGHER_IS_STRICTER

    declared = {spec.name for specs in SPECS.values() for spec in specs}
    assert HIGHER_IS_STRICTER.issubset(declared)
