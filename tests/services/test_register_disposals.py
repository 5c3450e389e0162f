"""The public changelog records the day the City's data were disposed of, once a certificate
of disposition is accepted: one entry per arrangement the directive covers, never for an
arrangement the register did not list, and without moving what the register lists."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from sharing.core.clock import today
from sharing.core.signals import announce
from sharing.disposition import events
from sharing.disposition.models import (
    DirectiveStatus,
    DispositionAction,
    DispositionDirective,
    DispositionElement,
    DispositionTrigger,
)
from sharing.extensions import db
from sharing.register.changelog import sync_changes
from sharing.register.models import RegisterChange, RegisterChangeKind
from tests.factories import make_approved_flow, make_category
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.register import flow_agreements, make_arrangement

DISPOSED = RegisterChangeKind.DISPOSED


def make_directive(flows, *, disposed_on=None, number="DD-2026-0001") -> DispositionDirective:
    """An accepted directive with two categories of each flow (rows made directly)."""
    agreement = flow_agreements(flows[0])[0]
    disposed_on = disposed_on or today() - timedelta(days=3)
    directive = DispositionDirective(
        number=number,
        key=f"agreement:{agreement.id}:{number}",
        agreement_id=agreement.id,
        organisation_id=agreement.organisation_id,
        trigger=DispositionTrigger.AGREEMENT_ENDED,
        ended_on=today() - timedelta(days=30),
        due_on=today(),
        status=DirectiveStatus.ACCEPTED,
        disposed_on=disposed_on,
    )
    for position, flow in enumerate(flows * 2):
        directive.elements.append(
            DispositionElement(
                position=position,
                flow_id=flow.id,
                flow_name=flow.system_name,
                category_name=f"Category {position}",
                action=DispositionAction.DESTROY,
            )
        )
    db.session.add(directive)
    db.session.commit()
    return directive


def _accept(app, directive) -> dict:
    with app.test_request_context():
        changes = announce(events.certificate_accepted, directive=directive, today=today())
    db.session.commit()
    return changes


def _disposals() -> list[RegisterChange]:
    return list(
        db.session.scalars(
            select(RegisterChange)
            .where(RegisterChange.kind == DISPOSED)
            .order_by(RegisterChange.flow_lineage_id)
        )
    )


def test_an_accepted_certificate_records_one_disposal_per_arrangement_dated_disposed_on(app, db):
    first, second = make_arrangement(), make_arrangement()
    make_agreement(organisation_id=first.organisation_id, flows=[second])
    directive = make_directive([first, second])
    changes = _accept(app, directive)
    rows = _disposals()
    assert [row.flow_lineage_id for row in rows] == sorted([first.lineage_id, second.lineage_id])
    assert {row.changed_on for row in rows} == {directive.disposed_on}
    assert all(
        row.summary.endswith("City data returned or destroyed; certificate accepted.")
        for row in rows
    )
    assert len(changes["register_changes"]["after"]) == 2


def test_a_flow_the_register_never_listed_gets_no_disposal_entry(app, db):
    """The public changelog names no arrangement it never showed."""
    listed = make_arrangement()
    unlisted = make_approved_flow(listed.organisation, (make_category(),), published=False)
    directive = make_directive([listed, unlisted])
    _accept(app, directive)
    assert [row.flow_lineage_id for row in _disposals()] == [listed.lineage_id]


def test_a_disposal_entry_neither_adds_nor_removes_an_arrangement(app, db):
    """The sync after a disposal finds the arrangement still recorded as listed."""
    flow = make_arrangement()
    _accept(app, make_directive([flow]))
    assert sync_changes(today=today()) == []
    _accept(app, make_directive([flow], number="DD-2026-0002"))
    assert len(_disposals()) == 1


def test_the_public_changelog_and_its_feeds_say_data_disposed_of(app, db, client):
    flow = make_arrangement()
    _accept(app, make_directive([flow]))
    page = client.get("/register/changes").get_data(as_text=True)
    assert "Data disposed of" in page
    assert "City data returned or destroyed; certificate accepted." in page
    feed = client.get("/register/changes.json").get_json()
    assert any(change["change"] == "disposed" for change in feed["changes"])
    assert "disposed" in client.get("/register/changes.csv").get_data(as_text=True)
