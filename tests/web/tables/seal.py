"""Coverage rows for the City's seal certificate upload on the settings page."""

from __future__ import annotations

from io import BytesIO

from tests.fixtures.certificates import SEAL_PASSWORD, make_pkcs12
from tests.web.tables import AuditCase


def upload_certificate(login_as):
    login_as("admin")
    return "/settings/seal-certificate", {
        "file": (BytesIO(make_pkcs12()), "city-seal.p12", "application/x-pkcs12"),
        "password": SEAL_PASSWORD,
    }


AUDIT_CASES = (
    AuditCase("settings.seal_certificate", "seal.certificate_added", upload_certificate),
)
