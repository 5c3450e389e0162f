"""Generation refuses an incomplete or mismatched agreement, by field, and writes nothing."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from sharing.agreements import bulk, drafting, files, generation, readiness
from sharing.agreements.models import AgreementStatus, TemplateKind
from sharing.audit.models import AuditEvent
from sharing.core.clock import today
from sharing.errors import ValidationFailed
from sharing.extensions import db
from sharing.vendors.models import Contact, ContactRole, OrganisationKind
from tests.factories import make_template_version, make_user
from tests.web.tables.agreements import active_expiring_in, draft, terms_of


def _generate(agreement):
    return generation.generate_agreement(
        actor=make_user("privacy"), agreement=agreement, today=today(), expected_version=None
    )


def _refused(agreement) -> dict[str, str]:
    """Generate, expecting a refusal; check nothing was stored or changed; return the reasons."""
    status, version = agreement.status, agreement.version
    with pytest.raises(ValidationFailed) as caught:
        _generate(agreement)
    db.session.rollback()
    db.session.refresh(agreement)
    assert agreement.status == status
    assert agreement.version == version
    assert agreement.generated_file is None
    assert not (files.agreement_dir().exists() and any(files.agreement_dir().iterdir()))
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "agreement.generated"))
        is None
    )
    return caught.value.errors


def test_a_complete_agreement_has_no_readiness_problems_and_generates(db):
    """The default test agreement is complete: no problem, and generation succeeds."""
    agreement = draft()

    assert readiness.problems(agreement, agreement.flows) == {}
    assert _generate(agreement).status == AgreementStatus.GENERATED


def test_generation_refuses_an_agreement_without_a_department(db):
    """No lead department: refused with the message on the department field."""
    agreement = draft(department_id=None)

    assert "department" in _refused(agreement)["department"]


def test_generation_refuses_an_agreement_without_an_effective_date(db):
    """No effective date (allowed while drafting): refused on the effective date field."""
    agreement = draft(effective_date=None)

    assert "effective date" in _refused(agreement)["effective_date"]


def test_generation_refuses_a_partner_without_a_signatory(db):
    """No signatory contact on the organisation: refused, naming the organisation."""
    agreement = draft()
    for contact in agreement.organisation.contacts:
        db.session.delete(contact)
    db.session.commit()

    message = _refused(agreement)["partner_signatory"]
    assert agreement.organisation.display_name in message and "Signatory" in message


def test_generation_refuses_a_signatory_without_a_title(db):
    """A signatory with no title would leave the signature block blank: refused."""
    agreement = draft()
    signatory = db.session.scalar(
        select(Contact).where(
            Contact.organisation_id == agreement.organisation_id,
            Contact.role == ContactRole.SIGNATORY,
        )
    )
    signatory.title = ""
    db.session.commit()

    assert "title" in _refused(agreement)["partner_signatory"]


def test_generation_refuses_a_partner_without_a_complete_notice_address(db):
    """Missing street address and postal code are named in the address message."""
    agreement = draft()
    agreement.organisation.address_line1 = ""
    agreement.organisation.postal_code = ""
    db.session.commit()

    message = _refused(agreement)["partner_address"]
    assert "street address" in message and "postal code" in message
    assert "city," not in message  # the city is there


@pytest.mark.parametrize(
    ("setting", "field"),
    [("CITY_SIGNATORY_TITLE", "city_signatory"), ("CITY_ADDRESS", "city_address")],
)
def test_generation_refuses_while_the_city_side_is_not_configured(app, db, setting, field):
    """The City's signatory title and notice address come from settings; blank is refused."""
    agreement = draft()
    app.config[setting] = "  "

    assert f"SHARING_{setting}" in _refused(agreement)[field]


def test_generation_refuses_an_agreement_covering_no_flow(db):
    """An agreement whose flows were all removed behind the service's back is refused."""
    agreement = draft()
    agreement.flows = []
    db.session.commit()

    assert "at least one" in _refused(agreement)["flows"]


