"""Coverage rows for the negotiation pages (PAGES, AUDIT_CASES, ISOLATION_CASES), and the
set-ups their tests share: a generated agreement with a subprocessor clause, returned copies
made from its real .docx with Word-like edits, and copies saved directly."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from io import BytesIO
from typing import Any

from docx import Document

from sharing.agreements import drafting, files, generation, template_library
from sharing.agreements.drafting import Terms
from sharing.agreements.models import Agreement, AgreementStatus, TemplateKind
from sharing.core.clock import now, today
from sharing.extensions import db
from sharing.negotiation.models import (
    Decision,
    Deviation,
    DeviationKind,
    ReturnedCopy,
    ReturnStatus,
)
from sharing.signing import services as signing
from sharing.vendors.models import Organisation
from tests.factories import (
    NOTICE_ADDRESS,
    make_approved_flow,
    make_category,
    make_organisation,
    make_policy,
    make_signatory,
    make_template_version,
    make_user,
)
from tests.web.tables import STAFF, AuditCase, IsolationCase, Page
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.signing import one_page_pdf

S = AgreementStatus
OFFICE = ("admin", "privacy")
Edit = Callable[[Any], None]


# A generated agreement and its returned copies ---------------------------------------------


def generated_agreement(
    organisation: Organisation | None = None, *, status: AgreementStatus = S.SENT_FOR_SIGNATURE
) -> Agreement:
    """An agreement generated through the service from the shipped vendor template, for a flow
    with a subprocessor (so SUB-1 applies), then moved to `status`."""
    make_policy()
    if not template_library.active_templates(TemplateKind.VENDOR_DPA):
        make_template_version(TemplateKind.VENDOR_DPA)
    organisation = organisation or make_organisation()
    if not organisation.address_line1:
        for name, value in NOTICE_ADDRESS.items():
            setattr(organisation, name, value)
        make_signatory(organisation)
        db.session.refresh(organisation)
    subprocessors = [{"name": "Mailhouse Inc.", "service": "Printing", "country": "US"}]
    flow = make_approved_flow(
        organisation, (make_category(),), system_name="Permit portal", subprocessors=subprocessors
    )
    actor = make_user("privacy")
    agreement = drafting.draft_agreement(
        actor=actor,
        organisation=organisation,
        flows=[flow],
        template=template_library.active_templates(TemplateKind.VENDOR_DPA)[0],
        terms=Terms(
            title="Data protection agreement",
            effective_date=date(2027, 1, 1),
            department_id=flow.department_id,
        ),
        today=today(),
    )
    generation.generate_agreement(
        actor=actor, agreement=agreement, today=today(), expected_version=None
    )
    if status == S.SENT_FOR_SIGNATURE:
        # Out for signature as the office sends it: a vendor user who may sign is asked, so
        # the vendor's returned copy answers a real request to sign.
        signing.send_for_signature(
            actor=actor,
            agreement=agreement,
            pdf=one_page_pdf(),
            signer=make_user("vendor", organisation_id=organisation.id, may_sign=True),
            now=now(),
            today=today(),
            expected_version=agreement.version,
        )
    else:
        agreement.status = status
        db.session.commit()
    return agreement


def document_of(agreement: Agreement):
    return Document(BytesIO(files.read(agreement.generated_file)))


def returned(agreement: Agreement, *edits: Edit) -> bytes:
    """The agreement's generated .docx with the edits a vendor would make in Word."""
    document = document_of(agreement)
    for edit in edits:
        edit(document)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _heading(document, code: str):
    paragraphs = document.paragraphs
    for index, paragraph in enumerate(paragraphs):
        if f"(obligation {code})" in paragraph.text:
            return index, paragraphs
    raise AssertionError(f"no clause {code} in the document")


def _body(document, code: str):
    index, paragraphs = _heading(document, code)
    return paragraphs[index + 1]


def reword(code: str, old: str, new: str) -> Edit:
    """Change words in a clause, leaving its numbers alone."""

    def edit(document) -> None:
        body = _body(document, code)
        assert old in body.text
        body.text = body.text.replace(old, new, 1)

    return edit


def breach_notice(hours: int) -> Edit:
    return reword("BRN-1", "within 72 hours", f"within {hours} hours")


def delete_clause(code: str) -> Edit:
    """Delete a clause: its heading and its text."""

    def edit(document) -> None:
        index, paragraphs = _heading(document, code)
        for paragraph in paragraphs[index : index + 2]:
            paragraph._element.getparent().remove(paragraph._element)

    return edit


ADDED_TEXT = (
    "The Vendor may use City personal information, once aggregated, to improve its services."
)


def add_clause(after_code: str = "PUR-1") -> Edit:
    """Add a clause of the vendor's own after another one, as a heading and its text."""

    def edit(document) -> None:
        body = _body(document, after_code)
        heading = body.insert_paragraph_before("", style=_heading_style(document, after_code))
        text = body.insert_paragraph_before(ADDED_TEXT)
        # Move both after the clause's text.
        body._element.addnext(text._element)
        body._element.addnext(heading._element)
        heading.text = "3.99 Use of aggregated data"

    return edit


def _heading_style(document, code: str):
    index, paragraphs = _heading(document, code)
    return paragraphs[index].style


def set_number(number: str) -> Edit:
    """Make the file claim another agreement number (its text and its properties)."""

    def edit(document) -> None:
        old = document.core_properties.keywords
        document.core_properties.keywords = number
        for paragraph in document.paragraphs:
            if old and old in paragraph.text:
                paragraph.text = paragraph.text.replace(old, number)

    return edit


