"""Set-ups the signing tests share: a real one-page PDF, a generated agreement sent to a
vendor signer, and the vendor's signature; and the coverage-table rows of signing's routes."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from reportlab.pdfgen import canvas

from sharing.agreements.models import Agreement
from sharing.core.clock import now, today
from sharing.extensions import db
from sharing.signing import services
from sharing.signing.models import Signature
from tests.conftest import TEST_PASSWORD
from tests.factories import make_user
from tests.web.tables import AuditCase, IsolationCase, Page
from tests.web.tables.agreements import draft

OFFICE = ("admin", "privacy")
VENDOR = ("vendor",)


def one_page_pdf(text: str = "Data protection agreement") -> bytes:
    """A small, real PDF (what LibreOffice would make from the generated .docx)."""
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return out.getvalue()


def vendor_signer(agreement: Agreement, **overrides: Any):
    values = {"organisation_id": agreement.organisation_id, "may_sign": True}
    values.update(overrides)
    return make_user("vendor", password=TEST_PASSWORD, **values)


def city_signer(**overrides: Any):
    overrides.setdefault("may_sign", True)
    return make_user("privacy", password=TEST_PASSWORD, **overrides)


def sent_agreement(
    person: Any = None, organisation_id: int | None = None, **signer: Any
) -> tuple[Agreement, Any, Signature]:
    """A generated agreement sent by the privacy office to a vendor user who may sign (a new
    one, or `person`, whose organisation the agreement then belongs to)."""
    agreement = draft(generated=True)
    if person is not None:
        organisation_id = person.organisation_id
    if organisation_id is not None:
        agreement.organisation_id = organisation_id
        db.session.commit()
    person = person or vendor_signer(agreement, **signer)
    signature = services.send_for_signature(
        actor=make_user("privacy"),
        agreement=agreement,
        pdf=one_page_pdf(),
        signer=person,
        now=now(),
        today=today(),
        expected_version=agreement.version,
    )
    return agreement, person, signature


def vendor_signs(agreement: Agreement, person: Any, signature: Signature) -> Signature:
    return services.sign(
        actor=person,
        agreement=agreement,
        typed_name=person.name,
        typed_title="Chief Executive Officer",
        consent=True,
        password=TEST_PASSWORD,
        document_sha256=signature.document_sha256,
        ip="203.0.113.7",
        user_agent="Test browser",
        now=now(),
    )


def signed_agreement(organisation_id: int | None = None) -> tuple[Agreement, Any, Signature]:
    agreement, person, signature = sent_agreement(organisation_id=organisation_id)
    vendor_signs(agreement, person, signature)
    db.session.refresh(agreement)
    return agreement, person, signature


def cache_pdf(agreement: Agreement, data: bytes) -> None:
    """Put `data` in the PDF cache as the agreement's PDF, so sending never runs LibreOffice."""
    from flask import current_app

    from sharing.agreements.docx_properties import agreement_properties
    from sharing.agreements.pdf_cache import EXPORT_PROFILE, pdf_cache_dir

    properties = agreement_properties(agreement, city=current_app.config["CITY_NAME"])
    key = hashlib.sha256(
        "\n".join([EXPORT_PROFILE, agreement.generated_sha256, *properties.values()]).encode()
    ).hexdigest()
    pdf_cache_dir().mkdir(parents=True, exist_ok=True)
    (pdf_cache_dir() / f"{key}.pdf").write_bytes(data)


def _is_vendor(user: Any) -> bool:
    return user is not None and user.role.value == "vendor"


# Pages ---------------------------------------------------------------------------------


def _generated() -> dict:
    return {"agreement": draft(generated=True).id}


def _vendor_signed() -> dict:
    return {"agreement": signed_agreement()[0].id}


def _to_sign(user: Any) -> dict:
    """Sent to the signed-in vendor user (given the signer right), else to a new one."""
    if _is_vendor(user):
        return {"agreement": sent_agreement(person=_with_signer_right(user))[0].id}
    return {"agreement": sent_agreement()[0].id}


