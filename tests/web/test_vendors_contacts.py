"""Contacts of an organisation: add, edit and delete, scoped to their organisation."""

from __future__ import annotations

from sqlalchemy import select

from sharing.audit.models import AuditEvent
from sharing.vendors.models import Contact, ContactRole
from tests.factories import make_contact, make_organisation
from tests.web.tables.vendors import contact_form


def last_event(db) -> AuditEvent:
    return db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))


def test_add_contact_then_see_it_on_the_organisation(client, login_as, db):
    login_as("procurement")
    org = make_organisation()
    response = client.post_form(f"/vendors/{org.id}/contacts/new", contact_form())
    assert response.status_code == 302
    assert response.headers["Location"] == f"/vendors/{org.id}#contacts"
    contact = db.session.scalar(select(Contact).where(Contact.organisation_id == org.id))
    assert (contact.name, contact.role) == ("Rosa Delgado", ContactRole.PRIVACY)
    html = client.get(f"/vendors/{org.id}").get_data(as_text=True)
    assert "Rosa Delgado" in html and "rosa@harbour.example" in html


def test_rejected_contact_keeps_what_was_typed(client, login_as, db):
    login_as("admin")
    org = make_organisation()
    make_contact(org, email="taken@example.org")
    typed = contact_form(name="Yūki Tanaka", email="taken@example.org", phone="+1 555 0100")
    response = client.post_form(f"/vendors/{org.id}/contacts/new", typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Yūki Tanaka"' in html and 'value="+1 555 0100"' in html
    assert 'id="email-error"' in html and "already has a contact with this email" in html


def test_edit_contact_saves_and_audits_the_change(client, login_as, db):
    login_as("admin")
    org = make_organisation()
    contact = make_contact(org, name="Old Name", role=ContactRole.BILLING)
    url = f"/vendors/{org.id}/contacts/{contact.id}/edit"
    html = client.get(url).get_data(as_text=True)
    assert 'value="Old Name"' in html and '<option selected value="billing">' in html
    data = contact_form(name="New Name", email=contact.email, role="signatory")
    assert client.post_form(url, data).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Contact, contact.id)
    assert (saved.name, saved.role) == ("New Name", ContactRole.SIGNATORY)
    assert last_event(db).changes["name"] == {"before": "Old Name", "after": "New Name"}


def test_delete_contact_removes_it(client, login_as, db):
    login_as("procurement")
    org = make_organisation()
    contact_id = make_contact(org).id
    html = client.get(f"/vendors/{org.id}").get_data(as_text=True)
    url = f"/vendors/{org.id}/contacts/{contact_id}/delete"
    assert f'action="{url}"' in html and "data-confirm=" in html
    assert client.post_form(url, from_url=f"/vendors/{org.id}").status_code == 302
    db.session.expire_all()
    assert db.session.get(Contact, contact_id) is None
    assert last_event(db).action == "contact.removed"


def test_contact_of_another_organisation_is_404(client, login_as, db):
    """The URL's organisation must own the contact, for every contact route."""
    login_as("admin")
    mine, theirs = make_organisation(), make_organisation()
    contact = make_contact(theirs)
    base = f"/vendors/{mine.id}/contacts/{contact.id}"
    assert client.get(f"{base}/edit").status_code == 404
    token = client.csrf_token(f"/vendors/{mine.id}")
    assert (
        client.post(f"{base}/edit", data={**contact_form(), "csrf_token": token}).status_code == 404
    )
    assert client.post(f"{base}/delete", data={"csrf_token": token}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Contact, contact.id).organisation_id == theirs.id


def test_privacy_cannot_change_contacts(client, login_as, db):
    login_as("privacy")
    org = make_organisation()
    contact = make_contact(org)
    html = client.get(f"/vendors/{org.id}").get_data(as_text=True)
    assert "Add a contact" not in html and "/delete" not in html
    token = client.csrf_token(f"/vendors/{org.id}")
    url = f"/vendors/{org.id}/contacts/{contact.id}/delete"
    assert client.post(url, data={"csrf_token": token}).status_code == 403
    assert db.session.get(Contact, contact.id) is not None
