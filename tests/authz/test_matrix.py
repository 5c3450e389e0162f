"""The authorization matrix: every route, for every kind of principal, answers the status that
tests/authz/matrix.csv expects, and a refused state-changing request changes nothing.

Principals: anonymous; vendor_a, a vendor user of the organisation owning the objects in the
URL; vendor_b, a vendor user of another organisation; and one user of each staff role.
"""

from __future__ import annotations

import pytest

from tests.authz import cases
from tests.authz.walk import load_matrix, refused, send, snapshot, token_for
from tests.conftest import sign_in_by_session
from tests.factories import make_organisation

ROWS = load_matrix()
WALK = [
    pytest.param(row, principal, id=f"{row['endpoint']}-{row['method']}-{principal}")
    for row in ROWS
    for principal in cases.PRINCIPALS
]


def test_every_route_is_classified_in_the_matrix(app):
    """Each (endpoint, method) of the URL map has one matrix row, and each row a live route."""
    listed = [(row["endpoint"], row["method"]) for row in ROWS]
    live = cases.routes(app)
    assert sorted(live - set(listed)) == [], "add these routes to matrix.csv"
    assert sorted(set(listed) - live) == [], "remove these stale rows from matrix.csv"
    assert len(listed) == len(set(listed)), "a route is listed twice"


def test_every_matrix_row_has_a_way_to_build_its_request():
    """The walk knows how to build a URL (and form data) for every row."""
    missing = [
        (r["endpoint"], r["method"])
        for r in ROWS
        if (r["endpoint"], r["method"]) not in cases.CASES
    ]
    assert missing == []


def test_every_cell_is_a_status_code():
    """Cells are HTTP status codes the walk can compare."""
    cells = {row[p] for row in ROWS for p in cases.PRINCIPALS}
    assert cells <= {"200", "302", "400", "403", "404", "405", "409"}


@pytest.mark.parametrize(("row", "principal"), WALK)
def test_each_principal_gets_the_status_in_the_matrix(app, client, db, row, principal):
    """The response status equals the cell; a refused post leaves every row and file as it was."""
    owner = make_organisation()
    user = cases.make_principal(principal, owner)
    url, data = cases.build(row["endpoint"], row["method"], owner, user)
    if user is not None:
        sign_in_by_session(client, user)
    token = token_for(client, user) if row["method"] != "GET" else None
    before = snapshot(app, db) if row["method"] != "GET" else None

    response = send(client, row["method"], url, data, token)

    expected = int(row[principal])
    body = response.get_data(as_text=True)[:300] if response.status_code >= 500 else ""
    assert response.status_code == expected, f"{url} {response.headers.get('Location')} {body}"
    if principal == "anonymous" and refused(row, principal, expected) and expected == 302:
        assert response.headers["Location"].startswith("/auth/sign-in")
    if before is not None and refused(row, principal, expected):
        assert snapshot(app, db) == before
