"""Reminders: who gets each kind, which window is due, exactly-once queueing, a tacit renewal
starting a new cycle, and queueing without a mail server."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from sharing.agreements.roll import roll_agreements
from sharing.audit.models import AuditEvent
from sharing.mail.models import Notification
from sharing.renewals.models import Reminder
from sharing.renewals.reminders import plan_reminders, send_reminders
from tests.services.reminder_setup import (
    NOW,
    TODAY,
    attestation_due,
    evidence_due,
    incident_due,
    make_world,
    one_of_each,
    renewal_due,
)


def _recipients(kind: str) -> list[str]:
    (due,) = [d for d in plan_reminders(today=TODAY, now=NOW) if d.kind == kind]
    return due.recipients.all


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_renewal_goes_to_signatories_the_department_and_the_privacy_office(db):
    """Signatory contacts, the owning department's procurement users and privacy officers;
    not other contacts, vendor users, other departments or inactive users."""
    world = make_world()
    renewal_due(world)
    expected = sorted([world.signatory, world.procurement, world.privacy_officer])
    assert _recipients("renewal") == expected


def test_attestation_goes_to_privacy_contacts_and_vendor_users(db):
    """Privacy contacts and active vendor users answer it; the department and office hear too."""
    world = make_world()
    attestation_due(world)
    expected = [world.privacy_contact, world.vendor_user, world.procurement, world.privacy_officer]
    assert _recipients("attestation") == sorted(expected)


def test_attestation_falls_back_to_signatories_without_a_privacy_contact(db):
    """An organisation with no privacy contact has its signatories asked instead."""
    world = make_world(privacy=False)
    attestation_due(world)
    assert world.signatory in _recipients("attestation")


def test_evidence_goes_to_security_contacts_else_privacy_contacts(db):
    """Security contacts first; an organisation without one has its privacy contacts told."""
    world = make_world()
    evidence_due(world)
    assert _recipients("evidence") == sorted([world.security_contact, world.privacy_officer])
    db.session.query(Reminder).delete()
    other = make_world(security=False)
    evidence_due(other)
    found = {d.organisation_id: d.recipients.all for d in plan_reminders(today=TODAY, now=NOW)}
    assert other.privacy_contact in found[other.organisation.id]
    assert other.security_contact == ""


def test_incident_goes_to_security_contacts_and_the_privacy_office(db):
    """Incident deadlines go to the security contacts and privacy officers."""
    world = make_world()
    incident_due(world)
    assert _recipients("incident") == sorted([world.security_contact, world.privacy_officer])


def test_send_queues_one_row_one_message_per_recipient_and_one_audit_event_each(db):
    """Four kinds due: four Reminder rows, a message per recipient with the reminder's key, and
    one system audit event per reminder naming its recipients."""
    world = make_world()
    ids = one_of_each(world)

    summary = send_reminders(today=TODAY, now=NOW)

    reminders = db.session.scalars(select(Reminder).order_by(Reminder.dedupe_key)).all()
    assert {(r.object_type, r.object_id) for r in reminders} == set(ids.items())
    assert summary.reminders == 4
    assert summary.messages == sum(len(r.recipients) for r in reminders)
    renewal = next(r for r in reminders if r.kind == "renewal")
    assert renewal.dedupe_key == f"agreement:{ids['agreement']}:renewal:30:2026-07-01"
    keys = set(db.session.scalars(select(Notification.dedupe_key)))
    assert f"reminder:{renewal.dedupe_key}:{world.signatory}" in keys
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reminder.queued"))
    events = list(events)
    assert len(events) == 4
    assert {e.actor_email for e in events} == {"system"}
    agreement_event = next(e for e in events if e.object_type == "agreement")
    assert agreement_event.changes["recipients"]["after"] == renewal.recipients


def test_messages_link_staff_to_staff_pages_and_vendors_to_the_portal(db):
    """A contact's message opens the portal page; a privacy officer's opens the staff page."""
    world = make_world()
    agreement = renewal_due(world)
    send_reminders(today=TODAY, now=NOW)
    bodies = dict(db.session.execute(select(Notification.recipient, Notification.body)).all())
    assert f"http://localhost/portal/agreements/{agreement.id}" in bodies[world.signatory]
    assert f"http://localhost/agreements/{agreement.id}" in bodies[world.privacy_officer]
    assert agreement.number in bodies[world.signatory]


def test_a_second_run_the_same_day_queues_nothing(db):
    """Running again finds every reminder queued already and adds no row or message."""
    world = make_world()
    one_of_each(world)
    send_reminders(today=TODAY, now=NOW)
    rows, messages = _count(db, Reminder), _count(db, Notification)

    again = send_reminders(today=TODAY, now=NOW + timedelta(minutes=5))

    assert (again.reminders, again.messages) == (0, 0)
    assert (_count(db, Reminder), _count(db, Notification)) == (rows, messages)


def test_each_renewal_window_is_sent_once_as_the_deadline_approaches(db):
    """Daily runs from 100 days out send the notice-window, 30, 7 and 0-day reminders once."""
    world = make_world()
    agreement = renewal_due(world, days_left=100)
    for day in range(101):
        send_reminders(today=TODAY + timedelta(days=day), now=NOW + timedelta(days=day))
    windows = db.session.scalars(
        select(Reminder.window).where(Reminder.object_id == agreement.id).order_by(Reminder.id)
    )
    assert list(windows) == ["opens", "30", "7", "0"]


def test_a_missed_run_sends_only_the_latest_renewal_window(db):
    """The first run 5 days before expiry sends the 7-day notice and nothing earlier."""
    world = make_world()
    renewal_due(world, days_left=5)
    send_reminders(today=TODAY, now=NOW)
    assert list(db.session.scalars(select(Reminder.window))) == ["7"]


def test_attestation_reminders_14_and_3_days_ahead_then_weekly_when_overdue(db):
    """Daily runs send 14, 3, then weekly overdue-1, -2, -3 for an unanswered attestation."""
    world = make_world()
    attestation_due(world, days_left=20)
    for day in range(36):
        send_reminders(today=TODAY + timedelta(days=day), now=NOW + timedelta(days=day))
    windows = list(db.session.scalars(select(Reminder.window).order_by(Reminder.id)))
    assert windows == ["14", "3", "overdue-1", "overdue-2", "overdue-3"]


def test_superseded_evidence_gets_no_reminder(db):
    """A newer file of the same type valid for longer replaces the expiring one."""
    world = make_world()
    evidence_due(world)
    evidence_due(world, days_left=400)
    assert [d.kind for d in plan_reminders(today=TODAY, now=NOW)] == []


def test_closed_or_notified_incidents_and_distant_deadlines_get_no_reminder(db):
    """Only open incidents within 48 hours of (or past) their notice deadline are reminded."""
    from sharing.disclosures.models import IncidentStatus

    world = make_world()
    incident_due(world, hours_left=100)
    notified = incident_due(world, hours_left=10)
    notified.status = IncidentStatus.NOTIFIED
    db.session.commit()
    assert plan_reminders(today=TODAY, now=NOW) == []
    passed = incident_due(world, hours_left=-3)
    (due,) = plan_reminders(today=TODAY, now=NOW)
    assert (due.object_id, due.window) == (passed.id, "passed")


def test_tacit_renewal_starts_a_new_cycle_of_reminders(db):
    """After the roll renews an agreement, its new cancel-by date gets fresh reminders."""
    world = make_world()
    agreement = renewal_due(world, days_left=30, auto_renew=True, notice_days=30)
    send_reminders(today=TODAY, now=NOW)  # cancel-by is today: the 0-day notice
    first = db.session.scalars(select(Reminder)).one()
    assert (first.window, first.target_date) == ("0", TODAY)

    expiry = agreement.expiry_date
    roll_agreements(today=expiry + timedelta(days=1))
    db.session.refresh(agreement)
    new_cancel_by = agreement.expiry_date - timedelta(days=30)
    assert new_cancel_by > first.target_date
    day = new_cancel_by - timedelta(days=30)
    send_reminders(today=day, now=NOW + (day - TODAY))

    latest = db.session.scalars(select(Reminder).order_by(Reminder.id.desc())).first()
    assert latest.id != first.id
    assert (latest.window, latest.target_date) == ("30", new_cancel_by)
    assert latest.dedupe_key.endswith(new_cancel_by.isoformat())


def test_without_a_mail_server_reminders_are_queued_and_wait_in_the_outbox(app, db):
    """MAIL_SERVER unset: the messages are queued, none is sent, and the CLI says so."""
    world = make_world()
    renewal_due(world)
    assert not app.config.get("MAIL_SERVER")

    result = app.test_cli_runner().invoke(args=["reminders", "send", "--today", "2026-06-01"])

    assert result.exit_code == 0, result.output
    assert "Queued 1 reminder (3 messages)." in result.output
    assert "messages wait in the outbox" in result.output
    states = set(db.session.scalars(select(Notification.sent_at)))
    assert states == {None}
    assert _count(db, Notification) == 3


def test_send_delivers_over_smtp_when_configured(app, db, smtp_server):
    """With a mail server, the run sends what it queued and the CLI reports it."""
    app.config.update(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port)
    world = make_world()
    renewal_due(world)

    result = app.test_cli_runner().invoke(args=["reminders", "send", "--today", "2026-06-01"])

    assert "Sent 3, failed 0." in result.output
    received = sorted(m["to"][0] for m in smtp_server.messages)
    assert received == sorted([world.signatory, world.procurement, world.privacy_officer])
    subject = smtp_server.messages[0]["message"]["Subject"]
    assert subject.startswith("Renewal notice: ")


def test_a_reminder_with_nobody_to_tell_is_left_for_a_later_run(db):
    """No contact and no staff: nothing is recorded, so it goes once someone is added."""
    from sharing.agreements.models import AgreementStatus
    from sharing.vendors.models import ContactRole
    from tests.factories import make_contact, make_organisation
    from tests.web.tables.agreement_lifecycle import make_agreement

    org = make_organisation()
    make_agreement(
        AgreementStatus.ACTIVE, organisation_id=org.id, expiry_date=TODAY + timedelta(days=30)
    )
    summary = send_reminders(today=TODAY, now=NOW)
    assert (summary.reminders, summary.without_recipients) == (0, 1)
    make_contact(org, role=ContactRole.SIGNATORY)
    assert send_reminders(today=TODAY, now=NOW).reminders == 1
