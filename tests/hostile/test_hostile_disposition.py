"""Hostile use of the disposition pages: another organisation's directive answers 404 to every
route with nothing changed; a vendor user without the signer right cannot sign; hostile text in
the certificate is stored as typed and shown escaped; impossible dates are refused; and the
certificate takes no uploads."""

from __future__ import annotations

import inspect
from datetime import timedelta

import pytest
from flask_wtf.file import FileField
from markupsafe import escape

from sharing.core.clock import today
from sharing.disposition import directive_forms
from sharing.disposition.models import DirectiveStatus
from sharing.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.hostile.state import changed_tables, snapshot
from tests.web.tables.disposition import answered, issued_directive

SCRIPT = '<script>alert("x")</script>'


def _routes(directive) -> list[tuple[str, str, dict]]:
    base = f"/disposition/{directive.id}"
    element = directive.elements[0].id
    return [
        ("GET", base, {}),
        ("POST", base, {"version": directive.version}),
        ("GET", f"{base}/sign", {}),
        (
            "POST",
            f"{base}/sign",
            {"typed_name": "X", "typed_title": "Y", "consent": "y", "password": TEST_PASSWORD},
        ),
        ("GET", f"{base}/directive.docx", {}),
        ("GET", f"{base}/directive.pdf", {}),
        ("GET", f"{base}/elements/{element}", {}),
    ]


def test_every_route_of_another_organisations_directive_is_not_found(app, client, login_as):
    """A vendor of another organisation learns nothing and changes nothing (the office's
    element page refuses vendors before it looks, with 403)."""
    directive = issued_directive()
    login_as("vendor", may_sign=True)
    token = client.csrf_token("/disposition/")
    before = snapshot(app)

    statuses = []
    for method, url, data in _routes(directive):
        if method == "GET":
            statuses.append(client.get(url).status_code)
        else:
            statuses.append(client.post(url, data={**data, "csrf_token": token}).status_code)

    assert statuses == [404, 404, 404, 404, 404, 404, 403]
    assert changed_tables(before, snapshot(app)) == {}


def test_a_vendor_user_without_the_signer_right_changes_nothing_by_posting(app, client, login_as):
    person = login_as("vendor", may_sign=False)
    directive = issued_directive(person.organisation_id)
    answered(directive, person)
    before = snapshot(app)

    response = client.post_form(
        f"/disposition/{directive.id}/sign",
        {"typed_name": person.name, "typed_title": "CEO", "consent": "y",
         "password": TEST_PASSWORD, "version": directive.version},
        from_url=f"/disposition/{directive.id}",
    )  # fmt: skip

    assert response.status_code == 403
    assert changed_tables(before, snapshot(app)) == {}
    db.session.refresh(directive)
    assert directive.status == DirectiveStatus.ISSUED


def test_hostile_text_in_the_certificate_is_kept_as_typed_and_shown_escaped(client, login_as):
    person = login_as("vendor")
    directive = issued_directive(person.organisation_id)
    first = directive.elements[0]

    client.post_form(
        f"/disposition/{directive.id}",
        {"version": directive.version, "elements-0-element_id": first.id,
         "elements-0-done_method": SCRIPT, "elements-0-notes": "x'; DROP TABLE users; --"},
    )  # fmt: skip
    html = client.get(f"/disposition/{directive.id}").get_data(as_text=True)

    db.session.refresh(first)
    assert first.done_method == SCRIPT
    assert SCRIPT not in html and str(escape(SCRIPT)) in html


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "2026-02-30", "NaN"])
def test_impossible_dates_are_refused_with_nothing_saved(app, client, login_as, value):
    person = login_as("vendor")
    directive = issued_directive(person.organisation_id)
    first = directive.elements[0]
    before = snapshot(app)

    response = client.post_form(
        f"/disposition/{directive.id}",
        {"version": directive.version, "elements-0-element_id": first.id,
         "elements-0-done_on": value},
    )  # fmt: skip

    assert response.status_code == 200
    assert 'id="elements-0-done_on-error"' in response.get_data(as_text=True)
    assert changed_tables(before, snapshot(app)) == {}


def test_a_date_before_the_directive_ended_is_refused(client, login_as):
    person = login_as("vendor")
    directive = issued_directive(person.organisation_id)
    before_end = (directive.ended_on - timedelta(days=1)).isoformat()

    response = client.post_form(
        f"/disposition/{directive.id}",
        {"version": directive.version, "elements-0-element_id": directive.elements[0].id,
         "elements-0-done_on": before_end},
    )  # fmt: skip

    assert "before the directive&#39;s end date" in response.get_data(as_text=True)
    assert directive.elements[0].done_on is None and directive.ended_on < today()


def test_the_disposition_forms_take_no_uploads():
    """The certificate is typed, never uploaded: no file field on any disposition form."""
    forms = [obj for _, obj in inspect.getmembers(directive_forms, inspect.isclass)]
    fields = [
        value
        for form in forms
        for value in vars(form).values()
        if getattr(value, "field_class", None) is FileField
    ]
    assert forms and fields == []
