"""Coverage rows for the AI fact sheet pages: roles (PAGES), audit events (AUDIT_CASES) and
vendor isolation (ISOLATION_CASES); and the set-ups the fact sheet tests share (a sheet in
any state, with every answer given, and a stored evidence file)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import BytesIO
from typing import Any

from sharing.algorithms import fact_sheet_files, topics
from sharing.algorithms.models import (
    FactSheet,
    FactSheetEvidence,
    FactSheetEvidenceKind,
    FactSheetStatus,
)
from sharing.core.clock import now, today
from sharing.extensions import db
from sharing.vendors.models import Organisation
from tests.factories import make_algorithm, make_organisation
from tests.web.tables import ROLES, AuditCase, IsolationCase, Page
from tests.web.tables.agreement_lifecycle import SAMPLE_PDF

S = FactSheetStatus


def full_answers(**overrides: str) -> dict[str, str]:
    """An answer to every input (the date input as YYYY-MM-DD)."""
    answers = {
        item.code: "2026-05-01" if item.kind == topics.DATE else f"Answer about {item.label}"
        for item in topics.INPUTS
    }
    answers.update(overrides)
    return answers


def make_fact_sheet(
    organisation_id: int | None = None, status: FactSheetStatus = S.REQUESTED, **overrides: Any
) -> FactSheet:
    """A fact sheet edition of an approved algorithm, saved directly (no service runs)."""
    if organisation_id:
        organisation = db.session.get(Organisation, organisation_id)
    else:
        organisation = make_organisation()
    algorithm = overrides.pop("algorithm", None) or make_algorithm(organisation, approved=True)
    values: dict[str, Any] = {
        "algorithm_id": algorithm.id,
        "organisation_id": algorithm.organisation_id,
        "edition": 1,
        "due_date": today() + timedelta(days=30),
        "status": status,
        "answers": full_answers() if status != S.REQUESTED else {},
    }
    if status in (S.SUBMITTED, S.ACCEPTED):
        values.update(signer_name="Ada Signer", signer_title="CTO", attested=True)
        values["submitted_at"] = now()
    if status == S.ACCEPTED:
        values["reviewed_at"] = now()
    values.update(overrides)
    sheet = FactSheet(**values)
    db.session.add(sheet)
    db.session.commit()
    return sheet


def make_sheet_file(sheet: FactSheet, data: bytes = SAMPLE_PDF, **overrides: Any):
    """An evidence row whose file is stored, saved directly (the upload service is not run)."""
    values: dict[str, Any] = {
        "fact_sheet_id": sheet.id,
        "organisation_id": sheet.organisation_id,
        "kind": FactSheetEvidenceKind.BIAS_AUDIT,
        "original_name": "Bias audit.pdf",
        "stored_name": fact_sheet_files.write_new(fact_sheet_files.files_dir(), data, ".pdf"),
        "content_type": "application/pdf",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    values.update(overrides)
    row = FactSheetEvidence(**values)
    db.session.add(row)
    db.session.commit()
    return row


# Pages ---------------------------------------------------------------------------------


def _own(user) -> int:
    return user.organisation_id if user and user.organisation_id else make_organisation().id


def _own_sheet(user) -> dict:
    return {"sheet": make_fact_sheet(_own(user), S.IN_PROGRESS).id}


def _own_file(user) -> dict:
    return {"file": make_sheet_file(make_fact_sheet(_own(user), S.IN_PROGRESS)).id}


PAGES: tuple[Page, ...] = (
    Page("algorithms.fact_sheets", "/algorithms/fact-sheets", ROLES),
    Page(
        "algorithms.fact_sheet",
        "/algorithms/fact-sheets/{sheet}",
        ROLES,
        params=_own_sheet,
        for_user=True,
    ),
    Page(
        "algorithms.fact_sheet_changes",
        "/algorithms/fact-sheets/{sheet}/changes",
        ROLES,
        params=_own_sheet,
        for_user=True,
    ),
    Page(
        "algorithms.download_fact_sheet_file",
        "/algorithms/fact-sheets/files/{file}/download",
        ROLES,
        params=_own_file,
        for_user=True,
    ),
)


# Audited posts -------------------------------------------------------------------------


def save_as_vendor(login_as):
    user = login_as("vendor")
    sheet = make_fact_sheet(user.organisation_id)
    return f"/algorithms/fact-sheets/{sheet.id}/answers", {"training_data": "Public records"}


def submit_as_vendor(login_as):
    user = login_as("vendor")
    sheet = make_fact_sheet(user.organisation_id, S.IN_PROGRESS)
    data = {"signer_name": "Ada Signer", "signer_title": "CTO", "attested": "y"}
    return f"/algorithms/fact-sheets/{sheet.id}/submit", data


def _submitted_for(login_as, role: str = "privacy") -> FactSheet:
    login_as(role)
    return make_fact_sheet(status=S.SUBMITTED)


def accept_as_office(login_as):
    sheet = _submitted_for(login_as)
    return f"/algorithms/fact-sheets/{sheet.id}/review", {"decision": "accept", "comment": ""}


def return_as_office(login_as):
    sheet = _submitted_for(login_as)
    data = {"decision": "return", "comment": "Name the groups you tested."}
    return f"/algorithms/fact-sheets/{sheet.id}/review", data


def upload_data(name: str = "bias audit.pdf", data: bytes = SAMPLE_PDF, **fields: str) -> dict:
    values: dict[str, Any] = {
        "file": (BytesIO(data), name, "application/pdf"),
        "kind": "bias_audit",
        "description": "Independent audit, 2026.",
    }
    values.update(fields)
    return values


def upload_as_vendor(login_as):
    user = login_as("vendor")
    sheet = make_fact_sheet(user.organisation_id, S.IN_PROGRESS)
    return f"/algorithms/fact-sheets/{sheet.id}/files", upload_data()


def remove_as_vendor(login_as):
    user = login_as("vendor")
    row = make_sheet_file(make_fact_sheet(user.organisation_id, S.IN_PROGRESS))
    return f"/algorithms/fact-sheets/files/{row.id}/delete", {}


def request_as_office(login_as):
    login_as("privacy")
    algorithm = make_algorithm(make_organisation(), approved=True)
    return f"/algorithms/{algorithm.id}/fact-sheets/request", {}


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("algorithms.save_fact_sheet", "fact_sheet.saved", save_as_vendor),
    AuditCase("algorithms.submit_fact_sheet", "fact_sheet.submitted", submit_as_vendor),
    AuditCase("algorithms.review_fact_sheet", "fact_sheet.accepted", accept_as_office, "accept"),
    AuditCase("algorithms.review_fact_sheet", "fact_sheet.returned", return_as_office, "return"),
    AuditCase(
        "algorithms.upload_fact_sheet_file", "fact_sheet_evidence.uploaded", upload_as_vendor
    ),
    AuditCase("algorithms.remove_fact_sheet_file", "fact_sheet_evidence.removed", remove_as_vendor),
    AuditCase("algorithms.request_fact_sheet", "fact_sheet.requested", request_as_office),
)


# Vendor isolation ----------------------------------------------------------------------


def _sheet_of(organisation) -> dict:
    return {"sheet_id": make_fact_sheet(organisation.id, S.IN_PROGRESS).id}


def _file_of(organisation) -> dict:
    return {"evidence_id": make_sheet_file(make_fact_sheet(organisation.id, S.IN_PROGRESS)).id}


ISOLATION_CASES: tuple[IsolationCase, ...] = (
    IsolationCase("algorithms.fact_sheet", "GET", _sheet_of),
    IsolationCase("algorithms.fact_sheet_changes", "GET", _sheet_of),
    IsolationCase(
        "algorithms.save_fact_sheet", "POST", _sheet_of, data={"training_data": "Overwritten"}
    ),
    IsolationCase(
        "algorithms.submit_fact_sheet",
        "POST",
        _sheet_of,
        data={"signer_name": "Eve", "signer_title": "CEO", "attested": "y"},
    ),
    IsolationCase("algorithms.upload_fact_sheet_file", "POST", _sheet_of, data={}),
    IsolationCase("algorithms.download_fact_sheet_file", "GET", _file_of),
    IsolationCase("algorithms.remove_fact_sheet_file", "POST", _file_of, data={}),
)
