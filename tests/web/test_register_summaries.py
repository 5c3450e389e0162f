"""The public summaries in English, Spanish and Vietnamese: written on the flow's publication
page (audited), and shown on the public pages in the visitor's language with links to the
others."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import LanguageAccept, MultiDict

from sharing.audit.models import AuditEvent
from sharing.extensions import db
from sharing.flows.models import DataFlow
from sharing.register.templating import choose_summary, requested_language
from tests.factories import make_algorithm
from tests.web.tables.register import make_arrangement

ENGLISH = "The city shares permit applications with its parking contractor."
SPANISH = "La ciudad comparte las solicitudes de permisos con su contratista."
VIETNAMESE = "Thành phố chia sẻ đơn xin giấy phép với nhà thầu đỗ xe."


def _publication(flow, **summaries) -> dict:
    return {"decision": "publish", "exemption": "", "version": str(flow.version), **summaries}


def test_the_privacy_office_writes_the_three_summaries_and_each_is_audited(client, login_as):
    """The publication page saves the summaries; the audit event has each before and after."""
    login_as("privacy")
    flow = make_arrangement()
    response = client.post_form(
        f"/register/flows/{flow.id}/publication",
        _publication(
            flow, public_summary=ENGLISH, public_summary_es=SPANISH, public_summary_vi=VIETNAMESE
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(DataFlow, flow.id)
    assert (saved.public_summary, saved.public_summary_es, saved.public_summary_vi) == (
        ENGLISH,
        SPANISH,
        VIETNAMESE,
    )
    (event,) = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "flow.publication_changed")
    ).all()
    assert event.changes["public_summary_es"] == {"before": "", "after": SPANISH}
    assert event.changes["public_summary_vi"] == {"before": "", "after": VIETNAMESE}


def test_a_summary_over_2000_characters_is_refused_on_its_field(client, login_as):
    """The form names the field that is too long and saves nothing."""
    login_as("privacy")
    flow = make_arrangement()
    response = client.post_form(
        f"/register/flows/{flow.id}/publication",
        _publication(flow, public_summary_vi="x" * 2001),
    )
    assert response.status_code == 200
    assert "Field cannot be longer than 2000 characters" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(DataFlow, flow.id).public_summary_vi == ""


def _summaries_flow():
    return make_arrangement(
        public_summary=ENGLISH, public_summary_es=SPANISH, public_summary_vi=VIETNAMESE
    )


def test_english_is_shown_by_default_with_links_to_the_other_languages(client):
    """No choice: English, and "Leer en español" / "Đọc bằng tiếng Việt" links."""
    flow = _summaries_flow()
    page = client.get(f"/register/{flow.lineage_id}").get_data(as_text=True)
    assert ENGLISH in page and SPANISH not in page
    assert 'lang="es" hreflang="es">Leer en español</a>' in page
    assert 'lang="vi" hreflang="vi">Đọc bằng tiếng Việt</a>' in page


def test_the_lang_query_chooses_spanish_and_marks_it_as_spanish(client):
    """?lang=es shows the Spanish text inside an element with lang="es"."""
    flow = _summaries_flow()
    page = client.get(f"/register/{flow.lineage_id}?lang=es").get_data(as_text=True)
    assert f'lang="es">{SPANISH}</p>' in page
    assert ENGLISH not in page
    assert ">Read in English</a>" in page


def test_the_browser_language_chooses_vietnamese(client):
    """Accept-Language: vi shows the Vietnamese text marked lang="vi"."""
    flow = _summaries_flow()
    response = client.get(
        f"/register/{flow.lineage_id}", headers={"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"}
    )
    page = response.get_data(as_text=True)
    assert f'lang="vi">{VIETNAMESE}</p>' in page
    assert "Accept-Language" in response.headers["Vary"]


def test_a_language_without_a_summary_falls_back_to_english(client):
    """?lang=vi with no Vietnamese text shows English, and offers only the written languages."""
    flow = make_arrangement(public_summary=ENGLISH, public_summary_es=SPANISH)
    page = client.get(f"/register/{flow.lineage_id}?lang=vi").get_data(as_text=True)
    assert ENGLISH in page
    assert "Đọc bằng tiếng Việt" not in page
    assert "Leer en español" in page


def test_an_algorithm_page_shows_its_approved_summary_in_the_chosen_language(client):
    """The algorithm's summary_es from the snapshot, with lang="es"."""
    algorithm = make_algorithm(approved=True, summary=ENGLISH, summary_es=SPANISH)
    page = client.get(f"/register/algorithms/{algorithm.id}?lang=es").get_data(as_text=True)
    assert f'lang="es">{SPANISH}</p>' in page


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        ({}, [], "en"),
        ({"lang": "es"}, [("vi", 1)], "es"),
        ({"lang": "fr"}, [("es-MX", 1)], "es"),
        ({}, [("fr", 1), ("vi", 0.5)], "vi"),
        ({}, [("fr", 1)], "en"),
    ],
)
def test_the_requested_language_is_the_query_then_the_browser_then_english(
    app, query, header, expected
):
    """?lang wins when it names one of the three; else Accept-Language; else English."""
    assert requested_language(MultiDict(query), LanguageAccept(header)) == expected


def test_no_summary_written_means_no_summary_block():
    """With no text in any language there is nothing to show."""
    assert choose_summary({"en": "", "es": " ", "vi": None}, "es") is None
