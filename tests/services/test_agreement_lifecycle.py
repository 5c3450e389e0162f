"""The agreement lifecycle: steps by role and state, execution with its PDF, the daily roll."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from sharing.agreements import files, lifecycle, roll
from sharing.agreements.dates import term_end
from sharing.agreements.models import AgreementStatus
from sharing.audit.models import AuditEvent
from sharing.errors import Conflict, Forbidden, ValidationFailed
from sharing.extensions import db
from sharing.files import RejectedUpload
from tests.factories import make_user
from tests.web.tables.agreement_lifecycle import SAMPLE_PDF, make_agreement

S = AgreementStatus
TODAY = date(2026, 11, 21)


def _events(action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.object_type == "agreement")
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def _step(agreement, action, role="admin", **kwargs):
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("expected_version", agreement.version)
    return lifecycle.transition_agreement(
        actor=make_user(role), agreement=agreement, action=action, **kwargs
    )


def _stored_files() -> list:
    return [p for p in files.agreement_dir().iterdir()]


# Who may take which step ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "role", "expected"),
    [
        (S.GENERATED, "procurement", []),
        (S.GENERATED, "privacy", ["send_for_signature", "terminate"]),
        (S.SENT_FOR_SIGNATURE, "procurement", ["execute"]),
        (
            S.SENT_FOR_SIGNATURE,
            "privacy",
            ["withdraw_signature", "countersign", "execute", "terminate"],
        ),
        (S.EXECUTED, "admin", ["activate", "terminate"]),
        (S.EXECUTED, "procurement", []),
        (S.ACTIVE, "privacy", ["renew", "terminate"]),
        (S.EXPIRING, "admin", ["renew", "terminate"]),
        (S.EXPIRED, "admin", []),
        (S.TERMINATED, "admin", []),
        (S.ACTIVE, "vendor", []),
    ],
)
def test_available_actions_follow_the_transition_table(db, status, role, expected):
    """The buttons offered are exactly the table's steps for this status and role."""
    agreement = make_agreement(status)
    offered = lifecycle.available_actions(agreement, make_user(role), today=TODAY)
    assert [action for action, _ in offered] == expected


def test_activate_is_not_offered_before_the_effective_date(db):
    """An executed agreement that takes effect next month has no Activate button yet."""
    agreement = make_agreement(S.EXECUTED, effective_date=TODAY + timedelta(days=30))
    offered = lifecycle.available_actions(agreement, make_user("admin"), today=TODAY)
    assert [action for action, _ in offered] == ["terminate"]


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.GENERATED, "send_for_signature"),
        (S.EXECUTED, "activate"),
        (S.ACTIVE, "renew"),
        (S.ACTIVE, "terminate"),
    ],
)
def test_vendor_may_take_no_lifecycle_step(db, status, action):
    """A vendor user is refused every step, and the agreement is unchanged."""
    agreement = make_agreement(status)
    with pytest.raises(Forbidden):
        _step(agreement, action, role="vendor", reason="No")
    assert agreement.status == status
    assert _events() == []


@pytest.mark.parametrize("action", ["activate", "renew", "terminate"])
def test_procurement_may_not_take_privacy_office_steps(db, action):
    """Activation, renewal and termination belong to the privacy office and admins."""
    agreement = make_agreement(S.EXECUTED if action == "activate" else S.ACTIVE)
    with pytest.raises(Forbidden):
        _step(agreement, action, role="procurement", reason="Ended")


def test_a_step_from_the_wrong_state_is_a_conflict_that_names_both_states(db):
    """Sending an active agreement for signature is refused with a clear message."""
    agreement = make_agreement(S.ACTIVE)
    with pytest.raises(Conflict) as caught:
        _step(agreement, "send_for_signature")
    assert "active agreement cannot be moved to sent for signature" in caught.value.message
    assert agreement.status == S.ACTIVE


@pytest.mark.parametrize("action", ["mark_expiring", "expire"])
def test_automatic_steps_cannot_be_taken_by_hand(db, action):
    """Expiring and expiry come from the daily roll, never from a button."""
    agreement = make_agreement(S.ACTIVE)
    with pytest.raises(Conflict) as caught:
        _step(agreement, action)
    assert "daily run" in caught.value.message


def test_execution_needs_the_signed_copy(db):
    """The execute step is refused outside record_execution."""
    agreement = make_agreement(S.SENT_FOR_SIGNATURE)
    with pytest.raises(Conflict):
        _step(agreement, "execute")
    assert agreement.status == S.SENT_FOR_SIGNATURE


