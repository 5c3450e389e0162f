"""Reporting a security incident through the portal: the round trip and rejected forms."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from sharing.agreements.models import AgreementStatus
from sharing.audit.models import AuditEvent
from sharing.core.clock import local, now
from sharing.disclosures.models import Incident
from sharing.mail.models import Notification
from tests.factories import make_organisation, make_user
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.portal import incident_form

NEW = "/portal/incidents/new"


def _count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_vendor_reports_an_incident_and_the_privacy_office_is_told(client, login_as, db):
    """The report is saved under INC-YYYY-NNNN, audited once, and mailed to privacy users."""
    privacy = make_user("privacy")
    user = login_as("vendor")
    agreement = make_agreement(
        AgreementStatus.ACTIVE,
        organisation_id=user.organisation_id,
        parameters={"breach_notice_hours": 48},
    )

    response = client.post_form(NEW, incident_form(agreement_id=str(agreement.id)))

    assert response.status_code == 302
    incident = db.session.scalar(select(Incident))
    assert response.headers["Location"].endswith(f"/portal/incidents/{incident.id}")
    assert re.fullmatch(rf"INC-{local(now()).year}-0001", incident.reference)
    assert incident.organisation_id == user.organisation_id
    assert incident.agreement_id == agreement.id and incident.affected_individuals == 12
    assert incident.notice_deadline - incident.discovered_at == timedelta(hours=48)
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-1] == "incident.reported" and actions.count("incident.reported") == 1
    mails = db.session.scalars(select(Notification)).all()
    assert [m.recipient for m in mails] == [privacy.email]

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert incident.reference in page and "Misdirected email" in page
    assert "The recipient confirmed deletion in writing." in page


def test_discovered_at_is_read_as_the_citys_local_time(client, login_as, db):
    """The typed local date and time is stored as the same instant in UTC."""
    login_as("vendor")
    moment = local(now() - timedelta(days=1)).replace(second=0, microsecond=0)
    client.post_form(NEW, incident_form(discovered_at=moment.strftime("%Y-%m-%dT%H:%M")))
    incident = db.session.scalar(select(Incident))
    assert incident.discovered_at == moment


def test_rejected_report_keeps_the_input_and_puts_errors_beside_fields(client, login_as, db):
    """Blank title and a future discovery time are shown on their fields; nothing is saved."""
    login_as("vendor")
    future = local(now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    data = incident_form(title="", discovered_at=future, description="Typed description kept")

    response = client.post_form(NEW, data)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="title-error"' in html and "Give the incident a short title." in html
    assert "Typed description kept" in html
    assert f'value="{future}"' in html
    assert _count(db, Incident) == 0


def test_future_discovery_is_refused_by_the_service_beside_its_field(client, login_as, db):
    """A well-formed but future time is refused beside the field, the rest kept."""
    login_as("vendor")
    future = local(now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post_form(NEW, incident_form(discovered_at=future, title="Kept title"))
    html = response.get_data(as_text=True)
    assert 'id="discovered_at-error"' in html and "cannot be in the future" in html
    assert 'value="Kept title"' in html
    assert _count(db, Incident) == 0


def test_negative_number_of_individuals_is_refused(client, login_as, db):
    """The count of people affected is zero or more."""
    login_as("vendor")
    response = client.post_form(NEW, incident_form(affected_individuals="-3"))
    html = response.get_data(as_text=True)
    assert 'id="affected_individuals-error"' in html and 'value="-3"' in html
    assert _count(db, Incident) == 0


def test_agreement_of_another_organisation_is_refused(client, login_as, db):
    """Naming another organisation's agreement fails beside the field and writes nothing."""
    login_as("vendor")
    other = make_agreement(AgreementStatus.ACTIVE, organisation_id=make_organisation().id)
    before = _count(db, AuditEvent)

    response = client.post_form(NEW, incident_form(agreement_id=str(other.id)))

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="agreement_id-error"' in html
    assert other.number not in html
    assert _count(db, Incident) == 0 and _count(db, AuditEvent) == before


def test_agreement_choices_list_only_the_vendors_visible_agreements(client, login_as):
    """The select offers the vendor's signed-onwards agreements, never another's or drafts."""
    user = login_as("vendor")
    own = make_agreement(AgreementStatus.ACTIVE, organisation_id=user.organisation_id)
    draft = make_agreement(AgreementStatus.DRAFT, organisation_id=user.organisation_id)
    other = make_agreement(AgreementStatus.ACTIVE, organisation_id=make_organisation().id)
    html = client.get(NEW).get_data(as_text=True)
    assert 'id="incident-report-form"' in html
    assert own.number in html
    assert draft.number not in html and other.number not in html


def test_portal_incident_page_warns_when_the_notice_deadline_has_passed(client, login_as):
    """An unnotified incident past its deadline is highlighted; one still in time is not."""
    from tests.web.tables.portal import make_incident

    vendor = login_as("vendor")
    late = make_incident(vendor.organisation_id, notice_deadline=now() - timedelta(hours=1))
    in_time = make_incident(vendor.organisation_id)

    late_page = client.get(f"/portal/incidents/{late.id}").get_data(as_text=True)
    in_time_page = client.get(f"/portal/incidents/{in_time.id}").get_data(as_text=True)

    assert "The notice deadline has passed" in late_page
    assert "The notice deadline has passed" not in in_time_page
