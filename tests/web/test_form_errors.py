"""Failed forms with CSRF on: the error summary at the top, the flow form's sections, its
grouped categories, any number of subprocessor rows, and the reviewer's request on edit."""

from __future__ import annotations

from lxml import html as lxml_html
from sqlalchemy import select

from sharing.auth.models import User
from sharing.core.roles import Role
from sharing.extensions import db as ext_db
from sharing.flows.models import DataFlow, FlowStatus, Sensitivity
from tests.factories import make_category
from tests.web.tables.flows import _form, flow_in, make_ready_flow


def parse(response):
    return lxml_html.fromstring(response.get_data(as_text=True))


def summary_links(tree) -> list[tuple[str, str]]:
    """The error summary's (target id, text) pairs; fails when the page has no summary."""
    (summary,) = tree.xpath('//*[@id="error-summary"]')
    assert summary.get("role") == "alert" and summary.get("tabindex") == "-1"
    assert summary.xpath("string(.//h2)").strip() == "There is a problem"
    return [(a.get("href"), a.text_content().strip()) for a in summary.xpath(".//a")]


def assert_links_resolve(tree, links) -> None:
    for href, _text in links:
        assert href.startswith("#")
        assert tree.xpath(f'//*[@id="{href[1:]}"]'), f"no element with id {href}"


def test_a_failed_flow_save_lists_every_error_at_the_top_linking_to_its_field(client, login_as):
    """Each field error appears in the summary as a link to the field, before the form."""
    login_as("procurement")
    flow = make_ready_flow()
    data = _form(flow, system_name="", retention_days="forever")
    data["subprocessors-0-name"] = "Texting Co"
    data["subprocessors-0-country"] = "Atlantis"
    response = client.post_form(f"/flows/{flow.id}/edit", data)

    assert response.status_code == 200
    tree = parse(response)
    links = summary_links(tree)
    targets = [href for href, _ in links]
    assert targets == ["#system_name", "#retention_days", "#subprocessors-0-country"]
    assert links[0][1].startswith("System or service:")
    assert_links_resolve(tree, links)
    # The summary comes before the form, and each field keeps its own message beside it.
    summary, form = tree.xpath('//*[@id="error-summary"] | //form[@id="flow-form"]')
    assert summary.get("id") == "error-summary" and form.get("id") == "flow-form"
    field = tree.xpath('//*[@id="system_name"]')[0]
    assert "system_name-error" in field.get("aria-describedby")


def test_errors_the_service_puts_on_fields_appear_in_the_summary(client, login_as):
    """A rule only the service checks lands both beside its field and in the summary."""
    login_as("procurement")
    flow = make_ready_flow()
    data = _form(flow, automated_decisions="y", automated_decision_description="")
    response = client.post_form(f"/flows/{flow.id}/edit", data)

    tree = parse(response)
    links = summary_links(tree)
    assert [href for href, _ in links] == ["#automated_decision_description"]
    assert_links_resolve(tree, links)


def test_forms_outside_the_flows_get_the_same_summary(client, login_as):
    """The summary comes from base.html, so a form rendered field by field elsewhere has it."""
    login_as("procurement")
    response = client.post_form("/vendors/new", {"legal_name": "", "country": "US"})

    tree = parse(response)
    links = summary_links(tree)
    assert ("#legal_name", "Legal name: This field is required.") in links
    assert_links_resolve(tree, links)


def test_a_page_whose_form_passed_shows_no_summary(client, login_as):
    """A form shown for the first time, or valid, has no problem box."""
    login_as("procurement")
    tree = parse(client.get("/flows/new"))
    assert not tree.xpath('//*[@id="error-summary"]')


def test_the_flow_form_has_a_contents_list_linking_to_each_section_heading(client, login_as):
    """Every contents link leads to a heading of the form, in the form's order."""
    login_as("procurement")
    tree = parse(client.get("/flows/new"))
    hrefs = tree.xpath('//nav[@id="contents"]//a/@href')
    assert len(hrefs) == 6
    for href in hrefs:
        (target,) = tree.xpath(f'//*[@id="{href[1:]}"]')
        assert target.tag == "h2" and target.xpath('ancestor::form[@id="flow-form"]')


