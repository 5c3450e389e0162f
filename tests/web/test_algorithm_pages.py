"""The staff algorithm register pages: access, the list's search, filters, sorting, paging and
query count, the callout of flows with automated decisions and no record, the record page,
and the form's round trip."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from sharing.algorithms.models import AlgorithmStatus
from sharing.algorithms.queries import flows_without_record
from sharing.extensions import db as _db
from sharing.flows.models import FlowStatus, RiskTier
from tests.factories import (
    add_category,
    make_algorithm,
    make_approved_flow,
    make_category,
    make_flow,
    make_organisation,
)
from tests.web.tables.algorithms import algorithm_in, form_data, make_ready_algorithm

STAFF_ROUTES = [
    ("GET", "/algorithms/"),
    ("GET", "/algorithms/{id}"),
    ("GET", "/algorithms/new"),
    ("GET", "/algorithms/{id}/edit"),
    ("POST", "/algorithms/new"),
    ("POST", "/algorithms/{id}/edit"),
    ("POST", "/algorithms/{id}/actions/submit"),
    ("POST", "/algorithms/{id}/comments"),
]


def _names(html: str) -> list[str]:
    return re.findall(r'href="/algorithms/\d+">([^<]+)</a>', html)


@pytest.mark.parametrize(("method", "path"), STAFF_ROUTES)
def test_vendor_users_get_403_on_every_staff_algorithm_page(client, login_as, method, path):
    """Vendors never see the staff register, even for their own organisation's records."""
    user = login_as("vendor")
    algorithm = make_algorithm(user.organisation)
    url = path.format(id=algorithm.id)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post_form(url, {"body": "x"}, from_url="/auth/account")
    assert response.status_code == 403


def test_list_searches_name_provider_and_purpose(client, login_as):
    """The search box finds a word in the name, the provider's name or the purpose."""
    login_as("privacy")
    make_algorithm(name="Leak detector")
    make_algorithm(make_organisation(common_name="Acme Vision"), name="Camera blur")
    make_algorithm(name="Triage", purpose="Route library holds")
    for word, expected in (("leak", "Leak detector"), ("acme", "Camera blur"), ("holds", "Triage")):
        html = client.get(f"/algorithms/?q={word}").get_data(as_text=True)
        assert _names(html) == [expected]


def test_list_filters_by_status_risk_and_provider(client, login_as):
    """Each filter narrows the list to the matching records."""
    login_as("procurement")
    provider = make_organisation()
    make_algorithm(provider, name="Provider one")
    make_algorithm(name="High one", risk_tier=RiskTier.HIGH)
    make_algorithm(name="Submitted one", status=AlgorithmStatus.SUBMITTED)
    assert _names(client.get(f"/algorithms/?provider={provider.id}").get_data(as_text=True)) == [
        "Provider one"
    ]
    assert _names(client.get("/algorithms/?risk=high").get_data(as_text=True)) == ["High one"]
    assert _names(client.get("/algorithms/?status=submitted").get_data(as_text=True)) == [
        "Submitted one"
    ]


def test_list_sorts_by_name_and_last_tested(client, login_as):
    """Sorting by name is alphabetical; by last test, the oldest first and untested last."""
    from datetime import date

    login_as("privacy")
    make_algorithm(name="Bravo", last_tested_on=date(2025, 1, 1))
    make_algorithm(name="alpha", last_tested_on=date(2026, 1, 1))
    make_algorithm(name="Charlie")
    html = client.get("/algorithms/?sort=name").get_data(as_text=True)
    assert _names(html) == ["alpha", "Bravo", "Charlie"]
    html = client.get("/algorithms/?sort=tested").get_data(as_text=True)
    assert _names(html) == ["Bravo", "alpha", "Charlie"]
    html = client.get("/algorithms/?sort=-name").get_data(as_text=True)
    assert _names(html) == ["Charlie", "Bravo", "alpha"]


def test_list_pages(client, login_as):
    """The list pages at the requested size."""
    login_as("privacy")
    for n in range(5):
        make_algorithm(name=f"System {n}")
    first = _names(client.get("/algorithms/?sort=name&per_page=2").get_data(as_text=True))
    third = _names(client.get("/algorithms/?sort=name&per_page=2&page=3").get_data(as_text=True))
    assert first == ["System 0", "System 1"]
    assert third == ["System 4"]


