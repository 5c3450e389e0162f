"""Coverage-table rows for the agreement template pages: pages by role, audited POST routes."""

from __future__ import annotations

import io

from sharing.agreements import template_library as library
from sharing.agreements.models import AgreementTemplate, TemplateKind
from tests.factories import make_user
from tests.services.test_template_library import LIMITS, VALID, make_docx
from tests.web.tables import STAFF, AuditCase, Page

EDITORS = ("admin", "privacy")


def valid_docx(*extra: str) -> bytes:
    """A small template that passes every check; the same bytes each time it is called."""
    if not extra:
        return VALID
    return make_docx("Agreement {{ agreement.number }}", *extra, header="{{ city.name }}")


def make_template(name: str = "Short form DPA", **overrides) -> AgreementTemplate:
    """A template with one checked version, uploaded through the service."""
    values = {
        "actor": make_user("privacy"),
        "name": name,
        "kind": TemplateKind.VENDOR_DPA,
        "description": "For small vendors",
        "data": valid_docx(),
        "original_name": "short-form.docx",
        **LIMITS,
    }
    values.update(overrides)
    return library.create_template(**values)


def upload(data: bytes, name: str = "template.docx"):
    """A file field value for the test client (a fresh stream for each post)."""
    return (io.BytesIO(data), name)


# Pages ---------------------------------------------------------------------------------


def _template() -> dict:
    template = make_template()
    return {"template": template.id, "version": template.versions[0].id}


PAGES: tuple[Page, ...] = (
    Page("agreements.templates", "/agreements/templates", STAFF),
    Page("agreements.template", "/agreements/templates/{template}", STAFF, params=_template),
    Page("agreements.new_template", "/agreements/templates/new", EDITORS),
    Page(
        "agreements.add_template_version",
        "/agreements/templates/{template}/versions/new",
        EDITORS,
        params=_template,
    ),
    Page(
        "agreements.download_template_version",
        "/agreements/templates/versions/{version}/download",
        STAFF,
        params=_template,
    ),
)


# Audited posts -------------------------------------------------------------------------


def new_template(login_as):
    login_as("privacy")
    return "/agreements/templates/new", {
        "name": "Research partner agreement",
        "kind": "interagency",
        "description": "For universities",
        "notes": "",
        "file": upload(valid_docx()),
    }


def add_version(login_as):
    template = make_template()
    login_as("admin")
    data = {
        "notes": "Adds the partner's name",
        "file": upload(valid_docx("{{ partner.legal_name }}")),
    }
    return f"/agreements/templates/{template.id}/versions/new", data


def deactivate(login_as):
    template = make_template()
    login_as("privacy")
    return f"/agreements/templates/{template.id}/active", {"active": "false"}


def activate(login_as):
    template = make_template()
    library.set_active(actor=make_user("admin"), template=template, active=False)
    login_as("admin")
    return f"/agreements/templates/{template.id}/active", {"active": "true"}


def install_shipped(login_as):
    login_as("admin")
    return "/agreements/templates/install-shipped", {}


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase(
        "agreements.install_shipped_templates",
        "agreement_template.shipped_installed",
        install_shipped,
    ),
    AuditCase("agreements.new_template", "agreement_template.created", new_template),
    AuditCase("agreements.add_template_version", "agreement_template.version_added", add_version),
    AuditCase(
        "agreements.set_template_active", "agreement_template.deactivated", deactivate, "off"
    ),
    AuditCase("agreements.set_template_active", "agreement_template.activated", activate, "on"),
)
