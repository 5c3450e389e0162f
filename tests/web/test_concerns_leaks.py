"""No public page shows a concern's text, its e-mail address, its internal notes or who
handles it: a concern with unique markers everywhere, and every public page searched."""

from __future__ import annotations

from sharing.concerns.models import ConcernNote, ConcernStatus
from sharing.extensions import db
from tests.factories import make_algorithm, make_concern, make_user
from tests.web.tables.register import make_arrangement

BODY = "MARKER-BODY-8f1c the text only the office reads"
EMAIL = "marker-email-77ab@example.org"
NOTE = "MARKER-NOTE-c0de an internal note"


def _public_urls(concern, flow) -> list[str]:
    return [
        f"/concerns/status/{concern.reference}",
        f"/concerns/status?reference={concern.reference}",
        "/concerns/new",
        f"/concerns/new?arrangement={flow.lineage_id}",
        f"/concerns/new?algorithm={concern.algorithm_id}",
        "/concerns/status",
        "/register/",
        f"/register/{flow.lineage_id}",
        "/register/changes",
        "/register/register.csv",
        "/register/register.json",
        "/register/changes.csv",
        "/register/changes.json",
    ]


def test_no_public_page_shows_the_text_the_address_a_note_or_the_assignee(client):
    flow = make_arrangement()
    officer = make_user("privacy", name="MARKER-ASSIGNEE-4d2e")
    algorithm = make_algorithm(approved=True)
    concern = make_concern(
        body=BODY,
        email=EMAIL,
        flow_lineage_id=flow.lineage_id,
        algorithm_id=algorithm.id,
        assignee_id=officer.id,
        status=ConcernStatus.ANSWERED,
        public_response="The public response is shown.",
    )
    db.session.add(ConcernNote(concern_id=concern.id, author_id=officer.id, body=NOTE))
    db.session.commit()
    seen_response = False
    for url in _public_urls(concern, flow):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        for marker in ("MARKER-BODY", "marker-email", "MARKER-NOTE", "MARKER-ASSIGNEE"):
            assert marker not in page, (marker, url)
        seen_response |= "The public response is shown." in page
    assert seen_response


def test_the_staff_case_page_does_show_them_to_the_office(client, login_as):
    """The same markers are on the case page, so the leak test above can fail."""
    concern = make_concern(body=BODY, email=EMAIL)
    db.session.add(ConcernNote(concern_id=concern.id, body=NOTE))
    db.session.commit()
    login_as("privacy")
    page = client.get(f"/concerns/cases/{concern.id}").get_data(as_text=True)
    assert BODY in page and EMAIL in page and NOTE in page
