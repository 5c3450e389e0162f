"""The privacy office sees what changed in a flow since it requested changes."""

from __future__ import annotations

import re

from sharing.extensions import db
from sharing.flows.models import FlowStatus
from tests.factories import make_category
from tests.web.tables.flows import _form, flow_in


def html(response) -> str:
    return response.get_data(as_text=True)


def switch_user(client, login_as, role: str):
    client.post_form("/auth/sign-out", {}, from_url="/auth/account")
    return login_as(role)


def _version(flow) -> int:
    """The flow's version as the database holds it now."""
    db.session.expire(flow)
    return flow.version


def _submit(client, flow) -> None:
    url = f"/flows/{flow.id}"
    response = client.post_form(f"{url}/actions/submit", {"version": _version(flow)}, from_url=url)
    assert response.status_code == 302
    assert _version(flow) and flow.status == FlowStatus.SUBMITTED


def _section(page: str) -> str:
    found = re.search(r'<section[^>]*id="review-changes".*?</section>', page, re.S)
    assert found, "no review-changes section"
    return found.group(0)


def _rows(section: str) -> dict[str, str]:
    """Each changed row's field label and its text, whitespace squeezed."""
    rows = {}
    for label, cells in re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', section, re.S):
        rows[label] = " ".join(re.sub(r"<[^>]+>", " ", cells).split())
    return rows


def test_resubmitted_flow_shows_exactly_the_fields_changed_since_the_return(client, login_as):
    """Two fields and one added category edited after a change request are listed, with their
    values when returned and now, and nothing else is."""
    flow = flow_in(FlowStatus.CHANGES_REQUESTED, retention_days=365)
    added = make_category(name="Email address")
    url = f"/flows/{flow.id}"
    login_as("procurement")
    data = _form(flow, purposes="Issue residential parking permits only.", retention_days="90")
    data.update(
        {
            "categories-1-category_id": str(added.id),
            "categories-1-selected": "y",
            "categories-1-justification": "To send the permit",
        }
    )
    assert client.post_form(f"{url}/edit", data, from_url=f"{url}/edit").status_code == 302
    _submit(client, flow)
    switch_user(client, login_as, "privacy")
    page = html(client.get(url))
    assert "Submitted" in page
    rows = _rows(_section(page))
    assert set(rows) == {"Purposes", "Retention (days)", "Data categories"}
    assert rows["Purposes"] == (
        "Issue and enforce residential parking permits. Issue residential parking permits only."
    )
    assert rows["Retention (days)"] == "365 90"
    assert rows["Data categories"] == "— Added: Email address"


def test_a_removed_category_and_a_reverted_edit(client, login_as):
    """A category taken out is listed as removed; a field changed and then put back is not."""
    flow = flow_in(FlowStatus.CHANGES_REQUESTED)
    kept = make_category(name="Mailing address")
    url = f"/flows/{flow.id}"
    login_as("procurement")
    first = _form(flow, purposes="Temporary wording")
    first.update(
        {
            "categories-0-category_id": str(kept.id),
            "categories-0-justification": "To mail the permit",
        }
    )
    removed = flow.categories[0].category.name
    assert client.post_form(f"{url}/edit", first, from_url=f"{url}/edit").status_code == 302
    second = _form(flow, purposes="Issue and enforce residential parking permits.")
    second["version"] = str(_version(flow))
    assert client.post_form(f"{url}/edit", second, from_url=f"{url}/edit").status_code == 302
    _submit(client, flow)
    switch_user(client, login_as, "privacy")
    rows = _rows(_section(html(client.get(url))))
    assert set(rows) == {"Data categories"}
    assert rows["Data categories"] == f"Removed: {removed} Added: Mailing address"


def test_a_flow_never_returned_or_seen_by_procurement_has_no_change_section(client, login_as):
    """A first submission has nothing to compare; procurement does not get the section."""
    fresh = flow_in(FlowStatus.SUBMITTED)
    login_as("privacy")
    assert 'id="review-changes"' not in html(client.get(f"/flows/{fresh.id}"))
    returned = flow_in(FlowStatus.CHANGES_REQUESTED)
    url = f"/flows/{returned.id}"
    switch_user(client, login_as, "procurement")
    _submit(client, returned)
    assert 'id="review-changes"' not in html(client.get(url))
    switch_user(client, login_as, "privacy")
    section = _section(html(client.get(url)))
    assert "Nothing was changed" in section
