"""Coverage rows for the disclosure log and the accounting report:
roles (PAGES), audit events (AUDIT_CASES) and vendor isolation (ISOLATION_CASES), and the
disclosure set-ups the log tests share."""

from __future__ import annotations

from datetime import date
from typing import Any

from sharing.agreements.models import AgreementStatus
from sharing.auth.models import User
from sharing.core.clock import today
from sharing.disclosures import log
from sharing.disclosures.models import Disclosure
from sharing.extensions import db
from sharing.flows.models import DataFlow
from tests.factories import make_approved_flow, make_category, make_organisation, make_user
from tests.web.tables import AuditCase, IsolationCase, Page
from tests.web.tables.agreement_lifecycle import SAMPLE_PDF, make_agreement

STAFF = ("admin", "privacy", "procurement")
OFFICE = ("admin", "privacy")
PURPOSES = "Deliver the contracted service\nFraud prevention"
# The log's set-ups happen in the year before the day the suite runs, so every date is in the
# past, and inside its agreement, whatever that day is.
YEAR = today().year - 1
TODAY = date(YEAR, 6, 30)
DISCLOSED_ON = date(YEAR, 3, 2)


def on(month: int, day: int) -> date:
    """A day of YEAR."""
    return date(YEAR, month, day)


def make_covered_flow(*, agreement: bool = True, **overrides: Any) -> DataFlow:
    """An approved flow with one category, covered (or not) by an active agreement from YEAR."""
    organisation = make_organisation()
    overrides.setdefault("purposes", PURPOSES)
    flow = make_approved_flow(organisation, (make_category(),), **overrides)
    if agreement:
        covering = make_agreement(
            AgreementStatus.ACTIVE, organisation_id=organisation.id, effective_date=on(1, 1)
        )
        covering.flows = [flow]
        db.session.commit()
    return flow


def make_disclosure(
    flow: DataFlow | None = None, actor: User | None = None, **overrides
) -> Disclosure:
    """An entry recorded through the service (so flags and retention are derived)."""
    flow = flow or make_covered_flow()
    values: dict[str, Any] = {
        "flow_id": flow.id,
        "disclosed_on": DISCLOSED_ON,
        "categories": [link.category_id for link in flow.categories],
        "record_count": 120,
        "purpose": "Deliver the contracted service",
        "legal_authority": "Municipal code 12.4",
        "requested_by": "Vendor operations",
        "method": "sftp",
    }
    request_file = overrides.pop("request_file", None)
    values.update(overrides)
    return log.record_disclosure(
        entry=log.DisclosureEntry(**values),
        request_file=request_file,
        actor=actor or _system_user(),
        today=TODAY,
    )


def _system_user() -> User:
    return make_user(role="privacy")


def form_data(flow: DataFlow, **overrides: Any) -> dict:
    values = {
        "disclosed_on": DISCLOSED_ON.isoformat(),
        "categories": [str(link.category_id) for link in flow.categories],
        "record_count": "120",
        "purpose_choice": "Deliver the contracted service",
        "purpose_other": "",
        "legal_authority": "Municipal code 12.4",
        "requested_by": "Vendor operations",
        "authorized_by_id": "",
        "method": "sftp",
        "frequency": "",
        "exempt_reason": "",
    }
    values.update(overrides)
    return values


# Pages ---------------------------------------------------------------------------------


def _entry() -> dict:
    return {"disclosure": make_disclosure().id}


def _entry_with_file() -> dict:
    upload = log.Upload(SAMPLE_PDF, "request.pdf")
    return {"disclosure": make_disclosure(request_file=upload).id}


PAGES: tuple[Page, ...] = (
    Page("disclosures.log", "/disclosures/log", STAFF),
    Page("disclosures.new_disclosure", "/disclosures/log/new", STAFF),
    Page("disclosures.disclosure", "/disclosures/log/{disclosure}", STAFF, params=_entry),
    Page("disclosures.edit_disclosure", "/disclosures/log/{disclosure}/edit", STAFF, params=_entry),
    Page(
        "disclosures.download_request",
        "/disclosures/log/{disclosure}/request",
        STAFF,
        params=_entry_with_file,
    ),
    Page("disclosures.accounting", "/disclosures/accounting", OFFICE),
    Page("disclosures.accounting_export", "/disclosures/accounting.xlsx", OFFICE),
)


# Audit cases -----------------------------------------------------------------------------


def _new(login_as) -> tuple[str, dict]:
    flow = make_covered_flow()
    login_as("privacy")
    return f"/disclosures/log/new?flow={flow.id}", form_data(flow)


def _edit(login_as) -> tuple[str, dict]:
    entry = make_disclosure()
    login_as("privacy")
    return f"/disclosures/log/{entry.id}/edit", form_data(entry.flow, record_count="130")


def _occurrence(login_as) -> tuple[str, dict]:
    entry = make_disclosure(is_recurring=True, frequency="daily")
    login_as("privacy")
    return f"/disclosures/log/{entry.id}/occurrences", {"on": on(3, 3).isoformat(), "records": "5"}


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("disclosures.new_disclosure", "disclosure.recorded", _new),
    AuditCase("disclosures.edit_disclosure", "disclosure.updated", _edit),
    AuditCase("disclosures.record_occurrence", "disclosure.occurrence_recorded", _occurrence),
)
# Vendors never reach the log or the report.
ISOLATION_CASES: tuple[IsolationCase, ...] = ()
