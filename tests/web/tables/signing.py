"""Set-ups the signing tests share: a real one-page PDF, a generated agreement sent to a
vendor signer, and the vendor's signature; and the coverage-table rows of signing's routes."""

from __future__ import annotations

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
from tests.web.tables.agreements import draft


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


def sent_agreement(**signer: Any) -> tuple[Agreement, Any, Signature]:
    """A generated agreement sent by the privacy office to a vendor user who may sign."""
    agreement = draft(generated=True)
    person = vendor_signer(agreement, **signer)
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


def signed_agreement() -> tuple[Agreement, Any, Signature]:
    agreement, person, signature = sent_agreement()
    vendor_signs(agreement, person, signature)
    db.session.refresh(agreement)
    return agreement, person, signature
