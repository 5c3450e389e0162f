"""Messages that end with a value ending in a period ("Acme Inc.", an error text) show one
period, never two: flash messages, template errors and page text."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sharing.agreements import rendering
from sharing.vendors.models import Organisation
from tests.factories import make_contact, make_organisation
from tests.unit.test_rendering import make_docx
from tests.web.tables.vendors import contact_form, organisation_form

NAME = "Harbour Analytics Inc."


def test_registering_an_organisation_named_inc_flashes_one_period(client, login_as, db):
    """The flash after registering "… Inc." ends with that name's own period."""
    login_as("procurement")

    response = client.post_form("/vendors/new", organisation_form(legal_name=NAME))
    page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert db.session.scalar(select(Organisation.legal_name)) == NAME
    assert f"Registered {NAME}" in page
    assert "Inc.." not in page


def test_saving_a_contact_whose_name_ends_in_a_period_flashes_one_period(client, login_as, db):
    """ "Saved Pat Doe Jr." keeps the name's own period and adds none."""
    organisation = make_organisation()
    contact = make_contact(organisation)
    login_as("procurement")
    url = f"/vendors/{organisation.id}/contacts/{contact.id}/edit"

    response = client.post_form(url, contact_form(name="Pat Doe Jr."), from_url=url)
    page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert "Saved Pat Doe Jr." in page
    assert "Jr.." not in page


def test_an_unsafe_template_is_reported_with_one_period():
    """Jinja's own message ends with a period; the sentence around it adds no second one."""
    with pytest.raises(rendering.RenderFailed) as caught:
        rendering.render_docx(make_docx("{{ ''.__class__ }}"), {})

    assert caught.value.message.startswith("The template tried something unsafe: ")
    assert caught.value.message.endswith("is unsafe.")
    assert ".." not in caught.value.message
