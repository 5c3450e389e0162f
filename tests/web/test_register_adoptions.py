"""The public register shows an arrangement covered by an adoption with the number of the
agreement it adopts (the base), on its page and in the feeds (schema 1.2)."""

from __future__ import annotations

import csv
import io

from sharing.core.clock import today
from sharing.extensions import db
from sharing.register.changelog import sync_changes
from sharing.register.fields import FIELD_NAMES
from tests.factories import make_approved_flow, make_category, make_department
from tests.fixtures.terms import active_agreement, adoption_of


def _adopted():
    base = active_agreement()
    department = make_department(name="Parks and Recreation")
    flow = make_approved_flow(
        base.organisation, (make_category(),), department_id=department.id, published=True
    )
    adoption_of(base, [flow], department)
    sync_changes(today=today())
    db.session.commit()
    return base, flow


def test_an_adopted_arrangement_names_its_base_agreement_on_its_page(client):
    base, flow = _adopted()
    page = client.get(f"/register/{flow.lineage_id}").get_data(as_text=True)
    assert f"Adopted under agreement {base.number}" in page


def test_the_feeds_carry_the_base_agreement_number_and_empty_for_others(client):
    base, flow = _adopted()
    own = base.flows[0]
    own.published = True
    sync_changes(today=today())
    db.session.commit()
    body = client.get("/register/register.json").get_json()
    assert body["schema_version"] == "1.2"
    by_id = {row["arrangement_id"]: row for row in body["arrangements"]}
    assert by_id[flow.lineage_id]["base_agreement_number"] == base.number
    assert by_id[own.lineage_id]["base_agreement_number"] is None
    rows = list(
        csv.DictReader(io.StringIO(client.get("/register/register.csv").get_data(as_text=True)))
    )
    assert tuple(rows[0]) == FIELD_NAMES
    assert {row["base_agreement_number"] for row in rows} == {base.number, ""}


def test_an_arrangement_under_its_own_agreement_names_no_base(client):
    base, _ = _adopted()
    own = base.flows[0]
    own.published = True
    sync_changes(today=today())
    db.session.commit()
    page = client.get(f"/register/{own.lineage_id}").get_data(as_text=True)
    assert "Adopted under agreement" not in page
