"""The public register, as an anonymous visitor sees it: the approved arrangement is listed,
its page opens, and search and filters find it. The register works without JavaScript."""

from __future__ import annotations

from tests.e2e.conftest import end_transaction
from tests.factories import make_category, make_department, make_organisation
from tests.web.tables.register import make_arrangement


def _arrangements() -> dict:
    """Two public arrangements, so that a search visibly leaves one out."""
    plates = make_category(name="Licence plate")
    parkpay = make_organisation(legal_name="ParkPay Systems LLC", common_name="ParkPay")
    permits = make_arrangement(
        organisation=parkpay,
        categories=(plates,),
        system_name="Permit portal",
        purposes="Issue residential parking permits",
        department_id=make_department(name="Transportation").id,
    )
    other = make_arrangement(
        system_name="Library loans",
        purposes="Lend e-books",
        department_id=make_department(name="Library").id,
    )
    values = {
        "lineage": permits.lineage_id,
        "organisation": parkpay.id,
        "category": plates.id,
        "other": other.system_name,
    }
    end_transaction()
    return values


def test_public_register_lists_finds_and_shows_the_arrangement_without_javascript(
    new_page, screenshot
):
    """Anonymous, with JavaScript off: list, search, filter and open the arrangement."""
    data = _arrangements()
    tab = new_page(java_script_enabled=False)

    tab.goto("/register/")
    table = tab.locator("#register-table tbody").inner_text()
    assert "Permit portal" in table and data["other"] in table, table
    screenshot(tab, "01-register")

    tab.fill("#q", "parking permits")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Show arrangements").click()
    found = tab.locator("#register-table tbody").inner_text()
    assert "Permit portal" in found and data["other"] not in found, found
    screenshot(tab, "02-search")

    tab.goto("/register/")
    tab.select_option("#filter-category", str(data["category"]))
    tab.select_option("#filter-organisation", str(data["organisation"]))
    with tab.expect_navigation():
        tab.get_by_role("button", name="Show arrangements").click()
    rows = tab.locator("#register-table tbody tr")
    assert rows.count() == 1 and "ParkPay" in rows.inner_text()
    screenshot(tab, "03-filtered")

    with tab.expect_navigation():
        tab.get_by_role("link", name="Permit portal").click()
    assert tab.url.endswith(f"/register/{data['lineage']}"), tab.url
    detail = tab.locator("main").inner_text()
    assert "Issue residential parking permits" in detail and "Licence plate" in detail, detail
    screenshot(tab, "04-arrangement")


def test_public_register_hides_an_unpublished_arrangement(new_page):
    """A flow kept off the register is neither listed nor reachable by its address."""
    hidden = make_arrangement(
        system_name="Body cameras", published=False, publication_exemption="Security"
    )
    lineage = hidden.lineage_id
    end_transaction()
    tab = new_page(java_script_enabled=False)
    tab.goto("/register/?q=Body+cameras")
    assert "Body cameras" not in tab.locator("main").inner_text()
    assert tab.goto(f"/register/{lineage}").status == 404