def _document(user: Any) -> dict:
    organisation_id = user.organisation_id if _is_vendor(user) else None
    return {"signature": sent_agreement(organisation_id=organisation_id)[2].id}


PAGES: tuple[Page, ...] = (
    Page("signing.send", "/signing/{agreement}/send", OFFICE, params=_generated),
    Page("signing.countersign", "/signing/{agreement}/countersign", OFFICE, params=_vendor_signed),
    Page("signing.sign", "/signing/{agreement}/sign", VENDOR, params=_to_sign, for_user=True),
    Page("signing.decline", "/signing/{agreement}/decline", VENDOR, params=_to_sign, for_user=True),
    Page(
        "signing.document",
        "/signing/signatures/{signature}/document.pdf",
        ("admin", "procurement", "privacy", "vendor"),
        params=_document,
        for_user=True,
    ),
)


# Audit events ----------------------------------------------------------------------------


def send(login_as) -> tuple[str, dict]:
    login_as("privacy")
    agreement = draft(generated=True)
    cache_pdf(agreement, one_page_pdf())
    signer = vendor_signer(agreement)
    return f"/signing/{agreement.id}/send", {"signer_id": signer.id, "version": agreement.version}


def _signing_form(signature: Signature, **extra: Any) -> dict:
    return {
        "typed_name": "Pat Signer",
        "typed_title": "Director",
        "consent": "y",
        "password": TEST_PASSWORD,
        "document_sha256": signature.document_sha256,
        **extra,
    }


def _with_signer_right(user: Any) -> Any:
    # The authorization walk hands back its own principal, made without the right.
    user.may_sign = True
    db.session.commit()
    return user


def sign(login_as) -> tuple[str, dict]:
    person = _with_signer_right(login_as("vendor", may_sign=True))
    agreement, _, signature = sent_agreement(person=person)
    return f"/signing/{agreement.id}/sign", _signing_form(signature)


def decline(login_as) -> tuple[str, dict]:
    person = _with_signer_right(login_as("vendor", may_sign=True))
    agreement, _, _ = sent_agreement(person=person)
    return f"/signing/{agreement.id}/decline", {"reason": "The retention clause is wrong"}


def countersign_as(role: str):
    def setup(login_as) -> tuple[str, dict]:
        from sharing.seal.certificates import certificate_for_sealing

        _with_signer_right(login_as(role, may_sign=True))
        agreement, _, signature = signed_agreement()
        # The development certificate is made (and audited) on first use: made beforehand.
        certificate_for_sealing()
        db.session.commit()
        url = f"/signing/{agreement.id}/countersign"
        return url, _signing_form(signature, version=agreement.version)

    return setup


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("signing.send", "agreement.sent_for_signature", send),
    AuditCase("signing.sign", "signature.signed", sign),
    AuditCase("signing.decline", "agreement.signature_declined", decline),
    AuditCase("signing.countersign", "agreement.countersigned", countersign_as("privacy")),
)


# Isolation -------------------------------------------------------------------------------


def _iso_agreement(organisation) -> dict:
    return {"agreement_id": sent_agreement(organisation_id=organisation.id)[0].id}


def _iso_document(organisation) -> dict:
    return {"signature_id": sent_agreement(organisation_id=organisation.id)[2].id}


ISOLATION_CASES: tuple[IsolationCase, ...] = (
    IsolationCase("signing.sign", "GET", _iso_agreement),
    IsolationCase(
        "signing.sign",
        "POST",
        _iso_agreement,
        data={"typed_name": "X", "typed_title": "Y", "consent": "y", "password": "z"},
    ),
    IsolationCase("signing.decline", "GET", _iso_agreement),
    IsolationCase("signing.decline", "POST", _iso_agreement, data={"reason": "No"}),
    IsolationCase("signing.document", "GET", _iso_document),
)