def test_categories_are_grouped_by_sensitivity_with_a_filter_box(client, login_as):
    """Each sensitivity is a fieldset with a legend; the filter box waits for script."""
    make_category(name="Email address", sensitivity=Sensitivity.INTERNAL)
    make_category(name="Health condition", sensitivity=Sensitivity.RESTRICTED)
    make_category(name="Full name", sensitivity=Sensitivity.INTERNAL)
    login_as("procurement")
    tree = parse(client.get("/flows/new"))

    groups = tree.xpath('//*[@id="category-list"]/fieldset')
    legends = [g.xpath("string(legend)").split("(")[0].strip() for g in groups]
    assert legends == ["Internal", "Restricted"]
    assert [
        lab.text_content() for lab in groups[0].xpath(".//label[@class='form-check-label']")
    ] == [
        "Email address",
        "Full name",
    ]
    (box,) = tree.xpath('//input[@id="category-filter"]')
    assert box.get("data-filter-list") == "category-list"
    (count,) = tree.xpath('//*[@id="category-count"]')
    assert count.get("aria-live") == "polite"
    assert box.xpath("ancestor::div[@hidden]"), "without script the filter stays hidden"


def _rows(count: int) -> dict[str, str]:
    data = {}
    for index in range(count):
        data[f"subprocessors-{index}-name"] = f"Processor {index + 1}"
        data[f"subprocessors-{index}-service"] = "Hosting"
        data[f"subprocessors-{index}-country"] = "CA"
    return data


def test_any_number_of_subprocessor_rows_is_saved(client, login_as):
    """Twelve rows, more than the blank rows the page offers, are all kept in order."""
    login_as("procurement")
    flow = make_ready_flow()
    response = client.post_form(f"/flows/{flow.id}/edit", {**_form(flow), **_rows(12)})

    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    ext_db.session.expire_all()
    saved = ext_db.session.get(DataFlow, flow.id).subprocessors
    assert [row["name"] for row in saved] == [f"Processor {n}" for n in range(1, 13)]
    # The edit page offers them back, each labelled with its own row number.
    tree = parse(client.get(f"/flows/{flow.id}/edit"))
    assert tree.xpath('//input[@id="subprocessors-11-name"]/@aria-label') == [
        "Name of subprocessor 12"
    ]


def test_more_subprocessors_than_the_cap_are_refused_with_a_reason(client, login_as):
    """Past the cap nothing is saved and the summary says how many are allowed."""
    login_as("procurement")
    flow = make_ready_flow()
    response = client.post_form(f"/flows/{flow.id}/edit", {**_form(flow), **_rows(51)})

    assert response.status_code == 200
    links = summary_links(parse(response))
    assert ("#subprocessors", "Subprocessors: List at most 50 subprocessors.") in links
    ext_db.session.expire_all()
    assert ext_db.session.get(DataFlow, flow.id).subprocessors == []


def test_the_edit_page_of_a_returned_flow_shows_the_reviewers_request(client, login_as):
    """Who returned the flow, when, and what they asked for, above the form."""
    flow = flow_in(FlowStatus.CHANGES_REQUESTED)
    login_as("procurement")
    tree = parse(client.get(f"/flows/{flow.id}/edit"))

    (box,) = tree.xpath('//*[@id="change-request"]')
    text = " ".join(box.text_content().split())
    assert "Please narrow the categories." in text
    reviewer = ext_db.session.scalar(select(User).where(User.role == Role.PRIVACY))
    assert f"{reviewer.name} returned this flow on" in text
    box_then_form = tree.xpath('//*[@id="change-request"] | //form[@id="flow-form"]')
    assert box_then_form[0] is box


def test_a_draft_that_was_never_returned_shows_no_request(client, login_as):
    """Only a returned flow carries the reviewer's request."""
    flow = make_ready_flow()
    login_as("procurement")
    tree = parse(client.get(f"/flows/{flow.id}/edit"))
    assert not tree.xpath('//*[@id="change-request"]')
    assert ext_db.session.scalar(select(DataFlow.status)) == FlowStatus.DRAFT
