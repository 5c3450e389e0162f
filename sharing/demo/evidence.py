"""Builds the demo evidence files: real one-page PDFs stored like any upload, some expiring."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from sharing.agreements import files as agreement_files
from sharing.attestations import evidence
from sharing.attestations.models import (
    AttestationRequest,
    AttestationStatus,
    EvidenceFile,
    EvidenceType,
)
from sharing.core.roles import Role
from sharing.demo.context import DemoContext
from sharing.demo.documents import one_page_pdf
from sharing.extensions import db
from sharing.files import inspect

T = EvidenceType
# (organisation, type, file name, the first line of the document, valid for days from today;
#  None: no expiry, negative: already expired)
EVIDENCE = (
    ("parkpay", T.SOC2, "ParkPay SOC 2 Type II report 2026.pdf", "SOC 2 Type II report", 200),
    (
        "parkpay",
        T.INSURANCE,
        "ParkPay cyber insurance certificate.pdf",
        "Certificate of cyber liability insurance",
        20,
    ),
    ("parkpay", T.POLICY, "ParkPay data retention policy.pdf", "Data retention policy", None),
    (
        "plateguard",
        T.ISO27001,
        "PlateGuard ISO 27001 certificate.pdf",
        "ISO/IEC 27001 certificate",
        -10,
    ),
    (
        "shelfwise",
        T.DELETION_CERTIFICATE,
        "Shelfwise deletion certificate Q3.pdf",
        "Certificate of deletion",
        None,
    ),
    ("aquabill", T.SOC2, "AquaBill SOC 2 bridge letter.pdf", "SOC 2 bridge letter", 45),
)


def build_evidence(ctx: DemoContext) -> None:
    """Store each demo file and add its row. The stored names go to `ctx.stored_files`, so that
    a failed seed can remove them again."""
    for org_key, kind, name, title, valid_days in EVIDENCE:
        organisation = ctx.organisations[org_key]
        data = one_page_pdf(f"{title}: {organisation.legal_name}")
        checked = inspect(data, name, evidence.evidence_policy())
        stored_name = evidence.store_file(data, checked.suffix)
        ctx.stored_files.append(stored_name)
        uploader = ctx.users[Role.VENDOR] if org_key == "parkpay" else ctx.users[Role.PRIVACY]
        request = _open_request(org_key, ctx) if kind == T.POLICY else None
        db.session.add(
            EvidenceFile(
                organisation_id=organisation.id,
                request_id=request.id if request else None,
                obligation_code="RET-1" if request else None,
                evidence_type=kind,
                description=title,
                original_name=checked.name,
                stored_name=stored_name,
                content_type=checked.content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                uploaded_by_id=uploader.id,
                uploaded_at=ctx.days_ago(12),
                valid_until=ctx.date_in(valid_days) if valid_days is not None else None,
            )
        )
        ctx.count("evidence_files")


def _open_request(org_key: str, ctx: DemoContext) -> AttestationRequest | None:
    db.session.flush()
    return db.session.scalar(
        select(AttestationRequest).where(
            AttestationRequest.organisation_id == ctx.organisations[org_key].id,
            AttestationRequest.status == AttestationStatus.PENDING,
        )
    )


def remove_stored(ctx: DemoContext) -> None:
    """Remove the files a failed seed wrote: evidence and agreement files."""
    for name in ctx.stored_files:
        evidence.path_of(name).unlink(missing_ok=True)
    for name in ctx.stored_agreement_files:
        agreement_files.remove(name)
