"""Shipped templates, once checked, are stored as template versions that keep what the check found.

No upload service exists yet; these tests pin the contract it will rely on: the report of
check_template fits AgreementTemplateVersion, and earlier versions stay as they were.
"""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from sharing.agreements.models import AgreementTemplate, AgreementTemplateVersion, TemplateKind
from sharing.agreements.rendering import docx_text, render_docx
from sharing.agreements.sample_context import sample_context
from sharing.agreements.template_checks import check_template
from sharing.extensions import db
from tests.unit.test_rendering import TEMPLATES, make_docx

pytestmark = pytest.mark.usefixtures("app")

SHIPPED_KINDS = {
    "vendor-data-protection-agreement.docx": TemplateKind.VENDOR_DPA,
    "interagency-data-sharing-agreement.docx": TemplateKind.INTERAGENCY,
    "renewal-amendment.docx": TemplateKind.RENEWAL_AMENDMENT,
    "adoption.docx": TemplateKind.ADOPTION,
}


def store_version(template: AgreementTemplate, data: bytes, name: str) -> AgreementTemplateVersion:
    report = check_template(data)
    digest = hashlib.sha256(data).hexdigest()
    version = AgreementTemplateVersion(
        template=template,
        number=len(template.versions) + 1,
        original_name=name,
        stored_name=f"{digest[:32]}{len(template.versions)}",
        size=len(data),
        sha256=digest,
        variables=report.variables,
    )
    db.session.add(version)
    db.session.commit()
    return version


@pytest.mark.parametrize(("name", "kind"), SHIPPED_KINDS.items())
def test_checked_shipped_template_is_stored_with_its_variables(name, kind):
    """A version row keeps the variables the check found, and renders from its stored bytes."""
    data = (TEMPLATES / name).read_bytes()
    template = AgreementTemplate(name=name.removesuffix(".docx"), kind=kind)
    db.session.add(template)
    db.session.commit()
    version = store_version(template, data, name)
    db.session.expire_all()
    stored = db.session.get(AgreementTemplateVersion, version.id)
    assert "clauses" in stored.variables and "flows" in stored.variables
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert "Agreement No. DSA-2026-0042" in docx_text(render_docx(data, sample_context()))


def test_new_version_keeps_the_earlier_one_unchanged():
    """Uploading a second version adds a row; the first keeps its own bytes and variables."""
    template = AgreementTemplate(name="Short letter", kind=TemplateKind.VENDOR_DPA)
    db.session.add(template)
    db.session.commit()
    first = store_version(template, make_docx("{{ agreement.number }}"), "v1.docx")
    second = store_version(
        template, make_docx("{{ agreement.number }} {{ partner.legal_name }}"), "v2.docx"
    )
    db.session.expire_all()
    rows = db.session.scalars(
        select(AgreementTemplateVersion).order_by(AgreementTemplateVersion.number)
    ).all()
    assert [(row.number, row.variables) for row in rows] == [
        (1, ["agreement"]),
        (2, ["agreement", "partner"]),
    ]
    assert first.sha256 != second.sha256
