"""Draft tests/authz/matrix.csv from the coverage tables and the views' declared roles.

    python -m tests.authz.build_matrix > /tmp/draft.csv
    python -m tests.authz.build_matrix --missing   # draft rows only for routes not yet listed

The draft is a starting point: the checked-in CSV is reviewed by hand and is the truth the
walk checks. Rules: a role the view allows gets 200 on a GET (302 if the page sends it
elsewhere) and 302 on a POST; other roles 403; anonymous visitors 302 to sign-in, or what the
Page row says; a vendor of another organisation gets 404 on a route with an IsolationCase.
"""

from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

from sharing import create_app
from tests.authz.cases import PRINCIPALS, routes
from tests.authz.walk import load_matrix
from tests.conftest import base_config
from tests.web import test_vendor_isolation as isolation_tables
from tests.web.tables import pages as role_tables

COLUMNS = ("endpoint", "method", *PRINCIPALS)
ROLE_OF = {"vendor_a": "vendor", "vendor_b": "vendor"}


def _cell(app, endpoint: str, method: str, principal: str, pages: dict, isolated: set) -> int:
    allowed = getattr(app.view_functions[endpoint], "allowed_roles", None)
    page = pages.get(endpoint) if method == "GET" else None
    success = 200 if method == "GET" else 302
    if principal == "anonymous":
        if page is not None:
            return page.anonymous
        return success if allowed is None else 302
    role = ROLE_OF.get(principal, principal)
    if principal == "vendor_b" and (endpoint, method) in isolated:
        return 404
    if page is not None and role in page.redirected:
        return 302
    if page is not None:
        return success if role in page.roles else 403
    return success if allowed is None or role in allowed else 403


def draft(app) -> list[dict]:
    pages = {page.endpoint: page for page in role_tables.PAGES}
    isolated = {(case.endpoint, case.method) for case in isolation_tables.CASES}
    return [
        {
            "endpoint": endpoint,
            "method": method,
            **{p: _cell(app, endpoint, method, p, pages, isolated) for p in PRINCIPALS},
        }
        for endpoint, method in sorted(routes(app))
    ]


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    app = create_app(base_config(f"sqlite:///{folder / 'draft.db'}", folder))
    rows = draft(app)
    writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n")
    if "--missing" in sys.argv:
        listed = {(row["endpoint"], row["method"]) for row in load_matrix()}
        rows = [row for row in rows if (row["endpoint"], row["method"]) not in listed]
    else:
        writer.writeheader()
    writer.writerows(rows)


if __name__ == "__main__":
    main()