def test_a_stale_version_is_a_conflict(db):
    """A step posted from a page opened before another change is refused."""
    agreement = make_agreement(S.SENT_FOR_SIGNATURE)
    stale = agreement.version
    _step(agreement, "withdraw_signature")
    with pytest.raises(Conflict) as caught:
        _step(agreement, "terminate", reason="Never signed", expected_version=stale)
    assert "changed this agreement" in caught.value.message
    db.session.refresh(agreement)
    assert agreement.status == S.GENERATED


# The steps -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.GENERATED, "send_for_signature"),
        (S.SENT_FOR_SIGNATURE, "countersign"),
    ],
)
def test_steps_with_their_own_service_are_not_taken_by_a_click(db, status, action):
    """Sending and countersigning record more than the status, on their own pages."""
    agreement = make_agreement(status)
    with pytest.raises(Conflict) as caught:
        _step(agreement, action, role="privacy")
    assert "its own page" in caught.value.message
    assert agreement.status == status and _events() == []


def test_taking_an_agreement_back_from_signature_audits_the_status_change(db):
    """The office's one-click step returns a sent agreement to generated, with one event."""
    agreement = make_agreement(S.SENT_FOR_SIGNATURE)
    _step(agreement, "withdraw_signature", role="privacy", comment="Clause 5 must change")
    assert agreement.status == S.GENERATED
    (event,) = _events()
    assert event.action == "agreement.signature_withdrawn"
    assert event.actor_role == "privacy"
    assert event.object_id == str(agreement.id)
    assert event.organisation_id == agreement.organisation_id
    assert event.changes["status"] == {"before": "sent_for_signature", "after": "generated"}
    assert event.changes["comment"]["after"] == "Clause 5 must change"


def test_activate_waits_for_the_effective_date(db):
    """Activation before the effective date is refused; on the day it succeeds."""
    agreement = make_agreement(S.EXECUTED, effective_date=TODAY + timedelta(days=1))
    with pytest.raises(Conflict) as caught:
        _step(agreement, "activate")
    assert "takes effect on" in caught.value.message
    assert agreement.status == S.EXECUTED
    _step(agreement, "activate", today=TODAY + timedelta(days=1))
    assert agreement.status == S.ACTIVE
    assert _events("agreement.activated")[0].changes["status"]["after"] == "active"


def test_renew_links_the_successor_both_ways(db):
    """Renewal names the successor; the successor records which agreement it renews."""
    original = make_agreement(S.EXPIRING)
    successor = make_agreement(S.GENERATED, organisation_id=original.organisation_id)
    _step(original, "renew", successor=successor, role="privacy")
    assert original.status == S.RENEWED
    assert original.successor_id == successor.id
    assert successor.renews_id == original.id
    (event,) = _events("agreement.renewed")
    assert event.changes["successor_id"] == {"before": None, "after": successor.id}
    assert event.changes["status"] == {"before": "expiring", "after": "renewed"}


def test_renew_requires_a_successor(db):
    """Without a successor the renewal is refused on the field."""
    agreement = make_agreement(S.ACTIVE)
    with pytest.raises(ValidationFailed) as caught:
        _step(agreement, "renew")
    assert "successor" in caught.value.errors
    assert agreement.status == S.ACTIVE


def test_renew_refuses_another_organisations_agreement(db):
    """A successor must belong to the same organisation."""
    agreement = make_agreement(S.ACTIVE)
    stranger = make_agreement(S.GENERATED)
    with pytest.raises(ValidationFailed):
        _step(agreement, "renew", successor=stranger)
    db.session.refresh(agreement)
    assert agreement.status == S.ACTIVE and agreement.successor_id is None


def test_eligible_successors_are_renewal_amendments_or_newer_live_agreements(db):
    """Older, ended, other-organisation, or renewing-something-else agreements are left out."""
    older = make_agreement(S.GENERATED)
    org = older.organisation_id
    agreement = make_agreement(S.ACTIVE, organisation_id=org)
    amendment = make_agreement(S.SENT_FOR_SIGNATURE, organisation_id=org)
    amendment.renews_id = agreement.id
    newer = make_agreement(S.EXECUTED, organisation_id=org)
    make_agreement(S.TERMINATED, organisation_id=org)
    make_agreement(S.GENERATED)  # another organisation
    elsewhere = make_agreement(S.GENERATED, organisation_id=org)
    elsewhere.renews_id = older.id
    db.session.commit()
    found = {a.id for a in lifecycle.eligible_successors(agreement)}
    assert found == {amendment.id, newer.id}