def test_empty_list_says_how_to_add_a_record(client, login_as):
    """With no records, editors are told how to add the first."""
    login_as("procurement")
    html = client.get("/algorithms/").get_data(as_text=True)
    assert "Add the first record" in html
    assert 'href="/algorithms/new"' in html


def _count_queries(client, url: str) -> int:
    statements: list[str] = []

    def count(*_args):
        statements.append("q")

    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)
    return len(statements)


def test_list_query_count_does_not_grow_with_records(client, login_as):
    """Providers are loaded with the records, and the callout in one query (no N+1)."""
    login_as("privacy")

    def add(n: int) -> None:
        for _ in range(n):
            organisation = make_organisation()
            make_algorithm(organisation, (make_approved_flow(organisation),))
            make_approved_flow(organisation, automated_decisions=True)

    add(1)
    few = _count_queries(client, "/algorithms/")
    add(6)
    assert _count_queries(client, "/algorithms/") == few


def test_record_page_query_count_does_not_grow_with_flows(client, login_as):
    """The linked flows, their categories and agreements are read in bulk."""
    login_as("privacy")
    organisation = make_organisation()
    algorithm = make_algorithm(organisation)

    def link(n: int) -> None:
        from sharing.algorithms.models import AlgorithmFlow

        for _ in range(n):
            flow = make_approved_flow(organisation)
            add_category(flow, make_category())
            _db.session.add(AlgorithmFlow(algorithm_id=algorithm.id, flow_lineage_id=flow.id))
        _db.session.commit()

    link(1)
    few = _count_queries(client, f"/algorithms/{algorithm.id}")
    link(5)
    assert _count_queries(client, f"/algorithms/{algorithm.id}") == few


def test_flows_without_record_lists_only_approved_automated_unlinked_flows(db):
    """Approved flows with automated decisions and no record; drafts, flows without
    automated decisions and flows already described are left out."""
    organisation = make_organisation()
    wanted = make_approved_flow(organisation, system_name="Wanted", automated_decisions=True)
    make_approved_flow(organisation, system_name="Manual", automated_decisions=False)
    make_flow(organisation, system_name="Draft", automated_decisions=True, status=FlowStatus.DRAFT)
    linked = make_approved_flow(organisation, system_name="Linked", automated_decisions=True)
    make_algorithm(organisation, (linked,))
    assert [flow.id for flow in flows_without_record()] == [wanted.id]


def test_list_shows_the_callout_with_a_prefilled_add_link(client, login_as):
    """Editors see each unrecorded flow with a link that starts a record from it."""
    login_as("procurement")
    flow = make_approved_flow(
        make_organisation(),
        system_name="Speed cameras",
        automated_decisions=True,
        automated_decision_description="Flags vehicles over the limit.",
        human_oversight="An officer reviews each flag.",
    )
    html = client.get("/algorithms/").get_data(as_text=True)
    assert "Speed cameras" in html
    assert f'href="/algorithms/new?flow={flow.lineage_id}"' in html
    form = client.get(f"/algorithms/new?flow={flow.lineage_id}").get_data(as_text=True)
    assert "Flags vehicles over the limit." in form
    assert "An officer reviews each flag." in form
    assert re.search(
        rf'value="{flow.lineage_id}"[^>]*checked|checked[^>]*value="{flow.lineage_id}"', form
    )


def test_record_page_shows_flows_agreement_data_and_changes_since_approval(client, login_as):
    """The record page derives the data used from the flows and says what changed."""
    login_as("privacy")
    algorithm = algorithm_in(AlgorithmStatus.APPROVED)
    from sharing.algorithms.queries import current_flows
    from sharing.algorithms.services import linked_lineages

    flow = current_flows(linked_lineages(algorithm))[0]
    add_category(flow, make_category(name="Street address"))
    algorithm.summary = "A different summary."
    algorithm.status = AlgorithmStatus.DRAFT
    _db.session.commit()
    html = client.get(f"/algorithms/{algorithm.id}").get_data(as_text=True)
    assert flow.system_name in html
    assert "Street address" in html
    assert "Summary changed from" in html
    assert "Kinds of information used added: Street address." in html
    assert "Audit history" in html


