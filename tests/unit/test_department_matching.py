"""Departments typed in spreadsheets: exact matches after normalising, partial ones suggested."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sharing.reports.departments import DepartmentMatcher, initials, normalise_department

PRNS = SimpleNamespace(code="PRNS", name="Parks, Recreation & Neighborhood Services")
DOT = SimpleNamespace(code="DOT", name="Department of Transportation")
ESD = SimpleNamespace(code="ESD", name="Environmental Services")
PBCE = SimpleNamespace(code="PBCE", name="Planning, Building and Code Enforcement")
MATCHER = DepartmentMatcher([PRNS, DOT, ESD, PBCE])


def test_normalising_ignores_case_punctuation_ampersands_and_abbreviations():
    assert normalise_department("Parks, Rec. & Neighborhood Svcs") == normalise_department(
        "parks recreation AND neighbourhood services"
    )
    assert normalise_department("Dept. of Transportation") == "transportation"


def test_initials_are_built_from_the_significant_words_of_the_name():
    assert initials(PRNS.name) == "prns"
    assert initials(PBCE.name) == "pbce"


@pytest.mark.parametrize(
    "typed, department",
    [
        ("PRNS", PRNS),
        ("prns", PRNS),
        ("Parks, Recreation and Neighborhood Services", PRNS),
        ("parks rec & neighborhood svcs", PRNS),
        ("Dept of Transportation", DOT),
        ("transportation", DOT),
        ("P.B.C.E.", PBCE),
    ],
)
def test_an_exact_normalised_match_is_taken_without_asking(typed, department):
    found = MATCHER.match(typed)
    assert found.department is department and not found.suggested


@pytest.mark.parametrize("typed, department", [("Parks", PRNS), ("Environ", ESD)])
def test_a_unique_partial_match_is_only_a_suggestion(typed, department):
    found = MATCHER.match(typed)
    assert found.department is department and found.suggested


@pytest.mark.parametrize("typed", ["Nowhere", "Services", ""])
def test_no_match_or_an_ambiguous_one_names_no_department(typed):
    """ "Services" starts words of two names, so neither is suggested."""
    assert MATCHER.match(typed).department is None
