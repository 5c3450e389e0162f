"""The disclosure log services: flags, recurring summaries, exemptions, retention, uploads."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from sharing.audit.models import AuditEvent
from sharing.disclosures import log
from sharing.disclosures.models import Disclosure
from sharing.errors import ValidationFailed
from sharing.files import RejectedUpload
from sharing.flows.models import FlowStatus
from tests.factories import make_category, make_user
from tests.web.tables.disclosure_log import YEAR, make_covered_flow, make_disclosure, on


def test_purpose_outside_the_agreed_purposes_is_flagged(db):
    """A purpose that is not one the flow declares is recorded, flagged with the reason."""
    entry = make_disclosure(purpose="Marketing to residents")
    assert entry.flagged
    assert entry.flag_reasons == [log.OUTSIDE_PURPOSE]
    assert entry.agreement_id is not None


def test_agreed_purpose_with_an_active_agreement_is_not_flagged(db):
    """An agreed purpose (any case) under an active covering agreement raises no flag."""
    entry = make_disclosure(purpose="  fraud PREVENTION ")
    assert not entry.flagged
    assert entry.flag_reasons == []


def test_disclosure_without_an_active_agreement_is_flagged(db):
    """No active agreement covering the flow on the date → flagged 'No agreement in force'."""
    entry = make_disclosure(make_covered_flow(agreement=False))
    assert entry.flagged
    assert entry.agreement_id is None
    assert entry.flag_reasons == [log.NO_AGREEMENT]


def test_disclosure_before_the_agreement_takes_effect_is_flagged(db):
    """The agreement must be in force on the disclosure date, not merely exist."""
    entry = make_disclosure(disclosed_on=date(YEAR - 1, 12, 1))
    assert log.NO_AGREEMENT in entry.flag_reasons


def test_flow_that_is_not_approved_is_refused(db):
    """Only approved flows carry disclosures; the reason goes on the flow field."""
    flow = make_covered_flow(status=FlowStatus.SUBMITTED)
    with pytest.raises(ValidationFailed) as caught:
        make_disclosure(flow)
    assert "flow_id" in caught.value.errors
    assert db.session.scalar(select(func.count(Disclosure.id))) == 0


def test_category_outside_the_flow_is_refused(db):
    """Categories must be among the flow's declared categories."""
    with pytest.raises(ValidationFailed) as caught:
        make_disclosure(categories=[make_category().id])
    assert "categories" in caught.value.errors


def test_exempt_disclosure_needs_a_reason(db):
    """An exempt entry without a reason is refused on the reason field."""
    with pytest.raises(ValidationFailed) as caught:
        make_disclosure(exempt=True, exempt_reason=" ")
    assert "exempt_reason" in caught.value.errors


def test_exempt_disclosure_is_recorded_with_its_reason(db):
    """Exempt entries are kept in the log, with their reason, not left out."""
    entry = make_disclosure(exempt=True, exempt_reason="Public Records Act release")
    assert db.session.get(Disclosure, entry.id).exempt
    assert entry.exempt_reason == "Public Records Act release"


def test_retention_is_five_years_after_the_last_date(db):
    """With a short flow retention, the entry is kept five years after its date."""
    entry = make_disclosure(disclosed_on=on(3, 2))
    assert entry.retain_until == date(YEAR + 5, 3, 2)


def test_retention_follows_a_longer_flow_retention(db):
    """A flow retention longer than five years extends the entry's retention."""
    flow = make_covered_flow(retention_days=3650)
    entry = make_disclosure(flow, disclosed_on=on(3, 2))
    assert entry.retain_until == on(3, 2) + timedelta(days=3650)


def test_recurring_summary_accumulates_occurrences(db):
    """Each occurrence moves the last date, counts once, and adds to the running total."""
    actor = make_user(role="privacy")
    entry = make_disclosure(is_recurring=True, frequency="daily", record_count=100)
    log.record_occurrence(disclosure=entry, on=on(3, 3), records=40, actor=actor, today=on(6, 30))
    log.record_occurrence(disclosure=entry, on=on(3, 4), records=60, actor=actor, today=on(6, 30))
    stored = db.session.get(Disclosure, entry.id)
    assert (stored.occurrence_count, stored.record_count) == (3, 200)
    assert stored.last_disclosed_on == on(3, 4)
    assert stored.retain_until == date(YEAR + 5, 3, 4)
    assert db.session.scalar(select(func.count(Disclosure.id))) == 1
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("disclosure.occurrence_recorded") == 2


def test_occurrence_before_the_first_date_is_refused(db):
    """An occurrence cannot predate the series."""
    entry = make_disclosure(is_recurring=True, frequency="daily")
    with pytest.raises(ValidationFailed):
        log.record_occurrence(
            disclosure=entry,
            on=on(1, 1),
            records=1,
            actor=make_user(role="privacy"),
            today=on(6, 30),
        )


def test_upload_refused_by_content_leaves_no_file_and_no_row(app, db):
    """A script named .pdf is refused as a request document (not "as evidence"); neither a
    stored file nor an entry remains."""
    folder = log.request_dir()
    before = set(folder.iterdir())
    with pytest.raises(RejectedUpload) as refused:
        make_disclosure(request_file=log.Upload(b"#!/bin/sh\nrm -rf /\n", "request.pdf"))
    assert "The request document file is a web page, SVG image or script" in refused.value.message
    assert "evidence" not in refused.value.message
    assert set(folder.iterdir()) == before
    assert db.session.scalar(select(func.count(Disclosure.id))) == 0


def test_accepted_upload_is_stored_with_its_checksum(app, db):
    """A real PDF is stored under a random name and reads back intact."""
    from tests.web.tables.agreement_lifecycle import SAMPLE_PDF

    entry = make_disclosure(request_file=log.Upload(SAMPLE_PDF, "request.pdf"))
    assert entry.request_file_name == "request.pdf"
    assert log.read_request_file(entry) == SAMPLE_PDF