def test_terminate_records_reason_and_date(db):
    """Termination keeps the reason and the date, defaulting to today."""
    agreement = make_agreement(S.ACTIVE)
    _step(agreement, "terminate", reason="  The vendor went out of business.  ")
    assert agreement.status == S.TERMINATED
    assert agreement.termination_reason == "The vendor went out of business."
    assert agreement.terminated_on == TODAY
    (event,) = _events("agreement.terminated")
    assert event.changes["termination_reason"]["after"] == "The vendor went out of business."
    assert event.changes["terminated_on"] == {"before": None, "after": TODAY.isoformat()}


@pytest.mark.parametrize(
    ("reason", "when", "field"),
    [
        ("   ", None, "reason"),
        ("x" * 2001, None, "reason"),
        ("Ended", TODAY + timedelta(days=1), "terminated_on"),
    ],
)
def test_terminate_refuses_a_missing_reason_or_a_future_date(db, reason, when, field):
    """The reason is required (at most 2000 characters) and the date is not in the future."""
    agreement = make_agreement(S.ACTIVE)
    with pytest.raises(ValidationFailed) as caught:
        _step(agreement, "terminate", reason=reason, terminated_on=when)
    assert field in caught.value.errors
    db.session.refresh(agreement)
    assert agreement.status == S.ACTIVE
    assert _events() == []


# Execution -------------------------------------------------------------------------------


def _execute(agreement, data=SAMPLE_PDF, **kwargs):
    values = {
        "signed_on": date(2026, 11, 20),
        "today": TODAY,
        "expected_version": agreement.version,
        "original_name": "signed.pdf",
    }
    values.update(kwargs)
    return lifecycle.record_execution(
        actor=make_user("procurement"), agreement=agreement, signed_pdf=data, **values
    )


def test_record_execution_archives_the_pdf_and_computes_the_expiry(db):
    """The signed copy is stored by content hash, and expiry is the end of the term that
    starts on the agreement's own effective date."""
    agreement = make_agreement(
        S.SENT_FOR_SIGNATURE, term_months=24, effective_date=date(2027, 1, 1), expiry_date=None
    )
    _execute(agreement)
    assert agreement.status == S.EXECUTED
    assert files.read(agreement.signed_file) == SAMPLE_PDF
    assert agreement.signed_on == date(2026, 11, 20)
    assert agreement.effective_date == date(2027, 1, 1)
    assert agreement.expiry_date == date(2028, 12, 31)
    assert len(agreement.signed_sha256) == 64
    (event,) = _events("agreement.executed")
    assert event.changes["status"] == {"before": "sent_for_signature", "after": "executed"}
    assert event.changes["expiry_date"] == {"before": None, "after": "2028-12-31"}
    assert event.changes["signed_file"]["after"] == "signed.pdf"


def test_record_execution_keeps_the_dates_of_the_document(db):
    """The effective and expiry dates set at drafting stay as they are."""
    agreement = make_agreement(
        S.SENT_FOR_SIGNATURE, effective_date=date(2027, 1, 1), expiry_date=date(2027, 6, 30)
    )
    _execute(agreement)
    assert (agreement.effective_date, agreement.expiry_date) == (
        date(2027, 1, 1),
        date(2027, 6, 30),
    )


def test_record_execution_needs_an_effective_date_from_the_document(db):
    """Without one set at drafting, the upload is refused rather than asking for it."""
    agreement = make_agreement(S.SENT_FOR_SIGNATURE)
    with pytest.raises(Conflict) as caught:
        _execute(agreement)
    assert "no effective date" in caught.value.message
    assert _stored_files() == []


ZIP = b"PK\x03\x04" + b"\x00" * 40
HTML = b"<!DOCTYPE html><html><body>%PDF-1.4 not really</body></html>%%EOF"
ENCRYPTED = SAMPLE_PDF.replace(b"/Size 3 >>", b"/Size 3 /Encrypt 4 0 R >>")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"Just some text, not a PDF at all.\n", "is a CSV or text file"),
        (ZIP, "damaged"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "password-protected Office file"),
        (HTML, "two kinds of file"),
        (SAMPLE_PDF[:-7], "incomplete"),
        (ENCRYPTED, "encrypted"),
    ],
    ids=["empty", "text", "zip", "ole", "html", "truncated", "encrypted"],
)
def test_record_execution_rejects_what_is_not_an_archivable_pdf_and_stores_nothing(db, data, words):
    """The check is by content; a refused upload leaves no file and no change."""
    agreement = make_agreement(S.SENT_FOR_SIGNATURE)
    with pytest.raises(RejectedUpload) as caught:
        _execute(agreement, data=data)
    assert words in caught.value.message
    assert _stored_files() == []
    db.session.refresh(agreement)
    assert agreement.status == S.SENT_FOR_SIGNATURE and agreement.signed_file is None


