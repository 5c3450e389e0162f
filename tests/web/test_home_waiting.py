"""The home pages' "waiting for you" and "waiting for others" lists: each role's items with
their age and due date, built from the lists' own queries, scoped to the user, capped with a
link to the full list, and in a fixed number of statements."""

from __future__ import annotations

import html as htmllib
import re
from datetime import timedelta

from sqlalchemy import update

from sharing.agreements.models import AgreementStatus
from sharing.attestations.models import AttestationStatus as R
from sharing.core.clock import now, today
from sharing.disclosures.models import IncidentStatus
from sharing.extensions import db as _db
from sharing.flows.models import FlowStatus
from tests.factories import make_department, make_flow, make_organisation, make_user
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.attestations import make_request
from tests.web.tables.portal import make_incident

A = AgreementStatus


def _section(page: str, key: str) -> str:
    return page.split(f'id="{key}"')[1].split("</section>")[0]


def _you(page: str) -> str:
    return _section(page, "waiting-for-you")


def _others(page: str) -> str:
    return _section(page, "waiting-for-others")


def _changed(row, *, days_ago: int) -> None:
    """Set the row's last change `days_ago` days back (its own saves would reset it)."""
    table = type(row).__table__
    moment = now() - timedelta(days=days_ago)
    _db.session.execute(update(table).where(table.c.id == row.id).values(updated_at=moment))
    _db.session.commit()


def _item(section: str, name: str) -> str:
    """The list item that names `name`."""
    for chunk in section.split('<li class="list-group-item waiting-item"')[1:]:
        if name in chunk:
            return chunk
    raise AssertionError(f"{name} is not listed")


def test_procurement_sees_a_flow_it_submitted_for_another_department_returned(client, login_as):
    """A flow the user submitted for another department and the office returned is waiting
    for them, and the returned count includes it."""
    mine, other = make_department(name="Libraries"), make_department(name="Parks")
    user = login_as("procurement", department_id=mine.id)
    flow = make_flow(
        make_organisation(),
        department_id=other.id,
        status=FlowStatus.CHANGES_REQUESTED,
        submitted_by_id=user.id,
        system_name="Pool bookings",
    )
    _changed(flow, days_ago=3)

    page = client.get("/").get_data(as_text=True)

    item = _item(_you(page), "Pool bookings")
    assert "Returned for changes" in item and "Waiting for 3 days" in item
    returned = page.split('id="returned-heading"')[1].split("</h2>")[0]
    assert ">1</span>" in returned
