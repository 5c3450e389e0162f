"""The annual accountability report: each sheet's rows, the Summary figures, and the workbook
and CSV files (typed dates, no formulas, sheet order)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event

from sharing.agreements.models import AgreementStatus
from sharing.attestations.models import (
    AnswerReview,
    AnswerValue,
    AttestationAnswer,
    AttestationStatus,
)
from sharing.core.csv_safety import FORMULA_PREFIXES
from sharing.disclosures.models import Disclosure, IncidentStatus
from sharing.extensions import db as _db
from sharing.flows.models import FlowStatus, RiskTier, Sensitivity
from sharing.reports.accountability import (
    SHEETS,
    accountability_frames,
    accountability_sheet_csv,
    accountability_workbook,
)
from sharing.reports.accountability_sheets import report_years
from tests.factories import add_category, make_category, make_flow, make_organisation
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.attestations import make_request
from tests.web.tables.evidence import make_evidence
from tests.web.tables.portal import make_incident

S = AgreementStatus
YEAR = 2026
TODAY = date(2027, 1, 10)
# The moment the seeded rows count as made: in YEAR, whatever day the test runs.
SEEDED_AT = datetime(2026, 11, 21, 18, tzinfo=UTC)
HOSTILE = '=HYPERLINK("http://x")'


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def _disclosure(flow, disclosed_on: date, records: int | None, flagged: bool = False) -> None:
    _db.session.add(
        Disclosure(
            flow_id=flow.id,
            organisation_id=flow.organisation_id,
            disclosed_on=disclosed_on,
            record_count=records,
            flagged=flagged,
            purpose="Court order",
        )
    )
    _db.session.commit()


def _seed_flows(hostile, summing, suffix: str = ""):
    plates = make_category(name=f"Licence plates{suffix}", sensitivity=Sensitivity.RESTRICTED)
    email = make_category(name=f"Email address{suffix}", sensitivity=Sensitivity.INTERNAL)
    approved = make_flow(
        hostile,
        system_name="+1",
        purposes="-1",
        status=FlowStatus.APPROVED,
        risk_tier=RiskTier.HIGH,
        approved_at=_utc(2026, 3, 2, 5),  # still 1 March in the city
        started_on=date(2026, 4, 1),
        subprocessors=[{"name": "CloudCo", "service": "hosting", "country": "US"}],
    )
    add_category(approved, plates)
    add_category(approved, email)
    make_flow(hostile, lineage_id=approved.id, revision=2, department_id=approved.department_id)
    submitted = make_flow(summing, system_name="Meters", status=FlowStatus.SUBMITTED)
    old = make_flow(system_name="Library", status=FlowStatus.SUPERSEDED)
    make_flow(
        old.organisation,
        system_name="Library",
        lineage_id=old.id,
        revision=2,
        status=FlowStatus.APPROVED,
        department_id=old.department_id,
    )
    return submitted


def _seed_agreements(hostile, summing) -> dict:
    return {
        "force": make_agreement(S.ACTIVE, organisation_id=hostile.id, title="@SUM(1)"),
        "signed": make_agreement(
            S.EXECUTED,
            organisation_id=summing.id,
            effective_date=date(2026, 6, 1),
            signed_on=date(2026, 5, 20),
            auto_renew=True,
            notice_days=60,
        ),
        "expired": make_agreement(
            S.EXPIRED,
            organisation_id=summing.id,
            effective_date=date(2024, 1, 1),
            expiry_date=date(2026, 3, 31),
            signed_on=date(2023, 12, 1),
        ),
        "terminated": make_agreement(
            S.TERMINATED,
            organisation_id=hostile.id,
            effective_date=date(2025, 1, 1),
            terminated_on=date(2026, 8, 15),
        ),
        "old": make_agreement(
            S.EXPIRED, effective_date=date(2020, 1, 1), expiry_date=date(2022, 12, 31)
        ),
        "future": make_agreement(S.ACTIVE, effective_date=date(2027, 2, 1)),
        "draft": make_agreement(S.GENERATED, organisation_id=summing.id),
    }


def _seed_attestations(summing) -> dict:
    org = summing.id
    returned = make_request(org, AttestationStatus.RETURNED, due_date=date(2026, 6, 30))
    reviews = [
        (AnswerValue.YES, AnswerReview.ACCEPTED),
        (AnswerValue.NOT_APPLICABLE, AnswerReview.ACCEPTED),
        (AnswerValue.NO, AnswerReview.RETURNED),
    ]
    for question, (value, review) in zip(returned.questionnaire, reviews, strict=True):
        returned.answers.append(
            AttestationAnswer(obligation_code=question["code"], answer=value, review=review)
        )
    submitted = make_request(org, AttestationStatus.SUBMITTED, due_date=date(2026, 10, 1))
    submitted.submitted_at = _utc(2026, 10, 1, 3)  # 30 September in the city
    _db.session.commit()
    return {
        "accepted": make_request(org, AttestationStatus.ACCEPTED, due_date=date(2026, 3, 31)),
        "returned": returned,
        "submitted": submitted,
        "pending": make_request(org, AttestationStatus.PENDING, due_date=date(2026, 12, 1)),
        "next": make_request(org, AttestationStatus.PENDING, due_date=date(2027, 2, 1)),
    }


def _seed_oversight(summing, flow) -> None:
    _disclosure(flow, date(2026, 2, 10), 100)
    _disclosure(flow, date(2026, 3, 31), None, flagged=True)
    _disclosure(flow, date(2026, 8, 1), 50)
    _disclosure(flow, date(2025, 12, 31), 999)
    on_time = _utc(2026, 5, 10, 18)
    make_incident(
        summing.id,
        reported_at=on_time,
        notice_deadline=on_time + timedelta(hours=72),
        individuals_notified_on=date(2026, 5, 12),
        status=IncidentStatus.NOTIFIED,
        affected_individuals=10,
    )
    new_years_eve = _utc(2027, 1, 1, 7, 30)  # 23:30 on 31 December 2026 in the city
    make_incident(
        summing.id,
        reported_at=new_years_eve,
        notice_deadline=new_years_eve + timedelta(hours=72),
        affected_individuals=5,
    )
    last_year = _utc(2026, 1, 1, 7, 30)  # still 2025 in the city
    make_incident(summing.id, reported_at=last_year, notice_deadline=last_year)
    summer = _utc(2026, 7, 1, 18)
    make_incident(
        summing.id,
        reported_at=summer,
        notice_deadline=summer + timedelta(hours=72),
        authorities_notified_on=date(2026, 7, 10),
        status=IncidentStatus.CLOSED,
    )
    for valid_until in (date(2027, 6, 30), None, date(2026, 9, 30), date(2026, 12, 31)):
        make_evidence(summing.id, valid_until=valid_until)
    make_evidence(summing.id, valid_until=date(2025, 5, 1))


@pytest.fixture
def seeded(db):
    hostile = make_organisation(legal_name=HOSTILE)
    summing = make_organisation(legal_name="@SUM(1)")
    flow = _seed_flows(hostile, summing)
    agreements = _seed_agreements(hostile, summing)
    requests = _seed_attestations(summing)
    _seed_oversight(summing, flow)
    _date_the_seed()
    return {"agreements": agreements, "requests": requests}


def _date_the_seed() -> None:
    """Give every seeded row SEEDED_AT as its creation (or upload) time. The audit trail stays
    as written: the database refuses to change it."""
    for table in _db.metadata.sorted_tables:
        for column in ("created_at", "uploaded_at"):
            if column in table.c and table.name != "audit_events":
                _db.session.execute(table.update().values({column: SEEDED_AT}))
    _db.session.commit()


@pytest.fixture
def frames(seeded) -> dict[str, pd.DataFrame]:
    return accountability_frames(year=YEAR, today=TODAY)


def _summary(frames) -> dict[str, object]:
    return dict(zip(frames["Summary"]["Figure"], frames["Summary"]["Value"], strict=True))


def _by(frame: pd.DataFrame, column: str) -> dict[object, dict]:
    return {row[column]: row for row in frame.to_dict("records")}


# -- Sheets --------------------------------------------------------------------------------


def test_flows_sheet_lists_each_lineages_current_revision_once(frames):
    """A flow with a draft revision shows its approved one; a superseded one its successor."""
    flows = frames["Flows"]

    assert list(flows["System name"]) == ["+1", "Meters", "Library"]
    first = flows.iloc[0]
    assert first["Organization"] == HOSTILE
    assert first["Data categories"] == "Email address; Licence plates"
    assert first["Highest sensitivity"] == "Restricted"
    assert first["Risk tier"] == "High"
    assert first["Subprocessors"] == "CloudCo (hosting, US)"
    assert first["Flow status"] == "Approved"
    assert first["Approved on"] == date(2026, 3, 1)
    assert first["Sharing started on"] == date(2026, 4, 1)
    assert list(flows["Flow status"]) == ["Approved", "Submitted", "Approved"]


def test_agreements_sheet_holds_those_in_effect_signed_or_drafted_in_the_year(frames, seeded):
    """Agreements that ended before the year or start after it are left out."""
    made = seeded["agreements"]
    rows = _by(frames["Agreements"], "Number")

    assert made["old"].number not in rows
    assert made["future"].number not in rows
    for key in ("force", "signed", "expired", "terminated", "draft"):
        assert made[key].number in rows
    signed = rows[made["signed"].number]
    assert signed["Auto-renew"] is True
    assert signed["Cancel-by date"] == made["signed"].expiry_date - timedelta(days=60)
    assert signed["In force at year end"] is True
    assert rows[made["terminated"].number]["Terminated on"] == date(2026, 8, 15)
    assert rows[made["terminated"].number]["In force at year end"] is False
    assert rows[made["expired"].number]["Status"] == "Expired"


def test_attestations_sheet_counts_answers_and_flags_overdue_requests(frames, seeded):
    """Due in the year only; current answers counted; open requests past due are overdue."""
    requests = seeded["requests"]
    rows = _by(frames["Attestations"], "Agreement")

    assert requests["next"].agreement.number not in rows
    returned = rows[requests["returned"].agreement.number]
    assert (returned["Answers accepted"], returned["Answers returned"]) == (2, 1)
    assert returned["Answered not applicable"] == 1
    assert returned["Overdue"] is True
    assert rows[requests["accepted"].agreement.number]["Answers accepted"] == 3
    assert rows[requests["pending"].agreement.number]["Overdue"] is True
    submitted = rows[requests["submitted"].agreement.number]
    assert submitted["Submitted on"] == date(2026, 9, 30)
    assert submitted["Overdue"] is False


def test_quarters_use_city_dates_so_new_years_eve_lands_in_q4(frames):
    """An incident at 23:30 on 31 December in the city (1 January in UTC) is in Q4."""
    quarters = frames["Disclosures and incidents"].set_index("Quarter")

    assert list(quarters.index) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert list(quarters["Disclosures"]) == [2, 0, 1, 0]
    assert list(quarters["Records disclosed"]) == [100, 0, 50, 0]
    assert list(quarters["Flagged disclosures"]) == [1, 0, 0, 0]
    assert list(quarters["Incidents reported"]) == [0, 1, 1, 1]
    assert list(quarters["Incidents with late notice"]) == [0, 0, 1, 1]
    assert list(quarters["Individuals affected"]) == [0, 10, 0, 5]


def test_summary_figures_match_the_seeded_year(frames):
    """Each Summary figure counts what its note says, for the seeded data."""
    figures = _summary(frames)

    assert figures["Organizations with agreements in force at year end"] == 2
    assert figures["Flows in the register"] == 3
    assert figures["Flows: approved"] == 2
    assert figures["Flows: submitted"] == 1
    assert figures["Flows at high risk"] == 1
    assert figures["Flows not yet risk-assessed"] == 2
    # force, signed, and the five agreements behind the attestation requests
    assert figures["Agreements in force at year end"] == 7
    assert figures["Agreements signed in the year"] == 1
    assert figures["Agreements that expired in the year"] == 1
    assert figures["Agreements terminated in the year"] == 1
    assert figures["Attestations due in the year"] == 4
    assert figures["Attestations accepted"] == 1
    assert figures["Attestations returned"] == 1
    assert figures["Attestations overdue"] == 2
    assert figures["Disclosures logged"] == 3
    assert figures["Records disclosed"] == 150
    assert figures["Incidents reported"] == 3
    assert figures["Incidents with late notice"] == 2
    assert figures["Individuals affected"] == 15
    assert figures["Evidence files current at year end"] == 3
    assert figures["Evidence files that expired in the year"] == 1
    assert frames["Summary"]["How it is counted"].str.len().min() > 0


def test_frames_are_read_with_the_same_number_of_statements_at_more_data(db, seeded):
    """No N+1: tripling the rows does not add statements."""

    def statements() -> int:
        count = 0

        def counter(*_args):
            nonlocal count
            count += 1

        event.listen(_db.engine, "before_cursor_execute", counter)
        try:
            accountability_frames(year=YEAR, today=TODAY)
        finally:
            event.remove(_db.engine, "before_cursor_execute", counter)
        return count

    _db.session.expire_all()
    before = statements()
    for copy in range(2):
        hostile, summing = make_organisation(), make_organisation()
        flow = _seed_flows(hostile, summing, suffix=f" {copy}")
        _seed_agreements(hostile, summing)
        _seed_attestations(summing)
        _seed_oversight(summing, flow)
    _db.session.expire_all()
    assert statements() == before


def test_report_years_run_from_the_first_year_with_data_to_this_year(db):
    """The year picker offers each year from the earliest record to the current one."""
    assert report_years(today=TODAY) == [2027]
    make_agreement(S.EXPIRED, effective_date=date(2024, 5, 1))

    assert report_years(today=TODAY) == [2027, 2026, 2025, 2024]


# -- Files ---------------------------------------------------------------------------------


def _workbook(frames) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(accountability_workbook(frames)))


def _csv(frames, slug: str) -> list[list[str]]:
    text = accountability_sheet_csv(frames, slug).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def test_workbook_opens_with_sheets_in_order_and_frozen_headers(frames):
    """Summary, Flows, Agreements, Attestations, Disclosures and incidents; header frozen."""
    book = _workbook(frames)

    assert book.sheetnames == list(SHEETS.values())
    assert all(len(name) <= 31 for name in book.sheetnames)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].font.bold
    assert book["Agreements"].column_dimensions["B"].width >= 10


def test_workbook_dates_are_date_cells_with_a_date_format(frames):
    """Dates are stored as dates, not text, and shown as yyyy-mm-dd."""
    sheet = _workbook(frames)["Agreements"]
    headers = [cell.value for cell in sheet[1]]
    effective = sheet.cell(row=2, column=headers.index("Effective date") + 1)

    assert effective.is_date
    assert effective.number_format == "yyyy-mm-dd"
    flows = _workbook(frames)["Flows"]
    approved = flows.cell(row=2, column=[c.value for c in flows[1]].index("Approved on") + 1)
    assert approved.is_date
    assert approved.value.date() == date(2026, 3, 1)


def test_hostile_text_never_becomes_a_formula_in_xlsx(frames):
    """Names like =HYPERLINK(...), @SUM(1), +1 and -1 are string cells shown as written."""
    book = _workbook(frames)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]

    assert all(cell.data_type != "f" for cell in cells)
    hostile = [cell for cell in cells if cell.value in {HOSTILE, "@SUM(1)", "+1", "-1"}]
    assert {cell.value for cell in hostile} == {HOSTILE, "@SUM(1)", "+1", "-1"}
    assert all(cell.data_type == "s" for cell in hostile)


def test_hostile_text_is_escaped_in_every_csv_sheet(frames):
    """Each sheet's CSV escapes formula-like text the same way as the other exports."""
    flows = _csv(frames, "flows")
    agreements = _csv(frames, "agreements")

    assert flows[0][0] == "Organization"
    assert flows[1][:3] == ["'" + HOSTILE, flows[1][1], "'+1"]
    assert flows[1][3] == "'-1"
    assert any(row[1] == "'@SUM(1)" for row in agreements[1:])
    for slug in SHEETS:
        fields = [field for row in _csv(frames, slug) for field in row]
        assert not any(field.startswith(FORMULA_PREFIXES) for field in fields)