def test_every_problem_is_reported_at_once_in_checklist_order(db):
    """Several problems come back together, in the order the checklist shows them."""
    agreement = draft(department_id=None, effective_date=None)
    agreement.organisation.city = ""
    db.session.commit()

    assert list(_refused(agreement)) == ["department", "effective_date", "partner_address"]


@pytest.mark.parametrize(
    ("kind", "template", "message"),
    [
        (OrganisationKind.NONPROFIT, TemplateKind.INTERAGENCY, "only for public agencies"),
        (OrganisationKind.VENDOR, TemplateKind.INTERAGENCY, "only for public agencies"),
        (OrganisationKind.PUBLIC_AGENCY, TemplateKind.VENDOR_DPA, "inter-agency"),
    ],
)
def test_saving_a_draft_refuses_a_template_that_does_not_fit_the_partner(
    db, kind, template, message
):
    """The inter-agency template is for public agencies only, the vendor one for the rest."""
    agreement = draft()
    agreement.organisation.kind = kind
    db.session.commit()
    chosen = make_template_version(template).template

    with pytest.raises(ValidationFailed) as caught:
        drafting.update_draft(
            actor=make_user("privacy"),
            agreement=agreement,
            flows=list(agreement.flows),
            template=chosen,
            terms=terms_of(agreement),
            expected_version=None,
        )

    assert message in caught.value.errors["template"]
    db.session.rollback()
    assert agreement.template_version.template.kind == TemplateKind.VENDOR_DPA


def test_generation_refuses_a_template_that_no_longer_fits_the_partner(db):
    """An organisation reclassified after drafting: generation refuses on the template."""
    agreement = draft()
    agreement.organisation.kind = OrganisationKind.PUBLIC_AGENCY
    db.session.commit()

    assert "inter-agency" in _refused(agreement)["template"]


def test_a_public_agency_draft_with_the_inter_agency_template_is_saved(db):
    """The fitting template is accepted for a public agency."""
    agreement = draft()
    agreement.organisation.kind = OrganisationKind.PUBLIC_AGENCY
    db.session.commit()
    interagency = make_template_version(TemplateKind.INTERAGENCY).template

    drafting.update_draft(
        actor=make_user("privacy"),
        agreement=agreement,
        flows=list(agreement.flows),
        template=interagency,
        terms=terms_of(agreement),
        expected_version=None,
    )

    assert _generate(agreement).status == AgreementStatus.GENERATED


def test_a_new_agreement_that_renews_another_must_use_the_amendment_template(db):
    """Naming an agreement to renew with the vendor template is refused on the template."""
    original = draft()
    with pytest.raises(ValidationFailed) as caught:
        drafting.draft_agreement(
            actor=make_user("privacy"),
            organisation=original.organisation,
            flows=list(original.flows),
            template=original.template_version.template,
            terms=terms_of(original, title="Second agreement"),
            today=today(),
            renews=original,
        )

    assert "renewal amendment" in caught.value.errors["template"]


def test_bulk_renewal_reports_an_incomplete_agreement_and_generates_the_others(db):
    """A partner without a signatory: its row in SUMMARY.csv says why, nothing is stored for
    it, and the other agreement's amendment is in the zip."""
    ready = active_expiring_in(20)
    broken = active_expiring_in(25)
    for contact in broken.organisation.contacts:
        db.session.delete(contact)
    db.session.commit()
    job = bulk.plan_renewals(start=today(), end=today() + timedelta(days=30))

    data = b"".join(bulk.renewal_zip(actor=make_user("privacy"), job=job, today=today()))

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        amendments = [n for n in archive.namelist() if n.endswith(".docx")]
        rows = list(csv.DictReader(io.StringIO(archive.read("SUMMARY.csv").decode())))
    assert len(amendments) == 1
    outcome = {row["agreement"]: row for row in rows}
    assert outcome[ready.number]["outcome"] == "generated"
    assert outcome[broken.number]["renewal amendment"] == ""
    assert "no signatory" in outcome[broken.number]["outcome"]
