"""The seven upload points the hostile files attack: who may upload, where the form posts, what
it needs besides the file, which field shows the refusal, what the user typed that must come
back, and where the newest kept file downloads. Each `prepare` builds only what its form needs,
straight into the database, so one case stays cheap."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO
from typing import Any

from sqlalchemy import select

from sharing.agreements import files
from sharing.agreements.models import Agreement, AgreementStatus, AgreementTemplateVersion
from sharing.attestations.models import EvidenceFile
from sharing.core.clock import today
from sharing.disclosures.models import Disclosure
from sharing.extensions import db
from sharing.negotiation.models import ReturnedCopy
from tests.hostile import builders as b
from tests.hostile.model import (
    ACCEPTS,
    EVIDENCE,
    IMPORT,
    NOUNS,
    REQUEST_DOC,
    RETURNED,
    SEAL,
    SIGNED_PDF,
    TEMPLATE,
)
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.disclosure_log import form_data, make_covered_flow

KEEP_TYPED = "Typed by the hostile suite"
Prepared = tuple[str, dict[str, Any], str | None]  # URL, other fields, text that must come back


@dataclass(frozen=True)
class Target:
    role: str
    field: str  # the file field's id, whose `-error` block carries the refusal
    prepare: Callable[[], Prepared]
    download: Callable[[], str] | None = None  # URL of the newest kept file
    noun: str = ""
    accepts: frozenset[str] = frozenset()


def _newest(column: Any) -> Any:
    return db.session.scalar(select(column).order_by(column.desc()).limit(1))


def _evidence() -> Prepared:
    fields = {"evidence_type": "policy", "valid_until": "", "description": KEEP_TYPED}
    return "/attestations/evidence/new", fields, KEEP_TYPED


def _request_document() -> Prepared:
    flow = make_covered_flow()
    return (
        f"/disclosures/log/new?flow={flow.id}",
        form_data(flow, requested_by=KEEP_TYPED),
        (KEEP_TYPED),
    )


def _signed_pdf() -> Prepared:
    # The effective date is the agreement's own (set at drafting); the upload asks only the
    # signing date, which must come back on a refusal.
    agreement = make_agreement(AgreementStatus.SENT_FOR_SIGNATURE, effective_date=date(2027, 1, 1))
    signed_on = (today() - timedelta(days=1)).isoformat()
    fields = {"signed_on": signed_on, "version": str(agreement.version)}
    return f"/agreements/{agreement.id}/execute", fields, signed_on


def _template() -> Prepared:
    fields = {"name": KEEP_TYPED, "kind": "interagency", "description": "Hostile", "notes": ""}
    return "/agreements/templates/new", fields, KEEP_TYPED


def _returned() -> Prepared:
    # A copy that came by mail, for a generated agreement: its generated file is a plain
    # document, since a hostile file is refused before any comparison.
    agreement = make_agreement(
        AgreementStatus.GENERATED, generated_file=files.store(b.docx(), ".docx")
    )
    return f"/negotiation/agreements/{agreement.id}/return", {}, None


def _import() -> Prepared:
    return "/reports/imports", {}, None


def _seal() -> Prepared:
    from tests.fixtures.certificates import SEAL_PASSWORD

    # The password is never written back into the page, so nothing typed must come back.
    return "/settings/seal-certificate", {"password": SEAL_PASSWORD}, None


def _download(path: str, column: Any) -> Callable[[], str]:
    return lambda: path.format(_newest(column))


def _target(point: str, role: str, field: str, prepare, download=None) -> Target:
    return Target(role, field, prepare, download, NOUNS[point], ACCEPTS[point])


TARGETS: dict[str, Target] = {
    EVIDENCE: _target(
        EVIDENCE,
        "vendor",
        "file",
        _evidence,
        _download("/attestations/evidence/{}/download", EvidenceFile.id),
    ),
    REQUEST_DOC: _target(
        REQUEST_DOC,
        "privacy",
        "request_file",
        _request_document,
        _download("/disclosures/log/{}/request", Disclosure.id),
    ),
    SIGNED_PDF: _target(
        SIGNED_PDF,
        "procurement",
        "signed_pdf",
        _signed_pdf,
        _download("/agreements/{}/signed.pdf", Agreement.id),
    ),
    TEMPLATE: _target(
        TEMPLATE,
        "privacy",
        "file",
        _template,
        _download("/agreements/templates/versions/{}/download", AgreementTemplateVersion.id),
    ),
    RETURNED: _target(
        RETURNED,
        "privacy",
        "returned_file",
        _returned,
        _download("/negotiation/copies/{}/returned.docx", ReturnedCopy.id),
    ),
    IMPORT: _target(IMPORT, "procurement", "file", _import),
    SEAL: _target(SEAL, "admin", "file", _seal),
}


def file_value(filename: str, data: bytes, content_type: str = "application/octet-stream"):
    """The file as the test client sends it: a fresh stream, the given name and type."""
    return BytesIO(data), filename, content_type
