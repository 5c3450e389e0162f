"""Coverage rows for the public register and its publication control:
roles (PAGES), audit events (AUDIT_CASES) and vendor isolation (ISOLATION_CASES),
and the set-ups the register's tests share."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from sharing.agreements.models import Agreement, AgreementStatus, agreement_flows
from sharing.core.clock import today
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowStatus
from sharing.register.changelog import sync_changes
from tests.factories import make_approved_flow, make_category, make_organisation
from tests.web.tables import ROLES, AuditCase, IsolationCase, Page
from tests.web.tables.agreement_lifecycle import make_agreement

# Shared set-ups ------------------------------------------------------------------------


def arrangement_expiry() -> date:
    """When a `make_arrangement` agreement expires: two years after the day the test runs, so
    that it is in force whatever that day is."""
    return today() + timedelta(days=730)


def make_arrangement(
    *,
    agreement_status: AgreementStatus = AgreementStatus.ACTIVE,
    categories: tuple = (),
    organisation: Any = None,
    **overrides: Any,
) -> DataFlow:
    """An approved, published flow covered by an agreement in `agreement_status`; the
    changelog records it as the lifecycle would have (an addition when it is public)."""
    organisation = organisation or make_organisation()
    overrides.setdefault("published", True)
    overrides.setdefault(
        "subprocessors", [{"name": "Cloudy", "service": "hosting", "country": "US"}]
    )
    flow = make_approved_flow(organisation, categories or (make_category(),), **overrides)
    make_agreement(
        agreement_status,
        organisation_id=organisation.id,
        flows=[flow],
        effective_date=today() - timedelta(days=365),
        expiry_date=arrangement_expiry(),
    )
    sync_changes(today=today())
    db.session.commit()
    return flow


def flow_agreements(flow: DataFlow) -> list[Agreement]:
    """The agreements that name this revision."""
    return list(
        db.session.scalars(
            select(Agreement)
            .join(agreement_flows, agreement_flows.c.agreement_id == Agreement.id)
            .where(agreement_flows.c.flow_id == flow.id)
            .order_by(Agreement.id)
        )
    )


def _arrangement() -> dict:
    return {"flow": make_arrangement().lineage_id}


def _draft_flow() -> dict:
    return {"flow": make_arrangement(status=FlowStatus.DRAFT).id}


# Pages ---------------------------------------------------------------------------------

PAGES: tuple[Page, ...] = (
    Page("register.index", "/register/", ROLES, anonymous=200),
    Page("register.arrangement", "/register/{flow}", ROLES, anonymous=200, params=_arrangement),
    Page("register.changes", "/register/changes", ROLES, anonymous=200),
    Page("register.feed_csv", "/register/register.csv", ROLES, anonymous=200),
    Page("register.feed_json", "/register/register.json", ROLES, anonymous=200),
    Page("register.changes_csv", "/register/changes.csv", ROLES, anonymous=200),
    Page("register.changes_json", "/register/changes.json", ROLES, anonymous=200),
    Page(
        "register.publication",
        "/register/flows/{flow}/publication",
        ("admin", "privacy"),
        params=_draft_flow,
    ),
)


# Audited posts -------------------------------------------------------------------------


def exempt_flow(login_as) -> tuple[str, dict]:
    login_as("privacy")
    flow = make_arrangement()
    data = {
        "decision": "exempt",
        "exemption": "Security of critical infrastructure",
        "version": str(flow.version),
    }
    return f"/register/flows/{flow.id}/publication", data


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("register.publication", "flow.publication_changed", exempt_flow),
)
ISOLATION_CASES: tuple[IsolationCase, ...] = ()