def test_record_execution_refuses_a_file_over_the_limit(app, db):
    """A PDF bigger than the configured limit is refused before it is stored."""
    app.config["AGREEMENT_SIGNED_MAX_BYTES"] = len(SAMPLE_PDF) - 1
    agreement = make_agreement(S.SENT_FOR_SIGNATURE)
    with pytest.raises(RejectedUpload) as caught:
        _execute(agreement)
    assert caught.value.code == "too_large"
    assert _stored_files() == []


def test_record_execution_refuses_a_signing_date_in_the_future(db):
    """Signing cannot be in the future."""
    agreement = make_agreement(S.SENT_FOR_SIGNATURE, effective_date=date(2027, 1, 1))
    with pytest.raises(ValidationFailed) as caught:
        _execute(agreement, signed_on=TODAY + timedelta(days=1))
    assert "signed_on" in caught.value.errors
    assert _stored_files() == []


def test_record_execution_removes_the_file_when_the_commit_fails(db, monkeypatch):
    """If saving fails after the file was written, the file is deleted again."""
    agreement = make_agreement(S.SENT_FOR_SIGNATURE, effective_date=date(2027, 1, 1))

    def fail(message: str) -> None:
        raise Conflict(message)

    monkeypatch.setattr(lifecycle, "commit_or_conflict", fail)
    with pytest.raises(Conflict):
        _execute(agreement)
    assert _stored_files() == []
    db.session.refresh(agreement)
    assert agreement.status == S.SENT_FOR_SIGNATURE


def test_record_execution_only_from_sent_for_signature(db):
    """A generated agreement must be sent for signature before it can be executed."""
    agreement = make_agreement(S.GENERATED)
    with pytest.raises(Conflict):
        _execute(agreement)
    assert _stored_files() == []


def test_stored_file_names_cannot_leave_the_agreements_folder(app):
    """path_of refuses separators and dot names."""
    for name in ("../secret.pdf", "a/b.pdf", "..", ".hidden", "a\\b.pdf", ""):
        with pytest.raises(ValueError):
            files.path_of(name)


# The daily roll --------------------------------------------------------------------------


def test_roll_activates_executed_agreements_whose_effective_date_has_come(db):
    """Effective today: active. Effective tomorrow: still executed."""
    due = make_agreement(S.EXECUTED, effective_date=TODAY)
    later = make_agreement(S.EXECUTED, effective_date=TODAY + timedelta(days=1))
    summary = roll.roll_agreements(today=TODAY)
    assert (due.status, later.status) == (S.ACTIVE, S.EXECUTED)
    assert summary.activated == [due.number]
    (event,) = _events("agreement.activated")
    assert event.actor_role == "system" and event.actor_id is None


def test_roll_marks_expiring_only_inside_the_notice_window(db):
    """From the cancel-by date until expiry the agreement is expiring; the day before, not."""
    expiry = TODAY + timedelta(days=90)
    inside = make_agreement(S.ACTIVE, expiry_date=expiry, notice_days=90)
    outside = make_agreement(S.ACTIVE, expiry_date=expiry + timedelta(days=1), notice_days=90)
    assert inside.cancel_by == TODAY
    roll.roll_agreements(today=TODAY)
    assert (inside.status, outside.status) == (S.EXPIRING, S.ACTIVE)
    (event,) = _events("agreement.expiring")
    assert event.changes["status"] == {"before": "active", "after": "expiring"}


def test_roll_expires_agreements_past_expiry_that_do_not_renew(db):
    """The day after expiry a non-renewing agreement is expired; on expiry day it is not."""
    gone = make_agreement(S.EXPIRING, expiry_date=TODAY - timedelta(days=1))
    last_day = make_agreement(S.EXPIRING, expiry_date=TODAY)
    summary = roll.roll_agreements(today=TODAY)
    assert (gone.status, last_day.status) == (S.EXPIRED, S.EXPIRING)
    assert summary.expired == [gone.number]
    assert _events("agreement.expired")[0].changes["status"]["after"] == "expired"


