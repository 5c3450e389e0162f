"""Country boxes take a name or a code and store the two-letter code; subprocessor rows are
labeled by their row for screen readers."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from sharing.extensions import db as ext_db
from sharing.flows.models import DataFlow
from sharing.vendors.models import Organisation
from tests.web.tables.flows import _form, make_ready_flow
from tests.web.tables.vendors import organisation_form


@pytest.mark.parametrize("typed", ["Vietnam", "Việt Nam", "viet nam", "vn"])
def test_flow_storage_country_typed_as_a_name_is_stored_as_its_code(client, login_as, typed):
    login_as("procurement")
    flow = make_ready_flow()
    response = client.post_form(f"/flows/{flow.id}/edit", _form(flow, storage_country=typed))
    assert response.status_code == 302
    ext_db.session.expire_all()
    assert flow.storage_country == "VN"


def test_subprocessor_country_typed_as_a_name_is_stored_as_its_code(client, login_as):
    login_as("procurement")
    flow = make_ready_flow()
    data = _form(flow)
    data.update({"subprocessors-0-name": "Hanoi Hosting", "subprocessors-0-country": "Việt Nam"})
    assert client.post_form(f"/flows/{flow.id}/edit", data).status_code == 302
    ext_db.session.expire_all()
    assert [s["country"] for s in flow.subprocessors] == ["VN"]


def test_unknown_storage_country_is_refused_beside_the_field_keeping_the_text(client, login_as):
    login_as("procurement")
    flow = make_ready_flow()
    response = client.post_form(f"/flows/{flow.id}/edit", _form(flow, storage_country="Atlantis"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'<input[^>]*id="storage_country"[^>]*value="Atlantis"', page)
    assert re.search(r'id="storage_country-error"[^>]*>Enter a country name', page)
    ext_db.session.expire_all()
    assert flow.storage_country == "US"


def test_unknown_subprocessor_country_is_refused_beside_its_box(client, login_as):
    login_as("procurement")
    flow = make_ready_flow()
    data = _form(flow)
    data.update({"subprocessors-0-name": "Sunken Co", "subprocessors-0-country": "Atlantis"})
    response = client.post_form(f"/flows/{flow.id}/edit", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Atlantis"' in page and "Enter a country name" in page
    assert ext_db.session.scalar(select(DataFlow.subprocessors)) == []


def test_flow_form_offers_country_names_and_has_no_two_letter_limit(client, login_as):
    login_as("procurement")
    page = client.get("/flows/new").get_data(as_text=True)
    box = re.search(r'<input[^>]*id="storage_country"[^>]*>', page).group(0)
    assert 'list="country-names"' in box and 'maxlength="2"' not in box
    assert '<datalist id="country-names">' in page and '<option value="Vietnam">' in page


def test_subprocessor_boxes_are_labeled_by_their_row(client, login_as):
    login_as("procurement")
    page = client.get("/flows/new").get_data(as_text=True)
    labels = re.findall(r'aria-label="(\w+) of subprocessor (\d+)"', page)
    rows = {int(n) for _, n in labels}
    assert len(rows) >= 2
    for row in rows:
        assert [f for f, n in labels if int(n) == row] == ["Name", "Service", "Country"]


def test_organisation_country_typed_as_a_name_is_stored_as_its_code(client, login_as, db):
    login_as("procurement")
    page = client.get("/vendors/new").get_data(as_text=True)
    box = re.search(r'<input[^>]*id="country"[^>]*>', page).group(0)
    assert 'list="country-names"' in box and 'maxlength="2"' not in box
    response = client.post_form("/vendors/new", organisation_form(country="Vietnam"))
    assert response.status_code == 302
    assert db.session.scalar(select(Organisation.country)) == "VN"


def test_unknown_organisation_country_is_refused_keeping_the_text(client, login_as, db):
    login_as("procurement")
    response = client.post_form("/vendors/new", organisation_form(country="Atlantis"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'<input[^>]*id="country"[^>]*value="Atlantis"', page)
    assert re.search(r'id="country-error"[^>]*>Enter a country name', page)
    assert db.session.scalar(select(Organisation.id)) is None
