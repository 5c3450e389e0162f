"""Coverage rows for the algorithm register's public pages and the register's open data
(algorithm feeds, JSON Schemas, the DCAT-US catalog): all read without signing in, and none
changes anything (no AUDIT_CASES)."""

from __future__ import annotations

from tests.factories import make_algorithm
from tests.web.tables import ROLES, AuditCase, IsolationCase, Page


def _algorithm() -> dict:
    return {"algorithm": make_algorithm(approved=True).id}


PAGES: tuple[Page, ...] = (
    Page("register.algorithms", "/register/algorithms", ROLES, anonymous=200),
    Page(
        "register.algorithm",
        "/register/algorithms/{algorithm}",
        ROLES,
        anonymous=200,
        params=_algorithm,
    ),
    Page("register.algorithms_csv", "/register/algorithms.csv", ROLES, anonymous=200),
    Page("register.algorithms_json", "/register/algorithms.json", ROLES, anonymous=200),
    Page("register.schema", "/register/schemas/register-1.1.json", ROLES, anonymous=200),
    Page("register.data_json", "/register/data.json", ROLES, anonymous=200),
)
AUDIT_CASES: tuple[AuditCase, ...] = ()
ISOLATION_CASES: tuple[IsolationCase, ...] = ()
