"""The public concern form and status pages: no account needed, what a concern is about,
the reference and deadline, the status page, and the acknowledgement by e-mail."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from sharing.audit.models import AuditEvent
from sharing.concerns.models import Concern, ConcernKind, ConcernStatus
from sharing.concerns.references import ALPHABET, PREFIX
from sharing.core.clock import today
from sharing.extensions import db
from sharing.flows.models import FlowStatus
from sharing.mail.models import Notification
from tests.factories import make_algorithm, make_concern, make_user
from tests.web.tables.register import make_arrangement

TEXT = "The parking app shares my plate number with too many people."


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _raise(client, data=None, *, query: str = "", **kw):
    payload = {"kind": "concern", "body": TEXT, "email": "", "language": "en", "website": ""}
    payload.update(data or {})
    return client.post_form("/concerns/new", payload, from_url=f"/concerns/new{query}", **kw)


def _only_concern() -> Concern:
    return db.session.scalars(select(Concern)).one()


def test_anyone_can_raise_a_concern_and_gets_a_reference_and_deadline(client):
    """Without an account, a concern is stored with a random SJ- reference, due in 30 days,
    and the receipt shows the reference, the deadline and the status page link."""
    response = _raise(client, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    concern = _only_concern()
    assert concern.reference.startswith(PREFIX)
    assert len(concern.reference) == len(PREFIX) + 8
    assert set(concern.reference[len(PREFIX) :]) <= set(ALPHABET)
    assert concern.due_on == today() + timedelta(days=30)
    assert concern.status == ConcernStatus.RECEIVED
    assert concern.body == TEXT
    assert concern.reference in page
    assert concern.due_on.isoformat() in page
    assert f"/concerns/status/{concern.reference}" in page


def test_the_receipt_is_shown_once(client):
    """Reloading the receipt after it was read leads back to the form, not to an old reference."""
    _raise(client, follow_redirects=True)
    again = client.get("/concerns/received")
    assert again.status_code == 302
    assert again.headers["Location"].endswith("/concerns/new")


def test_a_concern_about_a_public_arrangement_names_it(client):
    """?arrangement=<lineage> shows the service and organization, and the concern keeps the link."""
    flow = make_arrangement(system_name="Library loans")
    page = client.get(f"/concerns/new?arrangement={flow.lineage_id}").get_data(as_text=True)
    assert "Library loans" in page
    assert flow.organisation.display_name in page
    _raise(client, {"arrangement": str(flow.lineage_id)})
    assert _only_concern().flow_lineage_id == flow.lineage_id


def test_a_concern_about_a_public_algorithm_shows_only_its_public_name(client):
    """An approved, published algorithm is named by its snapshot's name, never its live columns."""
    algorithm = make_algorithm(approved=True, name="Pothole ranking")
    algorithm.name = "Renamed in a draft"
    db.session.commit()
    page = client.get(f"/concerns/new?algorithm={algorithm.id}").get_data(as_text=True)
    assert "Pothole ranking" in page
    assert "Renamed in a draft" not in page
    _raise(client, {"algorithm": str(algorithm.id)})
    assert _only_concern().algorithm_id == algorithm.id


def test_an_unpublished_subject_is_not_revealed_and_the_form_still_works(client):
    """A draft flow or an unapproved algorithm is not named; the concern is about nothing."""
    draft = make_arrangement(status=FlowStatus.DRAFT, system_name="Secret pilot")
    hidden = make_algorithm(name="Hidden model")
    for query in (f"?arrangement={draft.lineage_id}", f"?algorithm={hidden.id}", "?algorithm=999"):
        page = client.get(f"/concerns/new{query}").get_data(as_text=True)
        assert "Secret pilot" not in page and "Hidden model" not in page
        assert "not about any one record" in page
    _raise(client, {"algorithm": str(hidden.id)})
    concern = _only_concern()
    assert concern.algorithm_id is None and concern.flow_lineage_id is None


def test_an_error_report_is_recorded_as_such(client):
    _raise(client, {"kind": "error"})
    assert _only_concern().kind == ConcernKind.ERROR


def test_raising_a_concern_is_audited_without_the_text_or_address(client):
    """The trail records the reference and the subject, never the text or the e-mail."""
    _raise(client, {"email": "resident@example.org"})
    concern = _only_concern()
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "concern.raised")
    ).one()
    assert event.object_id == str(concern.id)
    recorded = str(event.changes) + event.summary
    assert concern.reference in recorded
    assert "resident@example.org" not in recorded
    assert TEXT not in recorded


def test_an_email_gets_an_acknowledgement_with_the_reference(client):
    _raise(client, {"email": "Resident@Example.org"})
    concern = _only_concern()
    sent = db.session.scalars(
        select(Notification).where(Notification.recipient == "resident@example.org")
    ).all()
    assert len(sent) == 1
    assert concern.reference in sent[0].subject
    assert f"/concerns/status/{concern.reference}" in sent[0].body
    assert TEXT not in sent[0].body


def test_a_malformed_email_is_refused_beside_its_field_and_the_text_kept(client):
    response = _raise(client, {"email": "not-an-address"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="email-error"' in page
    assert TEXT in page
    assert _count(Concern) == 0


def test_the_office_hears_of_a_new_concern_in_its_inbox(client):
    from sharing.inbox.models import InboxItem

    officer = make_user("privacy")
    db.session.commit()
    _raise(client)
    item = db.session.scalars(select(InboxItem).where(InboxItem.user_id == officer.id)).one()
    assert item.kind == "concern.raised"
    assert item.link == f"/concerns/cases/{_only_concern().id}"


def test_the_status_page_shows_status_deadline_and_response(client):
    concern = make_concern(
        status=ConcernStatus.ANSWERED, public_response="We have fixed the entry. Thank you."
    )
    page = client.get(f"/concerns/status/{concern.reference}").get_data(as_text=True)
    assert concern.reference in page
    assert concern.due_on.isoformat() in page
    assert "Answered" in page
    assert "We have fixed the entry. Thank you." in page


def test_the_lookup_form_finds_a_reference_typed_loosely(client):
    """Lower case and spaces are forgiven; the lookup leads to the status page."""
    concern = make_concern(reference="SJ-ABCD2346")
    response = client.get("/concerns/status?reference=+sj-abcd2346+")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/concerns/status/SJ-ABCD2346")
    assert client.get("/concerns/status/sj-abcd2346").status_code == 200
    assert concern.reference


def test_an_unknown_reference_answers_404_in_plain_words(client):
    response = client.get("/concerns/status/SJ-NOPE2222")
    assert response.status_code == 404
    assert "We cannot find that reference" in response.get_data(as_text=True)


def test_the_footer_links_to_the_concern_form(client):
    page = client.get("/register/").get_data(as_text=True)
    assert 'href="/concerns/new"' in page


def test_a_case_closed_without_a_response_says_so(client):
    concern = make_concern(status=ConcernStatus.CLOSED)
    page = client.get(f"/concerns/status/{concern.reference}").get_data(as_text=True)
    assert "closed this without a public response" in page
    assert "No response yet" not in page
