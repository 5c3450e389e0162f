"""Forms in Chromium: focus on the error summary, the category filter, "add another" rows,
form controls' contrast, and wide tables at phone width."""

from __future__ import annotations

from sqlalchemy import select

from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowStatus, Sensitivity
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import end_transaction, serious_violations, sign_in_with
from tests.factories import (
    make_category,
    make_department,
    make_organisation,
    make_template_version,
    make_user,
)
from tests.web.tables.attestations import make_request
from tests.web.tables.flows import flow_in, make_ready_flow

ACTIVE_ID = "() => document.activeElement && document.activeElement.id"

# WCAG 2.1's relative luminance and contrast ratio of two computed "rgb(...)" colours,
# worked out in the page so that the colours are the ones Chromium applied.
CONTRAST = """([selector, against]) => {
  const parse = (text) => text.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (rgb) => {
    const [r, g, b] = rgb.map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const el = document.querySelector(selector);
  const border = lum(parse(getComputedStyle(el).borderTopColor));
  const ground = lum(parse(getComputedStyle(document.querySelector(against)).backgroundColor));
  const [hi, lo] = border > ground ? [border, ground] : [ground, border];
  return (hi + 0.05) / (lo + 0.05);
}"""


def _categories() -> None:
    make_category(name="Email address", sensitivity=Sensitivity.INTERNAL)
    make_category(name="Home address", sensitivity=Sensitivity.CONFIDENTIAL)
    make_category(name="Health condition", sensitivity=Sensitivity.RESTRICTED)


def test_focus_lands_on_the_error_summary_after_a_failed_save(page, sign_in, screenshot):
    """The summary takes focus on load, and its link moves focus to the field."""
    sign_in("procurement")
    _categories()
    end_transaction()
    page.goto("/flows/new")
    assert page.evaluate(ACTIVE_ID) == "organisation_id"  # no error yet: the first field

    with page.expect_navigation():
        page.click("#flow-form [type=submit]")
    assert page.evaluate(ACTIVE_ID) == "error-summary"
    assert page.locator("#error-summary h2").inner_text() == "There is a problem"
    screenshot(page, "summary")

    page.click("#error-summary a[href='#system_name']")
    assert page.evaluate(ACTIVE_ID) == "system_name"
    assert not serious_violations(page)


def test_the_category_filter_narrows_the_list_and_says_how_many_show(page, sign_in):
    """Typing hides the categories that do not match and empty groups; the count follows."""
    sign_in("procurement")
    _categories()
    end_transaction()
    page.goto("/flows/new")
    assert page.locator("#category-count").inner_text() == "3 of 3 shown"

    page.fill("#category-filter", "address")
    assert page.locator("#category-count").inner_text() == "2 of 3 shown"
    assert page.get_by_label("Health condition", exact=True).is_hidden()
    assert page.get_by_label("Home address", exact=True).is_visible()
    legends = page.locator("#category-list fieldset:visible legend").all_inner_texts()
    assert legends == ["Internal", "Confidential"]

    page.fill("#category-filter", "")
    assert page.locator("#category-count").inner_text() == "3 of 3 shown"


def test_add_another_adds_a_labelled_row_that_is_saved(page, sign_in):
    """The new row is named by its number, takes focus, and its values are saved."""
    user = sign_in("procurement")
    organisation, department = make_organisation(), make_department()
    flow = make_ready_flow(user, organisation_id=organisation.id, department_id=department.id)
    flow_id = flow.id
    end_transaction()
    page.goto(f"/flows/{flow_id}/edit")
    rows = page.locator("[data-rows] [data-row]")
    assert rows.count() == 3

    page.click("text=Add another subprocessor")
    assert rows.count() == 4
    focused = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert focused == "Name of subprocessor 4"
    page.keyboard.type("Fourth Co")
    page.get_by_label("Service of subprocessor 4", exact=True).fill("Mailing")
    page.get_by_label("Country of subprocessor 4", exact=True).fill("Canada")

    page.click("[aria-label='Remove subprocessor 1']")
    assert rows.count() == 3
    # The rows are numbered again, so the added row is now the third.
    assert page.get_by_label("Name of subprocessor 3", exact=True).input_value() == "Fourth Co"

    with page.expect_navigation():
        page.click("#flow-form [type=submit]")
    end_transaction()
    saved = db.session.scalar(select(DataFlow).where(DataFlow.id == flow_id)).subprocessors
    end_transaction()
    assert saved == [{"name": "Fourth Co", "service": "Mailing", "country": "CA"}]


def test_checkbox_and_radio_edges_have_3_to_1_contrast(page, sign_in, new_page):
    """WCAG 1.4.11: the borders Chromium draws for boxes and radios stand out from the page."""
    sign_in("procurement")
    end_transaction()
    page.goto("/flows/new")
    assert page.evaluate(CONTRAST, ["#includes_minors", "body"]) >= 3
    assert page.evaluate(CONTRAST, ["#system_name", "body"]) >= 3

    vendor = make_user("vendor", password=TEST_PASSWORD, organisation_id=make_organisation().id)
    request_id = make_request(vendor.organisation_id, codes=("PUR-1",)).id
    email = vendor.email
    end_transaction()
    tab = new_page()
    sign_in_with(tab, email)
    tab.goto(f"/attestations/{request_id}/answer")
    assert tab.evaluate(CONTRAST, ["input[type=radio]", "body"]) >= 3


def test_wide_tables_scroll_inside_a_labelled_region_at_phone_width(sign_in, new_page):
    """No table widens the page, whether or not its template wrapped it; each scrolls in a
    region named for screen readers, which the keyboard can reach when it has something to
    scroll."""
    user = sign_in("privacy")
    for number in range(3):
        make_ready_flow(system_name=f"Residential parking permits portal {number}")
    make_template_version(name="Vendor data protection agreement, standard terms")
    email = user.email
    end_transaction()
    tab = new_page(viewport={"width": 390, "height": 800})
    sign_in_with(tab, email)

    for url in ("/flows/", "/agreements/templates"):
        tab.goto(url)
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390, url
        region = tab.locator("main table").first.locator("xpath=..")
        assert region.get_attribute("role") == "region", url
        assert region.get_attribute("aria-label"), url
        assert region.evaluate("e => e.scrollWidth > e.clientWidth"), url
        assert region.get_attribute("tabindex") == "0", url
        region.focus()
        tab.keyboard.press("ArrowRight")
        # Chromium animates keyboard scrolling: wait for the box to move, do not time it.
        tab.wait_for_function("e => e.scrollLeft > 0", arg=region.element_handle())


def test_the_flow_form_passes_axe_at_desk_and_phone_widths(sign_in, new_page, screenshot):
    """axe finds no serious problem on a failed save or on a returned flow's edit page."""
    user = sign_in("procurement")
    _categories()
    returned = flow_in(FlowStatus.CHANGES_REQUESTED).id
    email = user.email
    end_transaction()
    found = []
    for width in (1280, 390):
        tab = new_page(viewport={"width": width, "height": 900})
        sign_in_with(tab, email)
        tab.goto("/flows/new")
        tab.fill("#category-filter", "address")
        with tab.expect_navigation():
            tab.click("#flow-form [type=submit]")
        found += serious_violations(tab)
        screenshot(tab, f"failed-save-{width}")
        tab.goto(f"/flows/{returned}/edit")
        assert "Please narrow the categories." in tab.locator("#change-request").inner_text()
        found += serious_violations(tab)
        screenshot(tab, f"returned-{width}")
    assert not found, "\n".join(found)
