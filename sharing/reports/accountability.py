"""The privacy office's annual accountability report: its sheets as DataFrames, the Summary
figures, and the workbook (XLSX) and per-sheet CSV files written from them.

The sheets are read by accountability_sheets. Text cells are made formula-safe by the same
escape as every other export (exporting.xlsx_value / csv_value, over core.csv_safety).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime

import pandas as pd
from openpyxl.utils import get_column_letter

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.attestations.models import AttestationStatus
from sharing.flows.models import DataFlow, FlowStatus, RiskTier
from sharing.reports.accountability_sheets import (
    AGREEMENT_HEADERS,
    ATTESTATION_HEADERS,
    FLOW_HEADERS,
    QUARTER_HEADERS,
    Year,
    agreement_rows,
    attestation_rows,
    evidence_counts,
    flow_rows,
    in_force,
    quarter_rows,
)
from sharing.reports.exporting import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    MAX_WIDTH,
    MIN_WIDTH,
    csv_value,
    xlsx_value,
)

SHEETS = {  # URL slug → sheet title, in workbook order
    "summary": "Summary",
    "flows": "Flows",
    "agreements": "Agreements",
    "attestations": "Attestations",
    "disclosures-incidents": "Disclosures and incidents",
}
SUMMARY_HEADERS = ("Figure", "Value", "How it is counted")
DATE_WIDTH = 12


def accountability_frames(*, year: int, today: date) -> dict[str, pd.DataFrame]:
    """The report's sheets, in workbook order, keyed by sheet title."""
    span = Year(year)
    flows = flow_rows(span)
    agreements = agreement_rows(span)
    attestations = attestation_rows(span, today)
    quarters, totals = quarter_rows(span, today)
    evidence = evidence_counts(span)
    summary = _summary_rows(span, flows, agreements, attestations, totals, evidence)
    frames = {
        "Summary": (SUMMARY_HEADERS, summary),
        "Flows": (FLOW_HEADERS, [row for row, _ in flows]),
        "Agreements": (AGREEMENT_HEADERS, [row for row, _ in agreements]),
        "Attestations": (ATTESTATION_HEADERS, attestations),
        "Disclosures and incidents": (QUARTER_HEADERS, quarters),
    }
    return {
        title: pd.DataFrame(rows, columns=list(headers), dtype=object)
        for title, (headers, rows) in frames.items()
    }


# -- Files ------------------------------------------------------------------------------


