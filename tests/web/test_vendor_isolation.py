"""Vendor isolation: every vendor route that names an object by id answers 404 to a vendor of
another organisation, and changes no row of any table and no stored file.

The cases come from the coverage tables in tests/web/tables/ (attestations, evidence, portal).
A completeness test fails when a vendor route with an id has no case, and a positive control
shows each GET case works for the owner, so the 404 comes from the scope, not a broken URL.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import select

from tests.factories import make_organisation
from tests.web.tables import (
    IsolationCase,
    accountability,
    adoptions,
    attestations,
    calendar,
    dashboards,
    disposition,
    evidence,
    fact_sheets,
    inbox,
    incidents,
    negotiation,
    portal,
    reminders,
    signing,
)

CASES: tuple[IsolationCase, ...] = (
    attestations.ISOLATION_CASES
    + evidence.ISOLATION_CASES
    + fact_sheets.ISOLATION_CASES
    + portal.ISOLATION_CASES
    + reminders.ISOLATION_CASES
    + calendar.ISOLATION_CASES
    + incidents.ISOLATION_CASES
    + dashboards.ISOLATION_CASES
    + accountability.ISOLATION_CASES
    + inbox.ISOLATION_CASES
    + negotiation.ISOLATION_CASES
    + signing.ISOLATION_CASES
    + adoptions.ISOLATION_CASES
    + disposition.ISOLATION_CASES
)
WALKED_BLUEPRINTS = (
    "adoptions",
    "algorithms",
    "attestations",
    "portal",
    "renewals",
    "disclosures",
    "reports",
    "inbox",
    "negotiation",
    "signing",
    "disposition",
)
_INT_ARGUMENT = re.compile(r"<int:[^>]+>")
# A page every vendor user can open, to take a CSRF token from.
TOKEN_PAGE = "/portal/"


def _rows(db) -> dict[str, list[tuple]]:
    """Every row of every table, as sorted tuples, read fresh from the database."""
    db.session.expire_all()
    return {
        table.name: sorted((tuple(row) for row in db.session.execute(select(table))), key=repr)
        for table in db.metadata.sorted_tables
    }


def _files(app) -> list[str]:
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _url(app, case: IsolationCase, values: dict) -> str:
    with app.test_request_context():
        return url_for(case.endpoint, **values)


def _send(client, case: IsolationCase, url: str, token: str | None):
    if case.method == "GET":
        return client.get(url)
    return client.post(url, data={**(case.data or {}), "csrf_token": token})


@pytest.mark.parametrize("case", CASES, ids=[f"{c.id}-{c.method}" for c in CASES])
def test_vendor_of_another_organisation_gets_404_and_changes_nothing(
    app, client, db, login_as, case
):
    """Another organisation's id answers 404, and no row or stored file changes."""
    owner = make_organisation()
    url = _url(app, case, case.setup(owner))
    outsider = login_as("vendor")
    assert outsider.organisation_id != owner.id
    token = client.csrf_token(TOKEN_PAGE) if case.method == "POST" else None
    rows, files = _rows(db), _files(app)

    response = _send(client, case, url, token)

    assert response.status_code == 404, response.get_data(as_text=True)[:300]
    assert _rows(db) == rows
    assert _files(app) == files


GET_CASES = [c for c in CASES if c.method == "GET"]


@pytest.mark.parametrize("case", GET_CASES, ids=[f"{c.id}-{c.method}" for c in GET_CASES])
def test_vendor_of_the_owning_organisation_opens_the_same_url(app, client, login_as, case):
    """The owner's vendor gets the page, so the walk's 404s come from the organisation scope."""
    owner = make_organisation()
    url = _url(app, case, case.setup(owner))
    login_as("vendor", organisation_id=owner.id)

    response = client.get(url)

    assert response.status_code in (200, 302), response.get_data(as_text=True)[:300]


def test_every_vendor_route_with_an_id_has_an_isolation_case(app):
    """A vendor route under attestations or portal taking an <int:> id needs a case per method."""
    listed = {(case.endpoint, case.method) for case in CASES}
    needed = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in WALKED_BLUEPRINTS:
            continue
        view = app.view_functions[rule.endpoint]
        if "vendor" not in getattr(view, "allowed_roles", ()):
            continue
        if not _INT_ARGUMENT.search(rule.rule):
            continue
        needed |= {(rule.endpoint, method) for method in rule.methods & {"GET", "POST"}}
    missing = sorted(needed - listed)
    assert missing == [], f"add an IsolationCase for: {missing}"


def test_the_walk_covers_every_portal_object(app):
    """Agreements, signed copies, flows and incidents of the portal each have a case."""
    endpoints = {case.endpoint for case in portal.ISOLATION_CASES}
    assert endpoints >= {"portal.agreement", "portal.signed_copy", "portal.flow", "portal.incident"}