def test_tacit_renewal_rolls_the_expiry_and_the_cancel_by_date_forward(db):
    """An auto-renewing agreement past expiry gains one renewal term; cancel-by moves too."""
    agreement = make_agreement(
        S.EXPIRING,
        effective_date=date(2023, 11, 21),
        expiry_date=date(2026, 11, 20),
        auto_renew=True,
        renewal_term_months=12,
        notice_days=60,
    )
    old_cancel_by = agreement.cancel_by
    summary = roll.roll_agreements(today=TODAY)
    assert agreement.status == S.ACTIVE
    assert agreement.expiry_date == date(2027, 11, 20)
    assert agreement.cancel_by == date(2027, 9, 21) != old_cancel_by
    assert summary.renewed_tacitly == [agreement.number]
    (event,) = _events("agreement.renewed_tacitly")
    assert event.changes["expiry_date"] == {"before": "2026-11-20", "after": "2027-11-20"}
    assert event.changes["cancel_by"] == {"before": "2026-09-21", "after": "2027-09-21"}
    assert event.changes["status"] == {"before": "expiring", "after": "active"}
    assert event.changes["renewal_terms"]["after"] == 1


def test_tacit_renewal_catches_up_over_several_missed_terms(db):
    """After months without a run, terms are added back to back until one covers today."""
    agreement = make_agreement(
        S.ACTIVE,
        expiry_date=date(2026, 1, 31),
        auto_renew=True,
        renewal_term_months=3,
        notice_days=30,
    )
    roll.roll_agreements(today=TODAY)
    # Feb 1-Apr 30, May 1-Jul 31, Aug 1-Oct 31, Nov 1-Jan 31.
    assert agreement.expiry_date == date(2027, 1, 31)
    assert agreement.cancel_by == date(2027, 1, 1)
    (event,) = _events("agreement.renewed_tacitly")
    assert event.changes["renewal_terms"]["after"] == 4
    assert agreement.status == S.ACTIVE


def test_tacit_renewal_into_the_next_notice_window_is_marked_expiring(db):
    """If the new term's notice window has already begun, the agreement is expiring again."""
    agreement = make_agreement(
        S.EXPIRING,
        expiry_date=TODAY - timedelta(days=1),
        auto_renew=True,
        renewal_term_months=1,
        notice_days=60,
    )
    roll.roll_agreements(today=TODAY)
    assert agreement.expiry_date == term_end(TODAY, 1)
    assert agreement.status == S.EXPIRING
    assert [e.action for e in _events()] == ["agreement.renewed_tacitly", "agreement.expiring"]


def test_a_second_roll_on_the_same_day_changes_nothing(db):
    """The roll is idempotent: the same day twice writes no new events."""
    make_agreement(S.EXECUTED, effective_date=TODAY - timedelta(days=3))
    make_agreement(S.ACTIVE, expiry_date=TODAY + timedelta(days=10))
    make_agreement(S.EXPIRING, expiry_date=TODAY - timedelta(days=10))
    make_agreement(
        S.ACTIVE,
        expiry_date=date(2026, 1, 31),
        auto_renew=True,
        renewal_term_months=3,
        notice_days=30,
    )
    first = roll.roll_agreements(today=TODAY)
    events = len(_events())
    second = roll.roll_agreements(today=TODAY)
    assert first.changed == 4 and second.changed == 0
    assert len(_events()) == events
    assert second.text() == "No agreement changed."


def test_roll_leaves_ended_and_unsigned_agreements_alone(db):
    """Generated, terminated, renewed and expired agreements are not touched."""
    for status in (S.GENERATED, S.SENT_FOR_SIGNATURE, S.TERMINATED, S.RENEWED, S.EXPIRED):
        make_agreement(status, expiry_date=TODAY - timedelta(days=400))
    assert roll.roll_agreements(today=TODAY).changed == 0
    assert _events() == []


def test_roll_text_summarises_the_changes_for_the_command_line(db):
    """roll() runs the job and names the agreements changed."""
    due = make_agreement(S.EXECUTED, effective_date=TODAY)
    text = roll.roll(TODAY)
    assert text == f"Activated (1): {due.number}"


def test_roll_command_runs_the_daily_job_as_of_the_date_given(app, db):
    """`flask agreements roll --today` activates and reports, and a second run changes nothing."""
    from sharing.agreements.cli import agreements_cli

    due = make_agreement(S.EXECUTED, effective_date=TODAY)
    runner = app.test_cli_runner()

    first = runner.invoke(agreements_cli, ["roll", "--today", TODAY.isoformat()])
    again = runner.invoke(agreements_cli, ["roll", "--today", TODAY.isoformat()])

    assert first.exit_code == 0, first.output
    assert f"Activated (1): {due.number}" in first.output
    db.session.refresh(due)
    assert due.status == S.ACTIVE
    assert again.exit_code == 0
    assert due.number not in again.output
