"""Coverage-table rows for the agreement lifecycle routes, and the agreement set-ups its tests
share (an agreement in any status, a signed PDF)."""

from __future__ import annotations

import hashlib
import itertools
from datetime import date
from typing import Any

from sharing.agreements import files
from sharing.agreements.dates import term_end
from sharing.agreements.models import Agreement, AgreementStatus
from sharing.core.clock import now, today
from sharing.extensions import db
from sharing.vendors.models import OrganisationStatus
from tests.factories import make_organisation
from tests.web.tables import STAFF, AuditCase, Page

S = AgreementStatus
OFFICE = ("admin", "privacy")
SENT = S.SENT_FOR_SIGNATURE
_numbers = itertools.count(1)

# A small but complete PDF: header, one object, trailer and end-of-file marker.
SAMPLE_PDF = (
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R /Size 3 >>\nstartxref\n0\n%%EOF\n"
)
# Statuses that come after signature: these agreements have dates.
SIGNED = {S.EXECUTED, S.ACTIVE, S.EXPIRING, S.EXPIRED, S.RENEWED, S.TERMINATED}


def make_agreement(status: AgreementStatus = S.GENERATED, **overrides: Any) -> Agreement:
    """An agreement in `status`, saved directly (the generation service is not run). Signed
    statuses get a 36-month term from 1 January 2026 unless dates are given."""
    organisation_id = overrides.pop("organisation_id", None) or make_organisation().id
    n = next(_numbers)
    values: dict[str, Any] = {
        "number": f"TST-{n:05d}",
        "title": f"Data protection agreement {n}",
        "organisation_id": organisation_id,
        "status": status,
        "term_months": 36,
    }
    if status in SIGNED:
        values["effective_date"] = date(2026, 1, 1)
        values["signed_on"] = date(2025, 12, 15)
    values.update(overrides)
    if values.get("effective_date") and "expiry_date" not in values:
        values["expiry_date"] = term_end(values["effective_date"], values["term_months"])
    agreement = Agreement(**values)
    db.session.add(agreement)
    db.session.commit()
    return agreement


def make_signed_agreement(status: AgreementStatus = S.EXECUTED, **overrides: Any) -> Agreement:
    """An agreement whose signed PDF is archived."""
    stored = files.store(SAMPLE_PDF, ".pdf")
    return make_agreement(
        status,
        signed_file=stored,
        signed_sha256=hashlib.sha256(SAMPLE_PDF).hexdigest(),
        signed_uploaded_at=now(),
        **overrides,
    )


# Pages ---------------------------------------------------------------------------------


def _in(status: AgreementStatus):
    def params() -> dict:
        return {"agreement": make_agreement(status).id}

    return params


def _signed() -> dict:
    return {"agreement": make_signed_agreement().id}


PAGES: tuple[Page, ...] = (
    Page("agreements.execute", "/agreements/{agreement}/execute", STAFF, params=_in(SENT)),
    Page("agreements.terminate", "/agreements/{agreement}/terminate", OFFICE, params=_in(S.ACTIVE)),
    Page("agreements.renew", "/agreements/{agreement}/renew", OFFICE, params=_in(S.ACTIVE)),
    Page("agreements.signed_copy", "/agreements/{agreement}/signed.pdf", STAFF, params=_signed),
)  # fmt: skip


# Audited posts -------------------------------------------------------------------------


def _step(role: str, status: AgreementStatus, action: str, **overrides: Any):
    def setup(login_as):
        # An organization already active, so activation changes the agreement alone; a
        # prospective one also gets its own organisation.activated event.
        organisation = make_organisation(status=OrganisationStatus.ACTIVE)
        agreement = make_agreement(status, organisation_id=organisation.id, **overrides)
        login_as(role)
        return f"/agreements/{agreement.id}/step/{action}", {"version": str(agreement.version)}

    return setup


def execute(login_as):
    from io import BytesIO

    # The effective date is the agreement's own, set at drafting; the upload does not ask it.
    agreement = make_agreement(S.SENT_FOR_SIGNATURE, effective_date=today())
    login_as("procurement")
    return f"/agreements/{agreement.id}/execute", {
        "signed_pdf": (BytesIO(SAMPLE_PDF), "signed.pdf", "application/pdf"),
        "signed_on": today().isoformat(),
        "version": str(agreement.version),
    }


def terminate(login_as):
    agreement = make_agreement(S.ACTIVE)
    login_as("privacy")
    return f"/agreements/{agreement.id}/terminate", {
        "reason": "The vendor closed the service.",
        "terminated_on": today().isoformat(),
        "version": str(agreement.version),
    }


def renew(login_as):
    original = make_agreement(S.EXPIRING)
    successor = make_agreement(S.GENERATED, organisation_id=original.organisation_id)
    login_as("admin")
    return f"/agreements/{original.id}/renew", {
        "successor": str(successor.id),
        "version": str(original.version),
    }


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase(
        "agreements.step",
        "agreement.signature_withdrawn",
        _step("privacy", S.SENT_FOR_SIGNATURE, "withdraw_signature"),
        "withdraw_signature",
    ),
    AuditCase(
        "agreements.step",
        "agreement.activated",
        _step("privacy", S.EXECUTED, "activate", effective_date=date(2020, 1, 1)),
        "activate",
    ),
    AuditCase("agreements.execute", "agreement.executed", execute),
    AuditCase("agreements.terminate", "agreement.terminated", terminate),
    AuditCase("agreements.renew", "agreement.renewed", renew),
)
