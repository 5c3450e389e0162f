"""A vendor adds updates to an incident it reported; the privacy office reads each one."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from sharing.audit.models import AuditEvent
from sharing.core.clock import local, now
from sharing.disclosures import queries
from sharing.disclosures.models import IncidentStatus, IncidentUpdate
from sharing.mail.models import Notification
from tests.factories import make_organisation, make_user
from tests.web.tables.portal import UPDATE_FORM, make_incident


def html(response) -> str:
    return response.get_data(as_text=True)


def switch_user(client, login_as, role: str, **overrides):
    client.post_form("/auth/sign-out", {}, from_url="/auth/account")
    return login_as(role, **overrides)


def test_vendor_adds_an_update_and_the_privacy_office_sees_each_in_order(client, login_as, db):
    """Two updates are stored with their author, audited, mailed to the privacy office, and
    listed oldest first on the staff incident page with author and local time; a new count
    replaces the incident's and containment steps join its record."""
    privacy = make_user("privacy")
    vendor = login_as("vendor", name="Vera Vendor")
    incident = make_incident(vendor.organisation_id, affected_individuals=12)
    page_url = f"/portal/incidents/{incident.id}"
    url = f"{page_url}/updates"
    assert 'id="incident-update-form"' in html(client.get(page_url))

    first = client.post_form(url, UPDATE_FORM, from_url=page_url)
    assert first.status_code == 302 and first.headers["Location"].endswith(f"{page_url}#updates")
    second = client.post_form(url, {"text": "Forensics found no other copies."}, from_url=page_url)
    assert second.status_code == 302

    db.session.expire_all()
    updates = db.session.scalars(select(IncidentUpdate).order_by(IncidentUpdate.id)).all()
    assert [(u.author_id, u.affected_individuals) for u in updates] == [
        (vendor.id, 14),
        (vendor.id, None),
    ]
    assert incident.affected_individuals == 14
    assert UPDATE_FORM["containment"] in incident.containment
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "incident.updated").order_by(AuditEvent.id)
    ).all()
    assert len(events) == 2
    assert events[0].changes["affected_individuals"] == {"before": 12, "after": 14}
    subjects = db.session.scalars(
        select(Notification.subject).where(Notification.recipient == privacy.email)
    ).all()
    assert subjects == [f"Incident {incident.reference} updated by the vendor"] * 2
    assert queries.latest_update_at([incident.id]) == {incident.id: updates[1].created_at}

    switch_user(client, login_as, "privacy")
    page = html(client.get(f"/disclosures/incidents/{incident.id}"))
    section = re.search(r'<section[^>]*id="updates".*?</section>', page, re.S).group(0)
    assert section.index(UPDATE_FORM["text"]) < section.index("Forensics found no other copies.")
    assert section.count("Vera Vendor") == 2
    assert local(updates[0].created_at).strftime("%Y-%m-%d %H:%M") in section
    assert "New count of individuals affected: <strong>14</strong>" in section


def test_an_update_needs_text_and_a_bad_one_changes_nothing(client, login_as, db):
    """An empty update is refused beside its field and nothing is stored."""
    vendor = login_as("vendor")
    incident = make_incident(vendor.organisation_id)
    url = f"/portal/incidents/{incident.id}"
    response = client.post_form(f"{url}/updates", {"text": "  "}, from_url=url)
    assert response.status_code == 200
    assert re.search(r'id="text-error"[^>]*>\s*Say what is new', html(response))
    assert db.session.scalar(select(IncidentUpdate.id)) is None


def test_another_organisations_incident_cannot_be_updated(client, login_as, db):
    """A vendor posting to another organisation's incident gets 404 and nothing is stored."""
    incident = make_incident(make_organisation().id)
    login_as("vendor")
    url = f"/portal/incidents/{incident.id}/updates"
    response = client.post_form(url, UPDATE_FORM, from_url="/portal/")
    assert response.status_code == 404
    assert db.session.scalar(select(IncidentUpdate.id)) is None


def test_a_closed_incident_takes_no_update(client, login_as, db):
    """Once closed, the page offers no form and a post is refused with a message."""
    vendor = login_as("vendor")
    incident = make_incident(
        vendor.organisation_id, status=IncidentStatus.CLOSED, closed_at=now() - timedelta(hours=1)
    )
    url = f"/portal/incidents/{incident.id}"
    assert 'id="incident-update-form"' not in html(client.get(url))
    response = client.post_form(f"{url}/updates", UPDATE_FORM, from_url=url)
    assert response.status_code == 302
    assert "This incident is closed" in html(client.get(url))
    assert db.session.scalar(select(IncidentUpdate.id)) is None


def test_the_report_form_promises_only_updates_the_portal_offers(client, login_as):
    """The report form points to the updates on the incident page, not to a reply by mail."""
    login_as("vendor")
    page = html(client.get("/portal/incidents/new"))
    assert "replying to the privacy office" not in page
    assert "add updates from the incident's page" in page
