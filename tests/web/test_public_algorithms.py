"""The public algorithm register: the list and each record's page, read only from the approved
snapshot, and the arrangement page's new fields (legal authority, whose information, children,
automated decisions, the algorithms it feeds)."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import event

from sharing.algorithms.public import FIELD_NAMES as ALGORITHM_FIELD_NAMES
from sharing.algorithms.public import TIER_2
from sharing.extensions import db
from sharing.register.algorithm_views import sections
from tests.factories import make_algorithm, make_organisation
from tests.web.tables.register import make_arrangement


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_the_arrangement_page_shows_authority_subjects_children_and_automated_decisions(client):
    """Legal authority, data subjects, "Includes children: yes", decisions and oversight."""
    flow = make_arrangement(
        legal_authority="California Vehicle Code section 22511",
        data_subjects="Residents applying for a parking permit",
        includes_minors=True,
        automated_decisions=True,
        automated_decision_description="Permits are granted when the address matches",
        human_oversight="A clerk checks every refusal",
    )
    page = _text(client, f"/register/{flow.lineage_id}")
    assert "Includes children: yes" in page
    for text in (
        "California Vehicle Code section 22511",
        "Residents applying for a parking permit",
        "Permits are granted when the address matches",
        "A clerk checks every refusal",
    ):
        assert text in page


def test_a_stale_automated_decision_description_is_not_shown_when_there_are_none(client):
    """With automated_decisions off, an old description stays off the page and the feed."""
    flow = make_arrangement(
        automated_decisions=False, automated_decision_description="Old robot text"
    )
    assert "Old robot text" not in _text(client, f"/register/{flow.lineage_id}")
    (row,) = client.get("/register/register.json").get_json()["arrangements"]
    assert row["automated_decisions"] == "no"
    assert row["automated_decision_description"] == ""
    assert row["includes_minors"] == "no"


def test_the_arrangement_links_only_the_public_algorithms_it_feeds(client):
    """An approved, published algorithm is linked by its approved name; drafts and
    unpublished records are not named."""
    flow = make_arrangement()
    shown = make_algorithm(flow.organisation, (flow,), approved=True, name="Pothole ranker")
    make_algorithm(flow.organisation, (flow,), name="Draft secret model")
    make_algorithm(flow.organisation, (flow,), approved=True, published=False, name="Hidden model")
    page = _text(client, f"/register/{flow.lineage_id}")
    assert f'href="/register/algorithms/{shown.id}"' in page
    assert "Pothole ranker" in page
    assert "Draft secret model" not in page and "Hidden model" not in page
    (row,) = client.get("/register/register.json").get_json()["arrangements"]
    assert row["algorithms"] == [{"algorithm_id": shown.id, "name": "Pothole ranker"}]


def test_the_algorithm_list_shows_public_records_only_with_search_and_sort(client):
    """Drafts and unpublished records are not listed; search narrows; sort orders in SQL."""
    organisation = make_organisation()
    make_algorithm(organisation, approved=True, name="Alpha triage")
    make_algorithm(organisation, approved=True, name="Zulu scoring")
    make_algorithm(organisation, name="Draft model")
    make_algorithm(organisation, approved=True, published=False, name="Unpublished model")
    page = _text(client, "/register/algorithms")
    assert "Alpha triage" in page and "Zulu scoring" in page
    assert "Draft model" not in page and "Unpublished model" not in page
    descending = _text(client, "/register/algorithms?sort=-name")
    assert descending.index("Zulu scoring") < descending.index("Alpha triage")
    searched = _text(client, "/register/algorithms?q=zulu")
    assert "Zulu scoring" in searched and "Alpha triage" not in searched
    assert "No algorithm matches" in _text(client, "/register/algorithms?q=nothing-like-it")


def test_the_algorithm_list_has_an_empty_state(client):
    """With no public record the list says so and points to the register."""
    assert "No algorithm record is published yet" in _text(client, "/register/algorithms")


def test_an_algorithm_page_is_404_unless_public(client):
    """Drafts, and approved records taken off the register, have no public page."""
    draft = make_algorithm()
    hidden = make_algorithm(approved=True, published=False)
    assert client.get(f"/register/algorithms/{draft.id}").status_code == 404
    assert client.get(f"/register/algorithms/{hidden.id}").status_code == 404
    assert client.get("/register/algorithms/999999").status_code == 404


def test_an_algorithm_page_shows_tier_one_then_the_details_and_links_its_arrangements(client):
    """Tier 1 first, the tier-2 sections, and each arrangement linked to its public page."""
    flow = make_arrangement()
    algorithm = make_algorithm(
        flow.organisation,
        (flow,),
        approved=True,
        name="Permit triage",
        legal_basis="Municipal Code 11.1",
        legal_basis_url="https://example.org/code/11.1",
        limitations="Misreads handwritten forms",
    )
    page = _text(client, f"/register/algorithms/{algorithm.id}")
    assert page.index("How to challenge a decision") < page.index("Decisions and oversight")
    assert page.index("Decisions and oversight") < page.index("Known limitations")
    assert 'href="https://example.org/code/11.1"' in page
    assert "Misreads handwritten forms" in page
    assert f'href="/register/{flow.lineage_id}"' in page


def test_the_public_page_keeps_the_approved_values_after_an_unapproved_edit(client):
    """Editing an approved record changes nothing public until it is approved again."""
    algorithm = make_algorithm(approved=True, name="Approved name", limitations="Approved limit")
    algorithm.name, algorithm.limitations = "Edited name", "Edited limit"
    db.session.commit()
    page = _text(client, f"/register/algorithms/{algorithm.id}")
    assert "Approved name" in page and "Approved limit" in page
    assert "Edited" not in page
    assert "Edited" not in _text(client, "/register/algorithms")
    assert "Edited" not in _text(client, "/register/algorithms.csv")


@pytest.mark.own_app
def test_arrangement_and_algorithm_pages_link_to_raise_a_concern_about_them(app, client):
    """Once the concerns form exists, each page links to it naming its subject."""
    if "concerns.new" not in app.view_functions:
        # Stands in for the concerns package where it is not installed yet.
        app.add_url_rule("/concerns/new", endpoint="concerns.new", view_func=lambda: "form")
    flow = make_arrangement()
    algorithm = make_algorithm(flow.organisation, (flow,), approved=True)
    arrangement_page = _text(client, f"/register/{flow.lineage_id}")
    assert f'href="/concerns/new?arrangement={flow.lineage_id}"' in arrangement_page
    assert "Raise a concern or report an error" in arrangement_page
    algorithm_page = _text(client, f"/register/algorithms/{algorithm.id}")
    assert f'href="/concerns/new?algorithm={algorithm.id}"' in algorithm_page


def _statements_for(client, url: str) -> int:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_algorithm_list_and_register_run_the_same_statements_for_2_and_12_rows(client):
    """No N+1: the algorithm list, and the register naming each arrangement's algorithms,
    cost the same number of statements whatever the rows shown."""

    def add(count: int) -> None:
        for _ in range(count):
            flow = make_arrangement()
            make_algorithm(flow.organisation, (flow,), approved=True)

    add(2)
    urls = ("/register/algorithms", "/register/", "/register/algorithms.json")
    small = [_statements_for(client, url) for url in urls]
    add(10)
    assert [_statements_for(client, url) for url in urls] == small


def test_the_algorithm_csv_has_the_declared_fields_is_formula_safe_and_follows_the_search(client):
    """algorithms.csv: header = ALGORITHM_FIELDS, formulas escaped, ?q narrows, ?bom=1 adds
    the mark for Excel."""
    make_algorithm(approved=True, name="=SUM(1)")
    make_algorithm(approved=True, name="Parking model")
    response = client.get("/register/algorithms.csv")
    assert response.mimetype == "text/csv"
    assert 'filename="algorithms.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(rows[0]) == ALGORITHM_FIELD_NAMES
    assert "'=SUM(1)" in {row[ALGORITHM_FIELD_NAMES.index("name")] for row in rows[1:]}
    searched = client.get("/register/algorithms.csv?q=parking").get_data(as_text=True)
    assert "Parking model" in searched and "SUM" not in searched
    assert client.get("/register/algorithms.csv?bom=1").get_data(as_text=True).startswith("\ufeff")
    body = client.get("/register/algorithms.json?q=parking").get_json()
    assert [r["name"] for r in body["algorithms"]] == ["Parking model"]


def test_the_register_csv_names_each_algorithm_with_its_number(client):
    """In the register's CSV an arrangement's algorithms read “name (number)”."""
    flow = make_arrangement()
    algorithm = make_algorithm(flow.organisation, (flow,), approved=True, name="Meter model")
    rows = list(
        csv.DictReader(io.StringIO(client.get("/register/register.csv").get_data(as_text=True)))
    )
    assert rows[0]["algorithms"] == f"Meter model ({algorithm.id})"
    assert rows[0]["includes_minors"] == "no"


def test_every_tier_two_field_has_a_place_on_the_algorithm_page():
    """Each detail field sits in exactly one section (a new one falls to "Other details")."""
    placed = [f.name for _, fields in sections() for f in fields]
    assert sorted(placed) == sorted(f.name for f in TIER_2)


def test_a_snapshot_taken_before_a_field_existed_still_shows_and_validates(client):
    """An older approval without a newer key gives None (or an empty list), not an error."""
    algorithm = make_algorithm(approved=True)
    snapshot = dict(algorithm.approved_snapshot)
    del snapshot["categories"], snapshot["limitations"]
    algorithm.approved_snapshot = snapshot
    db.session.commit()
    assert client.get(f"/register/algorithms/{algorithm.id}").status_code == 200
    (row,) = client.get("/register/algorithms.json").get_json()["algorithms"]
    assert row["categories"] == [] and row["limitations"] is None
