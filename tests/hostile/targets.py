"""The five upload targets the hostile files attack: who may upload, where the form posts, what
it needs besides the file, which field shows the refusal, and where a kept file downloads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO
from typing import Any

from sqlalchemy import select

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.attestations.models import EvidenceFile
from sharing.core.clock import today
from sharing.extensions import db
from tests.hostile import make_files as m
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.disclosure_log import form_data, make_covered_flow

KEEP_TYPED = "Typed by the hostile suite"


@dataclass(frozen=True)
class Target:
    role: str
    field: str  # the file field's id, whose `-error` block carries the refusal
    prepare: Callable[[], tuple[str, dict[str, Any]]]  # the URL and the other form fields
    download: Callable[[], str] | None = None  # URL of the newest kept file


def _evidence() -> tuple[str, dict[str, Any]]:
    fields = {"evidence_type": "policy", "valid_until": "", "description": KEEP_TYPED}
    return "/attestations/evidence/new", fields


def _newest_evidence() -> str:
    newest = db.session.scalar(select(EvidenceFile.id).order_by(EvidenceFile.id.desc()).limit(1))
    return f"/attestations/evidence/{newest}/download"


def _template() -> tuple[str, dict[str, Any]]:
    fields = {"name": "Hostile template", "kind": "interagency", "description": KEEP_TYPED}
    return "/agreements/templates/new", {**fields, "notes": "hostile"}


def _import() -> tuple[str, dict[str, Any]]:
    return "/reports/imports", {}


def _request_document() -> tuple[str, dict[str, Any]]:
    flow = make_covered_flow()
    fields = form_data(flow, requested_by=KEEP_TYPED)
    return f"/disclosures/log/new?flow={flow.id}", fields


def _signed_pdf() -> tuple[str, dict[str, Any]]:
    # The effective date is the agreement's own (set at drafting); the upload asks only the
    # signing date.
    agreement = make_agreement(AgreementStatus.SENT_FOR_SIGNATURE, effective_date=date(2027, 1, 1))
    fields = {
        "signed_on": (today() - timedelta(days=1)).isoformat(),
        "version": str(agreement.version),
    }
    return f"/agreements/{agreement.id}/execute", fields


def _newest_signed() -> str:
    newest = db.session.scalar(select(Agreement.id).order_by(Agreement.id.desc()).limit(1))
    return f"/agreements/{newest}/signed.pdf"


TARGETS: dict[str, Target] = {
    m.EVIDENCE: Target("vendor", "file", _evidence, _newest_evidence),
    m.TEMPLATE: Target("privacy", "file", _template),
    m.IMPORT: Target("procurement", "file", _import),
    m.REQUEST_DOC: Target("privacy", "request_file", _request_document),
    m.SIGNED_PDF: Target("procurement", "signed_pdf", _signed_pdf, _newest_signed),
}


def file_value(item: m.HostileFile) -> tuple[BytesIO, str, str]:
    """The file as the test client sends it: a fresh stream, the hostile name, a bland type."""
    return BytesIO(item.data), item.filename, "application/octet-stream"
