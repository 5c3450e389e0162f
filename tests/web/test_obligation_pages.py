"""The obligation library pages: reading, editing a draft, form errors, publishing, roles, CSRF."""

from __future__ import annotations

from html import escape

from sqlalchemy import select

from sharing.audit.models import AuditEvent
from sharing.obligations.models import Obligation, PolicyStatus, PolicyVersion
from tests.web.tables.obligations import draft_policy, find, obligation_form, published_policy


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_version_page_lists_obligations_with_rules_in_words(client, login_as):
    """Code, title, source, applicability in words, parameters and question are shown."""
    version = published_policy()
    login_as("procurement")
    html = page(client, f"/obligations/{version.id}")
    assert 'id="obligation-BRN-1"' in html and "breach_notice_hours" in html
    assert "A flow stores data outside the US" in html
    assert escape("Digital Privacy Principles") in html
    assert "Start a draft" not in html and 'id="add-obligation"' not in html


def test_obligation_page_previews_the_clause_with_defaults(client, login_as):
    """The preview fills in the default parameters."""
    breach = find(published_policy(), "BRN-1")
    login_as("privacy")
    html = page(client, f"/obligations/obligation/{breach.id}")
    assert "within 72 hours of discovering it" in html
    assert 'id="edit-obligation"' not in html  # published: no edit button


def test_versions_page_offers_a_draft_to_the_privacy_office_only(client, login_as):
    """Privacy sees "Start a draft"; procurement only reads."""
    published_policy()
    login_as("privacy")
    assert 'id="new-draft"' in page(client, "/obligations/")


def test_a_rejected_edit_keeps_what_was_typed_and_explains_beside_the_field(client, login_as, db):
    """Invalid JSON and an undeclared parameter come back with the input and field errors."""
    breach = find(draft_policy(), "BRN-1")
    login_as("privacy")
    url = f"/obligations/obligation/{breach.id}/edit"
    typed_clause = "Report within {{ hours_to_report }} hours & <promptly>."
    data = obligation_form(breach, clause_template=typed_clause, title="Typed title")
    data.pop("code")
    response = client.post_form(url, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="clause_template-error"' in html and "hours_to_report" in html
    assert escape(typed_clause) in html and 'value="Typed title"' in html
    data["parameters"] = "[{not json"
    html = client.post_form(url, data).get_data(as_text=True)
    assert 'id="parameters-error"' in html and "not valid JSON" in html
    assert "[{not json" in html
    db.session.expire_all()
    assert db.session.get(Obligation, breach.id).title != "Typed title"


def test_an_unknown_rule_is_refused_on_the_applicability_field(client, login_as):
    """The rule language refuses names it does not know."""
    breach = find(draft_policy(), "BRN-1")
    login_as("admin")
    data = obligation_form(breach, applicability='{"rule": "__import__"}')
    data.pop("code")
    html = client.post_form(f"/obligations/obligation/{breach.id}/edit", data).get_data(
        as_text=True
    )
    assert 'id="applicability-error"' in html and "Unknown rule" in html


def test_published_obligations_cannot_be_edited_through_the_form(client, login_as, db):
    """The edit page redirects; a post changes nothing."""
    breach = find(published_policy(), "BRN-1")
    login_as("privacy")
    url = f"/obligations/obligation/{breach.id}/edit"
    assert client.get(url).status_code == 302
    data = obligation_form(breach, title="Changed")
    data.pop("code")
    response = client.post_form(url, data, from_url=f"/obligations/obligation/{breach.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Obligation, breach.id).title != "Changed"


def test_procurement_and_vendors_cannot_post_edits(client, login_as):
    """Editing is for the privacy office and admins."""
    breach = find(draft_policy(), "BRN-1")
    for role in ("procurement", "vendor"):
        login_as(role)
        data = obligation_form(breach, title="Changed")
        response = client.post_form(
            f"/obligations/obligation/{breach.id}/edit", data, from_url="/auth/account"
        )
        assert response.status_code == 403


def test_a_post_without_a_csrf_token_is_refused(client, login_as):
    """Every form carries a CSRF token; without it the post fails."""
    published_policy()
    login_as("privacy")
    response = client.post("/obligations/new-draft", data={"label": "2026.2"})
    assert response.status_code == 400


def test_starting_editing_and_publishing_a_draft(client, login_as, db):
    """Draft → edit → publish with a date, then the impact page; the version is published."""
    published_policy()
    login_as("privacy")
    response = client.post_form("/obligations/new-draft", {"label": "2026.2"})
    assert response.status_code == 302
    draft = db.session.scalar(select(PolicyVersion).where(PolicyVersion.label == "2026.2"))
    publish_page = page(client, f"/obligations/{draft.id}/publish")
    assert "data-confirm=" in publish_page
    response = client.post_form(
        f"/obligations/{draft.id}/publish", {"effective_date": "2026-07-01"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/obligations/{draft.id}/impact")
    db.session.expire_all()
    assert db.session.get(PolicyVersion, draft.id).status == PolicyStatus.PUBLISHED
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-2:] == ["policy.draft_created", "policy.published"]


def test_publishing_before_the_source_takes_effect_shows_the_error(client, login_as):
    """A date before the previous version's keeps the typed date and explains why."""
    draft = draft_policy()
    login_as("admin")
    response = client.post_form(
        f"/obligations/{draft.id}/publish", {"effective_date": "2025-06-01"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="effective_date-error"' in html and 'value="2025-06-01"' in html


def test_the_remove_button_asks_for_confirmation(client, login_as):
    """Removing an obligation from a draft goes through data-confirm."""
    breach = find(draft_policy(), "BRN-1")
    login_as("privacy")
    html = page(client, f"/obligations/obligation/{breach.id}")
    assert 'data-confirm="Remove BRN-1 from draft 2026.2?"' in html
