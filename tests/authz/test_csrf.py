"""The CSRF walk: every state-changing route refuses a post without a token, or with the token
of another session, with 400, and changes no row of any table and no stored file.

Each post is sent by a principal the matrix lets through, so the 400 comes from the CSRF
check and not from the role check; the matrix walk shows the same post with a valid token
gets through.
"""

from __future__ import annotations

import pytest

from tests.authz import cases
from tests.authz.walk import PUBLIC_POSTS, load_matrix, refused, send, snapshot, token_for
from tests.conftest import sign_in_by_session
from tests.factories import make_organisation

POSTS = [row for row in load_matrix() if row["method"] != "GET"]
PREFERRED = ("admin", "privacy", "procurement", "vendor_a")


def allowed_principal(row: dict) -> str:
    """Anonymous for the public posts, else the first signed-in principal not refused."""
    if row["endpoint"] in PUBLIC_POSTS:
        return "anonymous"
    for principal in PREFERRED:
        if not refused(row, principal, int(row[principal])):
            return principal
    raise AssertionError(f"no principal may post to {row['endpoint']}")


def foreign_token(app, principal: str, owner) -> str:
    """A valid token, but of another client's session (signed in like the sender)."""
    other = app.test_client()
    user = cases.make_principal(principal, owner)
    if user is not None:
        sign_in_by_session(other, user)
    return token_for(other, user)


WALK = [
    pytest.param(row, kind, id=f"{row['endpoint']}-{row['method']}-{kind}-token")
    for row in POSTS
    for kind in ("missing", "foreign")
]


def test_every_state_changing_route_is_walked(app):
    """The walk covers every POST (or other mutating) route of the URL map."""
    mutating = {(e, m) for e, m in cases.routes(app) if m != "GET"}
    assert mutating == {(row["endpoint"], row["method"]) for row in POSTS}


@pytest.mark.parametrize(("row", "kind"), WALK)
def test_a_post_without_its_sessions_token_gets_400_and_changes_nothing(app, client, db, row, kind):
    """No token, or another session's token: 400, and every row and stored file is unchanged."""
    owner = make_organisation()
    principal = allowed_principal(row)
    user = cases.make_principal(principal, owner)
    url, data = cases.build(row["endpoint"], row["method"], owner, user)
    if user is not None:
        sign_in_by_session(client, user)
    token = foreign_token(app, principal, owner) if kind == "foreign" else None
    assert token is None or token != token_for(client, user)
    before = snapshot(app, db)

    response = send(client, row["method"], url, data, token)

    assert response.status_code == 400, f"{principal} {url}"
    assert snapshot(app, db) == before
