"""Coverage rows for the evidence pages: roles (PAGES), audit events (AUDIT_CASES) and vendor
isolation (ISOLATION_CASES), and the evidence set-ups the evidence tests share."""

from __future__ import annotations

import hashlib
from io import BytesIO
from typing import Any

from sharing.attestations import evidence
from sharing.attestations.models import (
    EvidenceFile,
    EvidenceType,
)
from sharing.extensions import db
from tests.factories import make_organisation
from tests.web.tables import ROLES, AuditCase, IsolationCase, Page
from tests.web.tables.agreement_lifecycle import SAMPLE_PDF
from tests.web.tables.attestations import make_request

UPLOADERS = ("admin", "privacy", "vendor")
QUESTION = "SEC-1"


def make_evidence(organisation_id: int, data: bytes = SAMPLE_PDF, **overrides: Any) -> EvidenceFile:
    """An evidence row whose file is stored, saved directly (the upload service is not run)."""
    values: dict[str, Any] = {
        "organisation_id": organisation_id,
        "evidence_type": EvidenceType.SOC2,
        "original_name": "SOC 2 report.pdf",
        "stored_name": evidence.store_file(data, ".pdf"),
        "content_type": "application/pdf",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    values.update(overrides)
    row = EvidenceFile(**values)
    db.session.add(row)
    db.session.commit()
    return row


def upload_data(name: str = "report.pdf", data: bytes = SAMPLE_PDF, **fields: str) -> dict:
    values = {
        "file": (BytesIO(data), name, "application/pdf"),
        "evidence_type": "soc2",
        "valid_until": "",
        "description": "Audited by an independent firm.",
    }
    values.update(fields)
    return values


# Pages ---------------------------------------------------------------------------------


def _own_evidence(user) -> dict:
    organisation_id = user.organisation_id if user and user.organisation_id else None
    return {"evidence": make_evidence(organisation_id or make_organisation().id).id}


PAGES: tuple[Page, ...] = (
    Page("attestations.evidence", "/attestations/evidence", ROLES),
    Page("attestations.upload_evidence", "/attestations/evidence/new", UPLOADERS),
    Page(
        "attestations.download_evidence",
        "/attestations/evidence/{evidence}/download",
        ROLES,
        params=_own_evidence,
        for_user=True,
    ),
)


# Audited posts -------------------------------------------------------------------------


def upload_as_vendor(login_as):
    login_as("vendor")
    return "/attestations/evidence/new", upload_data()


def upload_as_privacy(login_as):
    organisation = make_organisation()
    login_as("privacy")
    return "/attestations/evidence/new", upload_data(organisation_id=str(organisation.id))


def upload_for_question(login_as):
    user = login_as("vendor")
    attestation = make_request(user.organisation_id)
    return f"/attestations/evidence/new?request={attestation.id}&code={QUESTION}", upload_data()


def remove_as_vendor(login_as):
    user = login_as("vendor")
    row = make_evidence(user.organisation_id)
    return f"/attestations/evidence/{row.id}/delete", {}


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("attestations.upload_evidence", "evidence.uploaded", upload_as_vendor, "vendor"),
    AuditCase("attestations.upload_evidence", "evidence.uploaded", upload_as_privacy, "privacy"),
    AuditCase("attestations.upload_evidence", "evidence.uploaded", upload_for_question, "question"),
    AuditCase("attestations.delete_evidence", "evidence.removed", remove_as_vendor),
)


# Vendor isolation ----------------------------------------------------------------------


def _evidence_of(organisation) -> dict:
    return {"evidence_id": make_evidence(organisation.id).id}


ISOLATION_CASES: tuple[IsolationCase, ...] = (
    IsolationCase("attestations.download_evidence", "GET", _evidence_of),
    IsolationCase("attestations.delete_evidence", "POST", _evidence_of, data={}),
)
