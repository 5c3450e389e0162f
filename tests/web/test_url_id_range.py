"""Whole numbers in URLs beyond what an id column holds answer 404, never a server error."""

from __future__ import annotations

import re

import pytest
from flask import url_for

from sharing.core.query_args import MAX_ID

# Beyond 64 bits (the driver overflows), 2**63 (just past BIGINT), 2**31 (just past
# PostgreSQL's INTEGER, which every id column is), and a zero-padded absurd length.
BEYOND = ("99999999999999999999", str(2**63), str(2**31), "0" * 5000 + "1")
_INT_ARGUMENT = re.compile(r"<int:\w+>")
_OTHER_ARGUMENT = re.compile(r"<(?:\w+:)?\w+>")


def _urls_with_ids(app) -> list[tuple[str, set[str]]]:
    rules = [rule for rule in app.url_map.iter_rules() if _INT_ARGUMENT.search(rule.rule)]
    return [(rule.rule, set(rule.methods or ()) & {"GET", "POST"}) for rule in rules]


def _with(rule: str, number: str) -> str:
    return _OTHER_ARGUMENT.sub("x", _INT_ARGUMENT.sub(number, rule))


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "admin"])
def test_every_url_with_an_id_beyond_the_database_range_is_404(app, client, login_as, signed_in):
    """Every route with an integer in its path answers 404 to GET and POST beyond the range."""
    if signed_in:
        login_as("admin")
    token = client.csrf_token("/auth/sign-in" if not signed_in else "/auth/account")
    walked = _urls_with_ids(app)
    assert len(walked) > 50  # the walk really covers the id routes
    wrong = []
    for rule, methods in walked:
        for number in BEYOND:
            url = _with(rule, number)
            if "GET" in methods:
                status = client.get(url).status_code
                if status != 404:
                    wrong.append(("GET", url[:80], status))
            if "POST" in methods:
                status = client.post(url, data={"csrf_token": token}).status_code
                if status != 404:
                    wrong.append(("POST", url[:80], status))
    assert wrong == []


def test_the_largest_id_still_matches_and_ids_still_build(app, client):
    """The bound is exact: MAX_ID itself reaches the view (a plain 404 for a missing row is
    the view's answer), and url_for still builds integer URLs."""
    assert client.get(f"/register/{MAX_ID}").status_code == 404
    with app.test_request_context():
        assert url_for("register.arrangement", flow_id=MAX_ID).endswith(f"/{MAX_ID}")
    adapter = app.url_map.bind("localhost")
    assert adapter.match(f"/register/{MAX_ID}")[1] == {"flow_id": MAX_ID}
