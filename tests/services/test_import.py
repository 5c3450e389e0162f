"""Spreadsheet import: a preview that writes nothing, every bad row reported, one commit."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from sharing.audit.models import AuditEvent
from sharing.core.clock import now
from sharing.errors import ValidationFailed
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowStatus, RiskTier
from sharing.reports import import_jobs, importing, writing
from sharing.reports.models import ImportJob, ImportRow, ImportStatus
from sharing.vendors import services as vendor_services
from sharing.vendors.models import Organisation
from tests.factories import make_category, make_department, make_flow, make_organisation, make_user
from tests.fixtures.spreadsheets import (
    EXCEL_SERIAL_2026_03_01,
    FLOW_HEADERS,
    ORG_HEADERS,
    csv_bytes,
    flow_row,
    organisation_row,
    registry_workbook,
    upload,
    xlsx_bytes,
)


@pytest.fixture
def app_config() -> dict:
    return {"IMPORT_BACKGROUND": False}  # every step runs before the service returns


@pytest.fixture
def setting(app):
    department = make_department(name="Transportation", code="DOT")
    make_category(name="Full name")
    make_category(name="Home address")
    return {"user": make_user("procurement"), "department": department}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def rows(job: ImportJob, action: str = "") -> list[ImportRow]:
    return list(db.session.scalars(import_jobs.rows_query(job, action)))


def errors_of(job: ImportJob) -> list[tuple]:
    return [
        (r.sheet, r.row_number, e["column"], e["reason"])
        for r in rows(job, "error")
        for e in r.errors
    ]


def upload_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"]) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def messy_workbook() -> bytes:
    """Variant headers, blank rows, duplicates, leading zeros, NA and None, unicode, dates in
    every form a spreadsheet holds them; 6 of 123 rows (5%) are bad."""
    orgs = [
        ["  VENDOR NAME ", "tax_id", "Organization Type", "Zip", "D-U-N-S", "Favourite colour"],
        ["NA", "12-0000001", "vendor", "01234", "001234567", "blue"],
        [None, None, None, None, None, None],
        ["None", "120000002", "Nonprofit", "00501", "", ""],
        ["Zoë Café & Søn Ltd", "12-0000003", "Research", "10001", "", ""],
        ["", "", "", "", "", ""],
        ["北京数据 Co", "12-0000004", "Public agency", "20001", "", ""],
        ["NA duplicate", "12-0000001", "Vendor", "01234", "", ""],  # same EIN as row 2
        ["Bad EIN Inc", "12-34", "Vendor", "", "", ""],
        ["Bad Kind LLC", "12-0000009", "Spaceship", "", "", ""],
    ]
    orgs += [[f"Filler {n} LLC", f"13-{n:07d}", "Vendor", "", "", ""] for n in range(55)]
    flows = [
        ["Vendor", "Dept", "System", "Purpose", "Retention", "Categories", "Justifications"],
        ["NA", "dot", "Parking app", "Pay for parking", "365", "Full name", "Full name: receipts"],
        [None] * 7,
        ["None", "Transportation", "Bike share", "Rent bikes", "30", "Full name; Home address", ""],
        ["Zoë Café & Søn Ltd", "DOT", "Survey", "Research", "1,000", "", ""],
        ["Nobody Registered", "DOT", "Ghost", "Nothing", "10", "", ""],
        ["NA", "DOT", "Parking app", "Duplicate", "365", "", ""],
        ["北京数据 Co", "DOT", "Cameras", "Count cars", "", "Face prints", ""],
    ]
    flows += [[f"Filler {n} LLC", "DOT", f"Tool {n}", "Work", "90", "", ""] for n in range(55)]
    # A start date in every way a spreadsheet holds one; the only bad one is on a bad row.
    go_live = ["Go-live date", date(2026, 3, 1), None, EXCEL_SERIAL_2026_03_01, "2026-03-01"]
    go_live += ["next Tuesday", "03/01/2026", "1 March 2026"]
    go_live += [(date(2025, 1, 2), 45659, "2025-01-02", "01/02/2025", "")[n % 5] for n in range(55)]
    for row, cell in zip(flows, go_live, strict=True):
        row.append(cell)
    return xlsx_bytes({"vendors": orgs, "Data flows": flows})


def test_messy_workbook_previews_every_row_and_reports_every_bad_one(setting, app):
    """Bad rows are all reported with sheet, row number, column and reason; nothing is written."""
    before = (count(Organisation), count(DataFlow))
    job = upload(setting["user"], messy_workbook(), "messy.xlsx")
    assert job.status == ImportStatus.READY
    assert before == (count(Organisation), count(DataFlow))
    found = {(sheet, row, column) for sheet, row, column, _ in errors_of(job)}
    assert found == {
        ("vendors", 8, "VENDOR NAME"),  # same EIN as row 2
        ("vendors", 9, "tax_id"),
        ("vendors", 10, "Organization Type"),
        ("Data flows", 6, "Vendor"),  # not registered, not in the file
        ("Data flows", 6, "Go-live date"),  # “next Tuesday”, on a row that is already bad
        ("Data flows", 7, "System"),  # the same flow as row 2
        ("Data flows", 8, "Categories"),  # not in the vocabulary
    }
    assert job.count("organisations", "create") == 59 and job.count("flows", "create") == 58
    [bad_date] = [reason for _, row, column, reason in errors_of(job) if column == "Go-live date"]
    assert bad_date == "“next Tuesday” is not a date; use YYYY-MM-DD, for example 2026-03-31."
    assert any("Favourite colour" in w["reason"] for w in job.warnings)
    labels = {r.row_number: r.label for r in rows(job) if r.kind == "organisation"}
    assert labels[2] == "NA" and labels[4] == "None" and labels[5] == "Zoë Café & Søn Ltd"
    assert not job.can_commit


def test_start_dates_in_every_common_form_are_stored_as_dates_after_confirm(setting):
    """Date cells, Excel serial numbers, ISO, US and written-out text all become the same date;
    a blank cell leaves the date unset."""
    make_organisation(legal_name="Vendor 00001 LLC")
    cells = {
        "Date cell": date(2026, 3, 1),
        "Datetime cell": datetime(2026, 3, 1, 14, 30),
        "Serial number": EXCEL_SERIAL_2026_03_01,
        "Serial as text": str(EXCEL_SERIAL_2026_03_01),
        "ISO text": "2026-03-01",
        "US text": "03/01/2026",
        "Written out": "1 March 2026",
        "Abbreviated": "Mar 1, 2026",
        "Blank": None,
    }
    header = ["Organisation", "Department", "System name", "Purposes", "Start date"]
    body = [["Vendor 00001 LLC", "DOT", name, "Work", cell] for name, cell in cells.items()]
    job = upload(setting["user"], xlsx_bytes({"Flows": [header, *body]}))
    assert job.error_count == 0 and job.count("flows", "create") == len(cells)
    importing.confirm_import(actor=setting["user"], job=job, now=now())
    stored = dict(db.session.execute(select(DataFlow.system_name, DataFlow.started_on)).all())
    assert stored == {name: None if name == "Blank" else date(2026, 3, 1) for name in cells}
    created = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "flow.created"))
    recorded = [e.changes.get("started_on", {}).get("after") for e in created]
    assert sorted(recorded, key=str) == ["2026-03-01"] * (len(cells) - 1) + [None]


def test_start_dates_read_from_csv_text(setting):
    make_organisation(legal_name="Acme Data")
    lines = [
        ["Organisation", "Department", "System name", "Purposes", "Date started"],
        ["Acme Data", "DOT", "Meters", "Pay", "2024-11-30"],
        ["Acme Data", "DOT", "Signals", "Time lights", "45352"],
    ]
    job = upload(setting["user"], csv_bytes(lines), "flows.csv")
    importing.confirm_import(actor=setting["user"], job=job, now=now())
    stored = dict(db.session.execute(select(DataFlow.system_name, DataFlow.started_on)).all())
    assert stored == {"Meters": date(2024, 11, 30), "Signals": date(2024, 3, 1)}


def test_a_changed_start_date_updates_the_flow_and_audits_it(setting):
    """Re-importing with another date is an update; the audit holds both dates as text."""
    data = registry_workbook(1, 1, "DOT", ["Full name"])  # flow 1: an Excel serial
    importing.confirm_import(actor=setting["user"], job=upload(setting["user"], data), now=now())
    flow = db.session.scalar(select(DataFlow))
    assert flow.started_on == date(2026, 3, 1)
    header = ["Organisation", "Department", "System name", "Go live date"]
    changed = xlsx_bytes({"Flows": [header, ["Vendor 00001 LLC", "DOT", "System 1", "2026-04-15"]]})
    job = upload(setting["user"], changed)
    assert job.count("flows", "update") == 1
    assert "Go live date" in rows(job, "update")[0].detail
    importing.confirm_import(actor=setting["user"], job=job, now=now())
    db.session.refresh(flow)
    assert flow.started_on == date(2026, 4, 15)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "flow.updated"))
    assert event.changes["started_on"] == {"before": "2026-03-01", "after": "2026-04-15"}


def test_error_report_lists_file_level_and_row_problems(setting):
    """The downloadable report holds one line per problem, file-level ones first."""
    data = xlsx_bytes({"Flows": [["System name", "Purposes"], ["Parking", "Pay"]]})
    job = upload(setting["user"], data)
    report = list(import_jobs.error_report_rows(job))
    assert report[0][2] in ("Organization", "Department")
    assert all("missing" in line[3] for line in report)
    assert job.error_count == len(report) == 2


def test_confirm_writes_every_row_keeping_text_exactly_as_typed(setting, app):
    """Leading zeros, NA, None and unicode survive; each new record has its audit event."""
    data = xlsx_bytes(
        {
            "Organisations": [
                ["Legal name", "Kind", "DUNS", "Postal code", "State registration"],
                ["NA", "Vendor", "001234567", "01234", "00123"],
                ["None", "Nonprofit", "", "00501", ""],
                ["Zoë Café Ltd", "Research", "", "", ""],
            ],
            "Flows": [
                ["Organisation", "Department", "System name", "Purposes", "Data categories"],
                ["NA", "DOT", "Parking", "Pay for parking", "Full name"],
            ],
        }
    )
    job = upload(setting["user"], data)
    events = count(AuditEvent)
    job = importing.confirm_import(actor=setting["user"], job=job, now=now())
    assert job.status == ImportStatus.COMMITTED
    na = db.session.scalar(select(Organisation).where(Organisation.legal_name == "NA"))
    assert (na.duns, na.postal_code, na.state_registration) == ("001234567", "01234", "00123")
    assert db.session.scalar(select(Organisation).where(Organisation.legal_name == "None"))
    assert db.session.scalar(select(Organisation).where(Organisation.legal_name == "Zoë Café Ltd"))
    flow = db.session.scalar(select(DataFlow).where(DataFlow.system_name == "Parking"))
    assert flow.organisation_id == na.id and flow.lineage_id == flow.id
    assert flow.status == FlowStatus.DRAFT and flow.risk_tier in set(RiskTier)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.id > 0)).all()
    assert count(AuditEvent) == events + 5  # 3 organisations, 1 flow, 1 summary
    assert actions.count("organisation.registered") == 3 and "import.committed" in actions
    assert upload_files(app) == []


def test_reimporting_the_same_file_changes_nothing(setting):
    """A second import of the same file is all unchanged and creates no duplicates."""
    data = registry_workbook(5, 12, "DOT", ["Full name", "Home address"])
    importing.confirm_import(actor=setting["user"], job=upload(setting["user"], data), now=now())
    totals = (count(Organisation), count(DataFlow), count(AuditEvent))
    job = upload(setting["user"], data)
    assert job.counts == {"organisations": {"unchanged": 5}, "flows": {"unchanged": 12}}
    importing.confirm_import(actor=setting["user"], job=job, now=now())
    assert (count(Organisation), count(DataFlow)) == totals[:2]
    assert count(AuditEvent) == totals[2] + 2  # the upload and the summary only


def test_changed_rows_update_with_before_and_after_in_the_audit(setting):
    """A changed cell updates the matched record (by EIN) and audits the difference."""
    organisation = make_organisation(legal_name="Old Name Inc", ein="11-0000001")
    data = xlsx_bytes({"Organisations": [ORG_HEADERS, organisation_row(1, City="Oakland")]})
    job = upload(setting["user"], data)
    assert job.count("organisations", "update") == 1
    importing.confirm_import(actor=setting["user"], job=job, now=now())
    db.session.refresh(organisation)
    assert (organisation.legal_name, organisation.city) == ("Vendor 00001 LLC", "Oakland")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.updated"))
    assert event.changes["city"] == {"before": "", "after": "Oakland"}


def test_a_failure_at_the_last_row_writes_nothing(setting, monkeypatch):
    """The commit is one transaction: a failure on the last row rolls back every row."""
    data = registry_workbook(4, 6, "DOT", ["Full name"])
    job = upload(setting["user"], data)
    totals = (count(Organisation), count(DataFlow))
    original, calls = writing.Writer._create_flow, []

    def fail_on_last(self, decision):
        calls.append(decision)
        if len(calls) == 6:
            raise RuntimeError("disk full")
        original(self, decision)

    monkeypatch.setattr(writing.Writer, "_create_flow", fail_on_last)
    job = importing.confirm_import(actor=setting["user"], job=job, now=now())
    assert job.status == ImportStatus.FAILED and "nothing was written" in job.message
    assert (count(Organisation), count(DataFlow)) == totals
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert "organisation.registered" not in actions and "import.failed" in actions


def test_a_record_edited_after_the_preview_is_not_overwritten(setting):
    """If a previewed record changes before confirming, the import refuses and re-previews."""
    organisation = make_organisation(legal_name="Vendor 00001 LLC", ein="11-0000001")
    data = xlsx_bytes({"Organisations": [ORG_HEADERS, organisation_row(1, City="Oakland")]})
    job = upload(setting["user"], data)
    vendor_services.update_organisation(
        actor=make_user("admin"),
        organisation=organisation,
        values={"city": "Fresno"},
        expected_version=organisation.version,
    )
    job = importing.confirm_import(actor=setting["user"], job=job, now=now())
    assert job.status == ImportStatus.READY
    assert "row 2" in job.message and "nothing was imported" in job.message
    db.session.refresh(organisation)
    assert organisation.city == "Fresno"


def test_editing_an_approved_flow_starts_a_new_revision(setting):
    """The approved revision stays in force; the import drafts revision 2 beside it."""
    organisation = make_organisation(legal_name="Vendor 00001 LLC")
    approved = make_flow(
        organisation,
        system_name="Parking",
        status=FlowStatus.APPROVED,
        department_id=setting["department"].id,
    )
    data = xlsx_bytes(
        {
            "Flows": [
                ["Organisation", "Department", "System name", "Purposes"],
                ["Vendor 00001 LLC", "DOT", "parking", "A new purpose"],
            ]
        }
    )
    job = upload(setting["user"], data)
    assert job.count("flows", "update") == 1
    importing.confirm_import(actor=setting["user"], job=job, now=now())
    revisions = db.session.scalars(
        select(DataFlow)
        .where(DataFlow.lineage_id == approved.lineage_id)
        .order_by(DataFlow.revision)
    ).all()
    assert [(r.revision, r.status) for r in revisions] == [
        (1, FlowStatus.APPROVED),
        (2, FlowStatus.DRAFT),
    ]
    assert revisions[1].purposes == "A new purpose"


def test_one_sheet_csv_with_organisations_repeated_on_each_flow_row(setting):
    """A one-sheet CSV registers each organisation once and all of its flows."""
    header = ["Vendor", "Kind", "City", "System name", "Department", "Purposes"]
    lines = [
        header,
        ["Acme Data", "Vendor", "Reno", "Meters", "DOT", "Pay"],
        ["Acme Data", "Vendor", "Reno", "Signals", "DOT", "Time lights"],
        [],
        ["Acme Data", "Vendor", "Reno", "'=Formulas", "DOT", "Escaped text"],
    ]
    job = upload(setting["user"], csv_bytes(lines), "one-sheet.csv")
    assert job.counts == {"organisations": {"create": 1}, "flows": {"create": 3}}
    importing.confirm_import(actor=setting["user"], job=job, now=now())
    names = set(db.session.scalars(select(DataFlow.system_name)))
    assert names == {"Meters", "Signals", "=Formulas"}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "is a PNG image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "password-protected"),
    ],
)
def test_rejected_uploads_leave_no_file_and_write_nothing(setting, app, content, reason):
    """A refused file is deleted at once; only the import.rejected event is written."""
    with pytest.raises(ValidationFailed) as refused:
        upload(setting["user"], content, "upload.xlsx")
    assert reason in refused.value.errors["file"]
    assert upload_files(app) == []
    assert count(ImportJob) == 0
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == (
        "import.rejected"
    )


def test_cancel_deletes_the_pending_rows_and_writes_nothing(setting, app):
    """Cancelling a preview removes the stored rows; no record is created."""
    job = upload(setting["user"], registry_workbook(2, 2, "DOT", ["Full name"]))
    assert upload_files(app) != []
    importing.cancel_import(actor=setting["user"], job=job)
    assert job.status == ImportStatus.CANCELLED and upload_files(app) == []
    assert count(Organisation) == 0


def test_an_expired_preview_cannot_be_confirmed(setting):
    """Previews last a day; after that the file must be uploaded again."""
    job = upload(setting["user"], registry_workbook(1, 1, "DOT", ["Full name"]))
    from datetime import timedelta

    with pytest.raises(Exception, match="expired"):
        importing.confirm_import(actor=setting["user"], job=job, now=now() + timedelta(days=2))
    assert count(Organisation) == 0


def test_fifty_thousand_rows_import(setting):
    """A 50,000-row workbook is previewed and committed."""
    data = registry_workbook(5_000, 45_000, "DOT", ["Full name", "Home address"])
    job = upload(setting["user"], data, "large.xlsx")
    assert job.error_count == 0 and job.total == 50_000
    job = importing.confirm_import(actor=setting["user"], job=job, now=now())
    assert job.status == ImportStatus.COMMITTED
    assert (count(Organisation), count(DataFlow)) == (5_000, 45_000)


def test_flow_rows_check_references_with_the_forms_rules(setting):
    """Unknown departments, bad numbers and unjustified extras are errors on their column."""
    make_organisation(legal_name="Vendor 00001 LLC")
    header = FLOW_HEADERS
    data = xlsx_bytes(
        {
            "Flows": [
                header,
                flow_row(1, 1, "NOPE", ["Full name"]),
                flow_row(2, 1, "DOT", ["Full name"], **{"Retention (days)": "ten"}),
                flow_row(3, 1, "DOT", ["Full name"], **{"Category justifications": "X: why"}),
                flow_row(4, 1, "DOT", ["Full name"], Purposes=""),
                flow_row(5, 1, "DOT", ["Full name"], **{"Sharing started on": "1 January 1980"}),
            ]
        }
    )
    job = upload(setting["user"], data)
    found = {(row, column) for _, row, column, _ in errors_of(job)}
    assert found == {
        (2, "Department"),
        (3, "Retention (days)"),
        (4, "Category justifications"),
        (5, "Purposes"),
        (6, "Sharing started on"),
    }
    [too_early] = [reason for _, row, _, reason in errors_of(job) if row == 6]
    assert too_early == "Enter a date from 1990-01-01 on."


def test_reimporting_an_export_leaves_retired_flows_unchanged_and_refuses_changes(setting):
    """Retired flows are exported; importing the file again neither re-registers them nor
    edits them: an identical row is unchanged, a changed one is an error."""
    data = registry_workbook(2, 3, "DOT", ["Full name"])
    importing.confirm_import(actor=setting["user"], job=upload(setting["user"], data), now=now())
    retired = db.session.scalars(select(DataFlow).order_by(DataFlow.id)).first()
    retired.status = FlowStatus.RETIRED
    db.session.commit()
    flows_before = count(DataFlow)

    job = upload(setting["user"], data)
    assert job.counts == {"organisations": {"unchanged": 2}, "flows": {"unchanged": 3}}

    book = load_workbook(io.BytesIO(data))  # the same workbook with one changed cell
    sheet = book["Flows"]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[headers.index("System name")].value == retired.system_name:
            row[headers.index("Purposes")].value = "A new purpose"
    buffer = io.BytesIO()
    book.save(buffer)
    job = upload(setting["user"], buffer.getvalue())
    assert job.count("flows", "error") == 1
    assert any("retired" in reason for *_, reason in errors_of(job))
    assert count(DataFlow) == flows_before


def test_a_former_british_category_name_imports_as_the_category_it_became(setting):
    """A spreadsheet made before the vocabulary was written in American English names
    "Licence-plate reads" in the categories and their justifications; the row lands on
    "License-plate reads" with its justification, and no error is reported."""
    plates = make_category(name="License-plate reads")
    data = xlsx_bytes(
        {
            "Organisations": [ORG_HEADERS, organisation_row(1)],
            "Flows": [
                FLOW_HEADERS,
                flow_row(
                    1,
                    1,
                    "DOT",
                    ["Licence-plate reads"],
                    **{"Category justifications": "Licence-plate reads: to match permits"},
                ),
            ],
        }
    )
    job = upload(setting["user"], data)
    assert errors_of(job) == []
    importing.confirm_import(actor=setting["user"], job=job, now=now())
    flow = db.session.scalar(select(DataFlow).where(DataFlow.system_name == "System 1"))
    assert [(fc.category_id, fc.justification) for fc in flow.categories] == [
        (plates.id, "to match permits")
    ]