def test_csv_writes_dates_iso_and_booleans_as_words(frames):
    """CSV dates are YYYY-MM-DD and flags Yes/No, as in the list exports."""
    rows = _csv(frames, "agreements")
    header = rows[0]

    assert {row[header.index("In force at year end")] for row in rows[1:]} == {"Yes", "No"}
    assert "2026-01-01" in {row[header.index("Effective date")] for row in rows[1:]}


TEXT_FRAMES = st.lists(st.text(max_size=20), min_size=1, max_size=5)


@given(TEXT_FRAMES)
@settings(max_examples=100, deadline=None)
def test_no_workbook_cell_is_a_formula_and_no_csv_field_starts_like_one(values):
    """Whatever text the data holds, every XLSX text cell is a string (shown as written, never
    a formula or an error), and no CSV field starts like a formula."""
    frame = pd.DataFrame({"Figure": values, "Value": values, "Note": values}, dtype=object)
    frames = {title: frame for title in SHEETS.values()}
    book = openpyxl.load_workbook(io.BytesIO(accountability_workbook(frames)))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]

    assert all(cell.data_type == "s" for cell in cells if isinstance(cell.value, str))
    text = accountability_sheet_csv(frames, "summary").decode("utf-8")[1:]
    fields = [field for row in csv.reader(io.StringIO(text, newline="")) for field in row]
    assert not any(field.startswith(FORMULA_PREFIXES) for field in fields)