def upload_form(data: bytes, name: str = "Returned DPA.docx") -> dict:
    return {"returned_file": (BytesIO(data), name)}


# Copies saved directly (no comparison run) ---------------------------------------------------


def make_copy(agreement: Agreement, *deviations: dict[str, Any], **overrides: Any) -> ReturnedCopy:
    data = b"PK\x03\x04 the vendor's returned copy"
    values: dict[str, Any] = {
        "agreement_id": agreement.id,
        "round": 1,
        "stored_name": files.store(data, ".docx"),
        "original_name": "Returned DPA.docx",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "generated_sha256": agreement.generated_sha256 or "",
        "redline_name": files.store(b"PK\x03\x04 the redline", ".docx"),
        "clauses_found": 20,
        "status": ReturnStatus.OPEN,
        "uploaded_at": now(),
    }
    values.update(overrides)
    copy = ReturnedCopy(**values)
    copy.deviations = [
        Deviation(**{**WEAKENED_BREACH, "position": position, **deviation})
        for position, deviation in enumerate(deviations or ({},))
    ]
    db.session.add(copy)
    db.session.commit()
    return copy


WEAKENED_BREACH: dict[str, Any] = {
    "key": "BRN-1",
    "code": "BRN-1",
    "number": "3.12",
    "heading": "Report incidents quickly and help the City respond",
    "kind": DeviationKind.WEAKENED,
    "before_text": "within 72 hours of discovering it",
    "after_text": "within 168 hours of discovering it",
    "parameter_name": "breach_notice_hours",
    "parameter_label": "Breach notice",
    "parameter_unit": "hours",
    "parameter_before": 72,
    "parameter_after": 168,
    "explanation": "The breach notice period is longer: 72 hours become 168 hours.",
}


def _org_of(user) -> int:
    if user is not None and user.role.value == "vendor":
        return user.organisation_id
    return make_organisation().id


def _copy_page(user=None) -> dict:
    agreement = make_agreement(S.GENERATED, organisation_id=_org_of(user))
    return {"copy": make_copy(agreement).id}


def _agreement_page(user=None) -> dict:
    return {"agreement": make_agreement(S.GENERATED, organisation_id=_org_of(user)).id}


PAGES: tuple[Page, ...] = (
    Page(
        "negotiation.return_copy",
        "/negotiation/agreements/{agreement}/return",
        (*STAFF, "vendor"),
        params=_agreement_page,
        for_user=True,
    ),
    Page("negotiation.review", "/negotiation/copies/{copy}", OFFICE, params=_copy_page),
    Page(
        "negotiation.returned_file",
        "/negotiation/copies/{copy}/returned.docx",
        STAFF,
        params=_copy_page,
    ),
    Page(
        "negotiation.redline_file",
        "/negotiation/copies/{copy}/redline.docx",
        STAFF,
        params=_copy_page,
    ),
    Page(
        "negotiation.vendor_copy",
        "/negotiation/returned/{copy}",
        ("vendor",),
        params=_copy_page,
        for_user=True,
    ),
    Page("negotiation.exceptions", "/negotiation/exceptions", STAFF),
    Page("negotiation.exceptions_csv", "/negotiation/exceptions.csv", STAFF),
)


# Audited posts -------------------------------------------------------------------------


def return_copy(login_as):
    vendor = login_as("vendor")
    agreement = generated_agreement(db.session.get(Organisation, vendor.organisation_id))
    data = returned(agreement, breach_notice(168))
    return f"/negotiation/agreements/{agreement.id}/return", upload_form(data)


def return_copy_by_mail(_maker):
    """Staff bring in a copy that came by mail, once the agreement is back from signature."""
    agreement = generated_agreement(status=S.GENERATED)
    data = returned(agreement, breach_notice(168))
    return f"/negotiation/agreements/{agreement.id}/return", upload_form(data)


def decide(login_as):
    login_as("privacy")
    copy = make_copy(make_agreement(S.GENERATED))
    deviation = copy.deviations[0]
    prefix = f"d{deviation.id}-"
    return (
        f"/negotiation/copies/{copy.id}/deviations/{deviation.id}",
        {f"{prefix}decision": "rejected", f"{prefix}note": "72 hours is the City's limit."},
    )


def regenerate(login_as):
    login_as("privacy")
    agreement = generated_agreement(status=S.GENERATED)
    copy = make_copy(agreement, {"decision": Decision.REJECTED, "note": "Keep 72 hours."})
    return f"/negotiation/copies/{copy.id}/regenerate", {}


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("negotiation.return_copy", "agreement.returned_for_changes", return_copy),
    AuditCase("negotiation.decide", "agreement.deviation_decided", decide),
    AuditCase("negotiation.regenerate", "agreement.generated", regenerate),
)


# Isolation -----------------------------------------------------------------------------


def _iso_copy(organisation) -> dict:
    agreement = make_agreement(S.GENERATED, organisation_id=organisation.id)
    return {"copy_id": make_copy(agreement).id}


def _iso_agreement(organisation) -> dict:
    agreement = make_agreement(S.SENT_FOR_SIGNATURE, organisation_id=organisation.id)
    return {"agreement_id": agreement.id}


ISOLATION_CASES: tuple[IsolationCase, ...] = (
    IsolationCase("negotiation.vendor_copy", "GET", _iso_copy),
    IsolationCase("negotiation.return_copy", "GET", _iso_agreement),
    IsolationCase("negotiation.return_copy", "POST", _iso_agreement),
)
