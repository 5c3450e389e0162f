"""The accounting report's day tallies: kept on every ORM write, equal to a recount, and
giving the same period totals as counting the entries themselves."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select

from sharing.disclosures import accounting, log, tallies
from sharing.disclosures.models import Disclosure, DisclosureDayTally
from sharing.extensions import db
from tests.factories import add_category, make_category, make_user
from tests.web.tables.disclosure_log import TODAY, YEAR, make_covered_flow, make_disclosure, on


def kept() -> dict:
    """The tallies as the writes left them (rows that came back to zero left out)."""
    rows = db.session.scalars(select(DisclosureDayTally))
    return {
        (row.category_id, row.day): tuple(getattr(row, name) for name in tallies.COUNTS)
        for row in rows
        if any(getattr(row, name) for name in tallies.COUNTS)
    }


def recounted() -> dict:
    """The tallies counted again from the log (in a savepoint that is then rolled back)."""
    savepoint = db.session.begin_nested()
    connection = db.session.connection()
    tallies.rebuild(connection)
    rows = connection.execute(select(DisclosureDayTally.__table__)).all()
    savepoint.rollback()
    return {(row.category_id, row.day): tuple(row[2:]) for row in rows}


def counted_directly(period: accounting.Period) -> tallies.Totals:
    entries = list(db.session.scalars(select(Disclosure).where(accounting.in_period(period))))
    return tallies.Totals(
        len(entries),
        sum(entry.record_count or 0 for entry in entries),
        sum(1 for entry in entries if entry.exempt),
    )


def test_tallies_equal_a_recount_after_every_kind_of_write(db):
    """Recording, correcting, adding an occurrence, setting a field and deleting all keep the
    tallies equal to counting the log again."""
    flow = make_covered_flow()
    actor = make_user(role="privacy")
    one_off = make_disclosure(flow, actor, record_count=40)
    series = make_disclosure(flow, actor, record_count=10, is_recurring=True, frequency="weekly")
    assert kept() == recounted() and kept()

    other = make_category()
    add_category(flow, other)
    db.session.commit()
    entry = log.DisclosureEntry(
        flow_id=flow.id,
        disclosed_on=on(2, 14),
        categories=[other.id, flow.categories[0].category_id],
        record_count=75,
        purpose="Deliver the contracted service",
        exempt=True,
        exempt_reason="Need-to-know",
    )
    log.edit_disclosure(
        disclosure=one_off, entry=entry, request_file=None, actor=actor, today=TODAY
    )
    assert kept() == recounted()

    log.record_occurrence(disclosure=series, on=on(5, 1), records=5, actor=actor, today=TODAY)
    assert kept() == recounted()

    series.last_disclosed_on = on(6, 1)
    db.session.commit()
    assert kept() == recounted()

    db.session.delete(one_off)
    db.session.commit()
    assert kept() == recounted()
    assert kept()[(tallies.ALL, on(3, 2))] == (1, 15, 0, 0, 0, 0)


def test_period_totals_from_tallies_equal_counting_the_entries(db):
    """Entries ending the day before the start, starting on the end, or spanning the whole
    period are each counted (or not) exactly as the entries themselves are."""
    flow = make_covered_flow()
    actor = make_user(role="privacy")
    make_disclosure(flow, actor, disclosed_on=on(1, 31), record_count=1)
    make_disclosure(
        flow,
        actor,
        disclosed_on=on(3, 31),
        record_count=2,
        exempt=True,
        exempt_reason="Public Records Act",
    )
    span = make_disclosure(
        flow,
        actor,
        disclosed_on=on(1, 5),
        record_count=4,
        is_recurring=True,
        frequency="daily",
    )
    span.last_disclosed_on = on(6, 1)
    db.session.commit()
    category = flow.categories[0].category_id
    periods = [
        accounting.Period(on(2, 1), on(3, 31)),
        accounting.Period(on(1, 31), on(1, 31)),
        accounting.Period(on(4, 1), on(5, 1)),
        accounting.Period(on(7, 1), on(12, 31)),
        accounting.Period(date(YEAR - 1, 1, 1), on(12, 31), category_id=category),
    ]
    for period in periods:
        assert accounting.period_totals(period) == counted_directly(period), period
    assert accounting.period_totals(periods[0]) == tallies.Totals(2, 6, 1)
    assert (
        accounting.period_totals(replace(periods[0], category_id=category + 999))
        == tallies.Totals()
    )


def test_retally_command_restores_tallies_that_drifted_and_is_audited(app, db):
    """After a write that bypassed the ORM, `disclosures retally` brings the report's totals
    back to what the log holds, and records the step in the audit trail."""
    from sqlalchemy import update

    from sharing.audit.models import AuditEvent

    flow = make_covered_flow()
    make_disclosure(flow, record_count=30)
    period = accounting.Period(on(1, 1), on(6, 30))
    db.session.execute(update(Disclosure).values(record_count=31))  # no flush events
    db.session.commit()
    assert accounting.period_totals(period) != counted_directly(period)

    result = app.test_cli_runner().invoke(args=["disclosures", "retally"])

    assert result.exit_code == 0, result.output
    assert "Counted the accounting tallies again" in result.output
    db.session.expire_all()
    assert accounting.period_totals(period) == counted_directly(period) == tallies.Totals(1, 31, 0)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "disclosure.tallies_recounted")
    )
    assert event.changes["rows"]["after"] == len(kept())