def test_rejected_form_keeps_what_was_typed_and_shows_errors(client, login_as):
    """A refused save shows each reason beside its field and in the summary, and keeps the
    values typed."""
    login_as("procurement")
    algorithm = make_ready_algorithm()
    data = form_data(
        algorithm, legal_basis_url="ftp://law", last_tested_on="2999-01-01", name="Kept name"
    )
    response = client.post_form(f"/algorithms/{algorithm.id}/edit", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'id="legal_basis_url-error"' in html
    assert 'id="last_tested_on-error"' in html
    assert 'value="Kept name"' in html


def test_editing_an_approved_record_warns_that_it_returns_to_draft(client, login_as):
    """Before saving, the form says the public keeps the approved values until approval."""
    login_as("procurement")
    algorithm = algorithm_in(AlgorithmStatus.APPROVED)
    html = client.get(f"/algorithms/{algorithm.id}/edit").get_data(as_text=True)
    assert "Saving returns it to draft" in html
    client.post_form(f"/algorithms/{algorithm.id}/edit", form_data(algorithm, name="Renamed"))
    _db.session.refresh(algorithm)
    assert algorithm.status == AlgorithmStatus.DRAFT
    assert algorithm.approved_snapshot["name"] == "Pothole report triage"


def test_privacy_office_approves_through_the_page(client, login_as):
    """The review buttons post the step and the record is approved."""
    algorithm = algorithm_in(AlgorithmStatus.IN_REVIEW)
    login_as("privacy")
    response = client.post_form(
        f"/algorithms/{algorithm.id}/actions/approve",
        {"version": str(algorithm.version)},
        from_url=f"/algorithms/{algorithm.id}",
    )
    assert response.status_code == 302
    _db.session.refresh(algorithm)
    assert algorithm.status == AlgorithmStatus.APPROVED
    assert algorithm.is_public


def test_submitted_record_waits_for_the_privacy_office_on_its_home_page(client, login_as):
    """A submitted record appears in the office's "waiting for you" list."""
    algorithm = algorithm_in(AlgorithmStatus.SUBMITTED)
    login_as("privacy")
    page = client.get("/").get_data(as_text=True)
    waiting = page.split('id="waiting-for-you"')[1].split("</section>")[0]
    assert algorithm.name in waiting
    assert f'href="/algorithms/{algorithm.id}"' in waiting


def test_returned_record_waits_for_its_creator_on_their_home_page(client, login_as):
    """A record returned for changes appears on the home page of the person who drafted it,
    and not on another procurement user's."""
    from sharing.algorithms import workflow
    from tests.factories import make_user

    creator = login_as("procurement")
    algorithm = make_ready_algorithm(creator)
    privacy = make_user("privacy")
    for actor, action in ((creator, "submit"), (privacy, "start_review")):
        workflow.transition_algorithm(
            actor=actor, algorithm=algorithm, action=action, expected_version=None
        )
    workflow.transition_algorithm(
        actor=privacy,
        algorithm=algorithm,
        action="request_changes",
        comment="Name the groups tested.",
        expected_version=None,
    )
    page = client.get("/").get_data(as_text=True)
    waiting = page.split('id="waiting-for-you"')[1].split("</section>")[0]
    assert "Algorithm record returned for changes" in waiting
    login_as("procurement")
    other = client.get("/").get_data(as_text=True)
    assert algorithm.name not in other.split('id="waiting-for-you"')[1].split("</section>")[0]


def test_form_offers_the_providers_flows_with_automated_decisions_first(client, login_as):
    """Only the provider's flows are offered, those with automated decisions at the top."""
    login_as("procurement")
    provider = make_organisation()
    make_approved_flow(provider, system_name="Aaa manual flow", automated_decisions=False)
    make_approved_flow(provider, system_name="Zzz automated flow", automated_decisions=True)
    make_approved_flow(make_organisation(), system_name="Someone else's flow")
    algorithm = make_algorithm(provider)
    html = client.get(f"/algorithms/{algorithm.id}/edit").get_data(as_text=True)
    assert "Someone else" not in html
    assert html.index("Zzz automated flow") < html.index("Aaa manual flow")


def test_show_flows_button_rerenders_without_saving(client, login_as):
    """Choosing the provider and asking for its flows saves nothing and keeps what was typed."""
    from sqlalchemy import func, select

    from sharing.algorithms.models import Algorithm

    login_as("procurement")
    provider = make_organisation()
    make_approved_flow(provider, system_name="Provider flow", automated_decisions=True)
    response = client.post_form(
        "/algorithms/new",
        {"name": "Typed name", "organisation_id": str(provider.id), "refresh": "1"},
        from_url="/algorithms/new",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Provider flow" in html and 'value="Typed name"' in html
    assert _db.session.scalar(select(func.count()).select_from(Algorithm)) == 0
