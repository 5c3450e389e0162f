"""The accountability report's sheets on algorithms and the public's concerns: which records
each year holds, the summary figures, and that nothing private of a concern reaches the
report, which the City publishes."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
from sqlalchemy import event

from sharing.algorithms.models import AlgorithmStatus, FactSheet, FactSheetStatus
from sharing.concerns.models import ConcernKind, ConcernNote, ConcernStatus
from sharing.extensions import db as _db
from sharing.flows.models import RiskTier
from sharing.reports.accountability import (
    SHEETS,
    accountability_frames,
    accountability_sheet_csv,
    accountability_workbook,
)
from tests.factories import (
    make_algorithm,
    make_approved_flow,
    make_category,
    make_concern,
    make_organisation,
)

YEAR = 2022
TODAY = date(2023, 2, 1)
IN_YEAR = datetime(2022, 6, 1, 17, tzinfo=UTC)


def _algorithm(org, flows=(), **values):
    algorithm = make_algorithm(org, flows, **values)
    algorithm.created_at = IN_YEAR
    _db.session.commit()
    return algorithm


def _summary(frames) -> dict[str, int]:
    return {row.Figure: row.Value for row in frames["Summary"].itertuples(index=False)}


def test_algorithm_sheet_holds_the_years_records_with_their_bias_testing(app):
    org = make_organisation(legal_name="Acme Analytics Inc.")
    flow = make_approved_flow(org, (make_category(name="Address"),))
    public = _algorithm(
        org,
        (flow,),
        name="Pothole triage",
        approved=True,
        risk_tier=RiskTier.HIGH,
        last_tested_on=date(2022, 3, 1),
    )
    _algorithm(org, name="Old chatbot", last_tested_on=date(2021, 10, 1))
    _algorithm(org, name="Retired before the year", retired_on=date(2021, 12, 31))
    later = _algorithm(org, name="Made after the year")
    later.created_at = datetime(2023, 1, 5, 12, tzinfo=UTC)
    _db.session.add(
        FactSheet(
            algorithm_id=public.id,
            organisation_id=org.id,
            edition=1,
            due_date=date(2022, 5, 1),
            status=FactSheetStatus.ACCEPTED,
            reviewed_at=IN_YEAR,
        )
    )
    _db.session.commit()

    frames = accountability_frames(year=YEAR, today=TODAY)
    sheet = frames["Algorithms"]
    assert list(sheet["Name"]) == ["Old chatbot", "Pothole triage"]
    triage = sheet[sheet["Name"] == "Pothole triage"].iloc[0]
    assert triage["Provider"] == org.display_name
    assert triage["On the public register"] == "Yes"
    assert triage["Risk tier"] == "High"
    assert triage["Bias tested in the 12 months to year end"] == "Yes"
    assert triage["Fact sheets accepted in the year"] == 1
    chatbot = sheet[sheet["Name"] == "Old chatbot"].iloc[0]
    assert chatbot["On the public register"] == "No"
    assert chatbot["Bias tested in the 12 months to year end"] == "No"

    figures = _summary(frames)
    assert figures["Algorithms in use at year end"] == 2
    assert figures["Algorithms on the public register"] == 1
    assert figures["Algorithms at high or critical risk"] == 1
    assert figures["Algorithms with no bias test in the 12 months to year end"] == 1
    assert figures["AI fact sheets accepted in the year"] == 1


def test_concern_sheet_gives_each_outcome_and_the_summary_counts_them(app):
    org = make_organisation()
    algorithm = _algorithm(org, name="Parking predictor", approved=True)
    on_time = make_concern(
        reference="SJ-ONTIME22",
        algorithm_id=algorithm.id,
        received_at=IN_YEAR,
        due_on=date(2022, 7, 1),
        status=ConcernStatus.ANSWERED,
        public_response="We checked and corrected it.",
        responded_at=datetime(2022, 6, 20, 18, tzinfo=UTC),
    )
    late = make_concern(
        reference="SJ-LATE2222",
        kind=ConcernKind.ERROR,
        flow_lineage_id=4321,
        received_at=IN_YEAR,
        due_on=date(2022, 7, 1),
        status=ConcernStatus.CLOSED,
        responded_at=datetime(2022, 7, 9, 18, tzinfo=UTC),
    )
    make_concern(reference="SJ-OPEN2222", received_at=IN_YEAR, due_on=date(2022, 7, 1))
    make_concern(reference="SJ-NEXTYEAR", received_at=datetime(2023, 1, 2, 18, tzinfo=UTC))

    frames = accountability_frames(year=YEAR, today=TODAY)
    rows = {row.Reference: row for row in frames["Concerns"].itertuples(index=False)}
    assert set(rows) == {on_time.reference, late.reference, "SJ-OPEN2222"}
    assert rows["SJ-ONTIME22"].About == "Algorithm: Parking predictor"
    assert rows["SJ-ONTIME22"][7] == "Yes"
    assert rows["SJ-LATE2222"].About == "Arrangement 4321"
    assert rows["SJ-LATE2222"].Kind == "Error in the register"
    assert rows["SJ-LATE2222"][7] == "No"
    assert rows["SJ-OPEN2222"][7] == "No (past due)"

    figures = _summary(frames)
    assert figures["Concerns raised by the public"] == 3
    assert figures["Errors in the register reported"] == 1
    assert figures["Concerns answered"] == 2
    assert figures["Concerns answered by the due date"] == 1
    assert figures["Concerns past their due date without an answer"] == 1


def test_no_concern_text_email_or_note_reaches_the_report(app):
    """The report is published: a concern's own words, the person's address and the
    office's notes stay out of every sheet, in the workbook and in each CSV."""
    concern = make_concern(
        body="PRIVATE-BODY-7f3a",
        email="private-7f3a@example.org",
        received_at=IN_YEAR,
        due_on=date(2022, 7, 1),
    )
    _db.session.add(ConcernNote(concern_id=concern.id, body="PRIVATE-NOTE-7f3a"))
    _db.session.commit()

    frames = accountability_frames(year=YEAR, today=TODAY)
    workbook = openpyxl.load_workbook(io.BytesIO(accountability_workbook(frames)))
    cells = " ".join(
        str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row
    )
    texts = [cells, *(accountability_sheet_csv(frames, slug).decode() for slug in SHEETS)]
    assert concern.reference in cells
    for text in texts:
        assert "7f3a" not in text


def test_new_sheets_are_read_with_the_same_number_of_statements_at_more_data(app):
    """No N+1: more algorithms and concerns do not add statements."""
    org = make_organisation()

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

    def seed() -> None:
        algorithm = _algorithm(
            make_organisation(), name="Model", approved=True, status=AlgorithmStatus.APPROVED
        )
        make_concern(algorithm_id=algorithm.id, received_at=IN_YEAR)

    _algorithm(org)
    seed()
    _db.session.expire_all()
    before = statements()
    for _ in range(3):
        seed()
    _db.session.expire_all()
    assert statements() == before
