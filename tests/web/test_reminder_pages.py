"""The reminders list (filters, search, links) and reminder history on the agreement and
attestation pages, where vendor users see when and why but never the recipients."""

from __future__ import annotations

from sharing.renewals.reminders import send_reminders
from tests.services.reminder_setup import (
    NOW,
    TODAY,
    attestation_due,
    make_world,
    one_of_each,
    renewal_due,
)


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_reminders_list_shows_every_reminder_with_a_link_to_its_object(client, login_as, db):
    """The privacy office sees each reminder, its object linked, and its delivery state."""
    world = make_world()
    ids = one_of_each(world)
    send_reminders(today=TODAY, now=NOW)
    login_as("privacy")

    page = _html(client, "/renewals/reminders")

    assert page.count("<tr>") == 1 + 4
    assert f'href="/agreements/{ids["agreement"]}"' in page
    assert f'href="/attestations/{ids["attestation"]}"' in page
    assert world.organisation.display_name in page
    assert "0 sent, 3 queued" in page


def test_reminders_list_filters_by_kind_organisation_and_search(client, login_as, db):
    """Kind, organisation and a search on agreement number or name each narrow the list."""
    world, other = make_world(), make_world()
    agreement = renewal_due(world)
    request = attestation_due(world)
    renewal_due(other)
    send_reminders(today=TODAY, now=NOW)
    login_as("admin")

    by_kind = _html(client, "/renewals/reminders?kind=attestation")
    assert by_kind.count("<tr>") == 1 + 1 and "Attestation" in by_kind
    by_org = _html(client, f"/renewals/reminders?organisation={other.organisation.id}")
    assert by_org.count("<tr>") == 1 + 1 and other.organisation.display_name in by_org
    searched = _html(client, f"/renewals/reminders?q={agreement.number.lower()}")
    assert searched.count("<tr>") == 1 + 1 and agreement.number in searched
    by_attested = _html(client, f"/renewals/reminders?q={request.agreement.number}")
    assert by_attested.count("<tr>") == 1 + 1 and "attestation due" in by_attested
    by_name = _html(client, f"/renewals/reminders?q={other.organisation.display_name}")
    assert by_name.count("<tr>") == 1 + 1
    nothing = _html(client, "/renewals/reminders?q=no-such-thing")
    assert "No reminders match these filters" in nothing


def test_reminders_list_is_empty_with_advice_before_any_run(client, login_as, db):
    """With no reminders the page says how they get sent."""
    login_as("privacy")
    assert "No reminders have been queued yet" in _html(client, "/renewals/reminders")


def test_agreement_page_shows_its_reminder_history_with_recipients(client, login_as, db):
    """Staff see when, the window, the date and the recipients on the agreement page."""
    world = make_world()
    agreement = renewal_due(world)
    login_as("privacy")
    assert "No reminders yet" in _html(client, f"/agreements/{agreement.id}")

    send_reminders(today=TODAY, now=NOW)
    page = _html(client, f"/agreements/{agreement.id}")

    assert 'id="reminder-history"' in page
    assert "30 days before" in page and "2026-07-01" in page
    assert world.signatory in page and world.privacy_officer in page


def test_vendor_sees_attestation_reminders_but_not_their_recipients(client, login_as, db):
    """A vendor user's attestation page lists the reminders without anyone's address."""
    world = make_world()
    request = attestation_due(world)
    send_reminders(today=TODAY, now=NOW)
    login_as("vendor", organisation_id=world.organisation.id)

    page = _html(client, f"/attestations/{request.id}")

    assert 'id="reminder-history"' in page
    assert "14 days before" in page
    assert world.privacy_officer not in page
    assert world.procurement not in page
    assert "Recipients" not in page


def test_staff_see_attestation_reminder_recipients_and_delivery(client, login_as, db):
    """The privacy office sees who the attestation reminder went to and its delivery state."""
    world = make_world()
    request = attestation_due(world)
    send_reminders(today=TODAY, now=NOW)
    login_as("privacy")

    page = _html(client, f"/attestations/{request.id}")

    assert world.vendor_user in page and world.privacy_contact in page
    assert "4 queued" in page