def accountability_workbook(frames: Mapping[str, pd.DataFrame]) -> bytes:
    """The workbook: one sheet per frame, bold frozen header, widths, no formulas, and dates
    as date cells with a date format."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for title, frame in frames.items():
            safe = frame.map(xlsx_value).rename(columns=xlsx_value)
            safe.to_excel(writer, sheet_name=title[:31], index=False)
            _lay_out(writer.sheets[title[:31]], safe)
    return buffer.getvalue()


def _lay_out(worksheet, frame: pd.DataFrame) -> None:
    worksheet.freeze_panes = "A2"
    for position, header in enumerate(frame.columns, 1):
        values = [value for value in frame.iloc[:, position - 1] if value is not None]
        lengths = [DATE_WIDTH if isinstance(v, date) else len(str(v)) for v in values]
        longest = max([len(str(header)), *lengths])
        letter = get_column_letter(position)
        worksheet.column_dimensions[letter].width = max(MIN_WIDTH, min(MAX_WIDTH, longest + 2))
        if any(isinstance(value, date) for value in values):
            _format_dates(worksheet, position)


def _format_dates(worksheet, position: int) -> None:
    # pandas' openpyxl writer ignores its date_format argument, so the format is set here.
    for (cell,) in worksheet.iter_rows(min_row=2, min_col=position, max_col=position):
        if isinstance(cell.value, datetime):
            has_time = cell.value.time() != datetime.min.time()
            cell.number_format = DATETIME_FORMAT if has_time else DATE_FORMAT
        elif isinstance(cell.value, date):
            cell.number_format = DATE_FORMAT


def accountability_sheet_csv(frames: Mapping[str, pd.DataFrame], sheet: str) -> bytes:
    """One sheet, by its slug, as UTF-8 CSV with a byte-order mark; every field escaped."""
    frame = frames[SHEETS[sheet]]
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_value(header) for header in frame.columns])
    writer.writerows([csv_value(value) for value in row] for row in frame.itertuples(index=False))
    return buffer.getvalue().encode("utf-8")


# -- Summary ----------------------------------------------------------------------------


def _summary_rows(span: Year, flows, agreements, attestations, totals, evidence) -> list[list]:
    rows = [
        [
            "Organisations with agreements in force at year end",
            len({a.organisation_id for _, a in agreements if in_force(a, on=span.end)}),
            "Distinct organisations with at least one agreement in force on 31 December.",
        ],
        *_flow_summary([flow for _, flow in flows]),
        *_agreement_summary([agreement for _, agreement in agreements], span),
        *_attestation_summary(attestations),
        ["Disclosures logged", totals["disclosures"], "Log entries disclosed in the year."],
        ["Records disclosed", totals["records"], "Sum of those entries' record counts."],
        ["Incidents reported", totals["incidents"], "Reported in the year (city date)."],
        [
            "Incidents with late notice",
            totals["late"],
            "First notice after the deadline's date, or none yet, still open and past it.",
        ],
        ["Individuals affected", totals["affected"], "Sum over incidents reported in the year."],
        ["Evidence files current at year end", evidence[0], "Valid on 31 December, or undated."],
        [
            "Evidence files that expired in the year",
            evidence[1],
            "Last valid day in the year, before 31 December.",
        ],
    ]
    return rows


def _flow_summary(flows: list[DataFlow]) -> list[list]:
    rows = [
        [
            "Flows in the register",
            len(flows),
            "Each flow's current revision at year end (approved, or latest if never approved).",
        ]
    ]
    statuses = Counter(flow.status for flow in flows)
    rows += [
        [f"Flows: {status.label.lower()}", statuses[status], "By the revision's current status."]
        for status in FlowStatus
        if status != FlowStatus.SUPERSEDED
    ]
    tiers = Counter(flow.risk_tier for flow in flows)
    rows += [
        [f"Flows at {tier.label.lower()} risk", tiers[tier], "By the revision's risk tier."]
        for tier in RiskTier
    ]
    if tiers[None]:
        rows.append(["Flows not yet risk-assessed", tiers[None], "No risk tier computed yet."])
    return rows


def _agreement_summary(agreements: list[Agreement], span: Year) -> list[list]:
    def within(day: date | None) -> bool:
        return day is not None and span.start <= day <= span.end

    expired = AgreementStatus.EXPIRED
    return [
        [
            "Agreements in force at year end",
            sum(1 for a in agreements if in_force(a, on=span.end)),
            "Signed, effective on 31 December, not expired or terminated by then.",
        ],
        [
            "Agreements signed in the year",
            sum(1 for a in agreements if within(a.signed_on)),
            "By signature date.",
        ],
        [
            "Agreements that expired in the year",
            sum(1 for a in agreements if a.status == expired and within(a.expiry_date)),
            "Status expired, with an expiry date in the year (renewals move the date on).",
        ],
        [
            "Agreements terminated in the year",
            sum(1 for a in agreements if within(a.terminated_on)),
            "By termination date.",
        ],
    ]


def _attestation_summary(rows: list[list]) -> list[list]:
    statuses = Counter(row[3] for row in rows)
    return [
        ["Attestations due in the year", len(rows), "Requests with a due date in the year."],
        [
            "Attestations accepted",
            statuses[AttestationStatus.ACCEPTED.label],
            "Of those due in the year, by current status.",
        ],
        [
            "Attestations returned",
            statuses[AttestationStatus.RETURNED.label],
            "Of those due in the year, sent back for changes and not yet resubmitted.",
        ],
        [
            "Attestations overdue",
            sum(1 for row in rows if row[-1]),
            "Of those due in the year, still open after the due date (on the report date).",
        ],
    ]
