"""The disclosure log pages and the accounting report: figures, exempt entries, exports."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from sharing.disclosures.models import Disclosure
from tests.web.tables.disclosure_log import (
    YEAR,
    form_data,
    make_covered_flow,
    make_disclosure,
    on,
)

PERIOD = f"start={YEAR}-01-01&end={YEAR}-06-30"


def test_other_purpose_entered_on_the_form_is_recorded_and_flagged(client, login_as, db):
    """Choosing 'another purpose' records the typed purpose and flags the entry."""
    flow = make_covered_flow()
    login_as("privacy")
    url = f"/disclosures/log/new?flow={flow.id}"
    data = form_data(flow, purpose_choice="__other__", purpose_other="Resale of data")
    response = client.post_form(url, data)
    assert response.status_code == 302
    entry = db.session.scalar(select(Disclosure))
    assert entry.purpose == "Resale of data"
    assert entry.flagged
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Purpose outside the agreed purposes" in page


def test_log_filters_flagged_entries(client, login_as, db):
    """The flagged filter lists flagged entries only."""
    clean = make_disclosure()
    flagged = make_disclosure(purpose="Marketing")
    login_as("procurement")
    page = client.get("/disclosures/log?flagged=yes").get_data(as_text=True)
    assert f'id="disclosure-{flagged.id}"' in page
    assert f'id="disclosure-{clean.id}"' not in page


def test_accounting_report_totals_by_organisation_and_marks_exempt(client, login_as, db):
    """The report counts entries and records in the period and marks exempt ones."""
    flow = make_covered_flow()
    make_disclosure(flow, record_count=100)
    make_disclosure(flow, record_count=50, exempt=True, exempt_reason="Public Records Act")
    make_disclosure(flow, record_count=999, disclosed_on=date(YEAR - 1, 6, 1))  # outside
    login_as("privacy")
    page = client.get(f"/disclosures/accounting?{PERIOD}").get_data(as_text=True)
    assert "<strong>2</strong> disclosures, <strong>150</strong> records (1 exempt entry)" in page
    entries = client.get(f"/disclosures/accounting?view=entries&{PERIOD}").get_data(as_text=True)
    assert "Exempt</span> Public Records Act" in entries


def test_accounting_views_group_by_organisation_flow_and_category(client, login_as, db):
    """Each view counts the period's entries its own way: per organisation, per flow, and
    per category (an entry under each of its categories)."""
    first, second = make_covered_flow(), make_covered_flow()
    make_disclosure(first, record_count=10)
    make_disclosure(first, record_count=5, disclosed_on=on(4, 1))
    make_disclosure(second, record_count=7)
    login_as("privacy")

    def row(view: str, name: str) -> str:
        page = client.get(f"/disclosures/accounting?view={view}&{PERIOD}").get_data(as_text=True)
        table = page[page.index(f'id="by-{view}"') :]
        line = table[table.index(name) :]
        return " ".join(line[: line.index("</tr>")].split())

    by_org = row("organisation", first.organisation.display_name)
    assert '<td class="text-end">2</td> <td class="text-end">15</td>' in by_org
    by_flow = row("flow", f"{second.organisation.display_name} — {second.system_name}")
    assert '<td class="text-end">1</td> <td class="text-end">7</td>' in by_flow
    by_category = row("category", first.categories[0].category.name)
    assert '<td class="text-end">2</td> <td class="text-end">15</td>' in by_category


def test_accounting_organisation_view_pages_through_organisations(client, login_as, db):
    """The grouped views are paged: one organisation a page here, in name order."""
    flows = sorted(
        (make_covered_flow() for _ in range(3)), key=lambda flow: flow.organisation.legal_name
    )
    for flow in flows:
        make_disclosure(flow)
    login_as("privacy")
    url = f"/disclosures/accounting?view=organisation&per_page=1&{PERIOD}"
    second = client.get(url + "&page=2").get_data(as_text=True)
    assert flows[1].organisation.display_name in second
    assert flows[0].organisation.display_name not in second
    assert "3 results, page 2 of 3." in second


def test_accounting_by_category_answers_who_received_it(client, login_as, db):
    """Filtering by category lists only the organisations that received that category."""
    first, second = make_covered_flow(), make_covered_flow()
    make_disclosure(first)
    make_disclosure(second)
    category = first.categories[0].category
    login_as("privacy")
    page = client.get(f"/disclosures/accounting?{PERIOD}&category={category.id}")
    text = page.get_data(as_text=True)
    assert first.organisation.display_name in text
    assert second.organisation.display_name not in text


def test_recurring_summary_counts_when_it_overlaps_the_period(client, login_as, db):
    """A series that started before the period but continued into it is counted."""
    entry = make_disclosure(
        is_recurring=True, frequency="daily", disclosed_on=date(YEAR - 1, 12, 1)
    )
    entry.last_disclosed_on = on(2, 1)
    db.session.commit()
    login_as("privacy")
    page = client.get(f"/disclosures/accounting?view=entries&{PERIOD}").get_data(as_text=True)
    assert f'id="accounting-{entry.id}"' in page


def test_accounting_csv_is_formula_safe_and_named_for_the_period(client, login_as, db):
    """Text that starts like a formula is escaped; the file name carries the dates."""
    make_disclosure(requested_by="x", purpose='=HYPERLINK("http://evil")')
    login_as("admin")
    response = client.get(f"/disclosures/accounting.csv?{PERIOD}")
    assert response.status_code == 200
    assert f"accounting-{YEAR}-01-01-{YEAR}-06-30.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    purpose = rows[1][rows[0].index("Purpose")]
    assert purpose.startswith("'=")


def test_accounting_xlsx_has_date_cells_and_formula_like_text_as_strings(client, login_as, db):
    """The workbook keeps dates as dates, marks exempt entries, and writes formula-like text
    as a string cell with no visible escape."""
    make_disclosure(purpose="@SUM(A1)", exempt=True, exempt_reason="Need-to-know")
    login_as("privacy")
    response = client.get(f"/disclosures/accounting.xlsx?{PERIOD}")
    assert f"accounting-{YEAR}-01-01-{YEAR}-06-30.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["Disclosures"]
    header = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[2]]
    assert row[header.index("First date")].date() == on(3, 2)
    assert row[header.index("Purpose")] == "@SUM(A1)"
    assert sheet[2][header.index("Purpose")].data_type == "s"
    assert row[header.index("Exempt")] == "Yes"
    assert book.sheetnames == ["Disclosures", "By organization", "By category", "By flow"]


def test_accounting_export_in_another_format_is_not_found(client, login_as, db):
    """Only xlsx and csv are offered."""
    login_as("privacy")
    assert client.get("/disclosures/accounting.json").status_code == 404


def test_log_filter_menus_past_the_limit_keep_only_the_chosen_flow(
    client, login_as, db, monkeypatch
):
    """With more flows than a menu lists, the log offers the chosen one and points to search."""
    from sharing.core import menus

    first, second = make_covered_flow(), make_covered_flow()
    make_disclosure(first), make_disclosure(second)
    monkeypatch.setattr(menus, "MENU_LIMIT", 1)
    login_as("privacy")

    page = client.get(f"/disclosures/log?flow={second.id}").get_data(as_text=True)

    assert f'<option value="{second.id}" selected>{second.system_name}</option>' in page
    assert f'<option value="{first.id}"' not in page
    assert "Too many to list" in page
