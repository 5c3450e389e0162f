"""The privacy office's annual accountability report: its sheets as DataFrames, the Summary
figures, and the workbook (XLSX) and per-sheet CSV files written from them.

The sheets are read by accountability_sheets and written by the list exports' own writers
(core/spreadsheets.py: xlsx_bytes / csv_chunks), so the formula escape and date cells are theirs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date

import pandas as pd

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.attestations.models import AttestationStatus
from sharing.core.columns import Column
from sharing.core.spreadsheets import Sheet, csv_chunks, xlsx_bytes
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
from sharing.reports.transparency import (
    ALGORITHM_HEADERS,
    CONCERN_HEADERS,
    algorithm_rows,
    algorithm_summary,
    concern_rows,
    concern_summary,
)

SHEETS = {  # URL slug → sheet title, in workbook order
    "summary": "Summary",
    "flows": "Flows",
    "agreements": "Agreements",
    "attestations": "Attestations",
    "disclosures-incidents": "Disclosures and incidents",
    "algorithms": "Algorithms",
    "concerns": "Concerns",
}
SUMMARY_HEADERS = ("Figure", "Value", "How it is counted")
DATE_EXAMPLE = "2026-12-31"  # sizes a date column


def accountability_frames(*, year: int, today: date) -> dict[str, pd.DataFrame]:
    """The report's sheets, in workbook order, keyed by sheet title."""
    span = Year(year)
    flows = flow_rows(span)
    agreements = agreement_rows(span)
    attestations = attestation_rows(span, today)
    quarters, totals = quarter_rows(span, today)
    evidence = evidence_counts(span)
    algorithms = algorithm_rows(span)
    concerns = concern_rows(span, today)
    summary = [
        *_summary_rows(span, flows, agreements, attestations, totals, evidence),
        *algorithm_summary(algorithms, span),
        *concern_summary(concerns),
    ]
    frames = {
        "Summary": (SUMMARY_HEADERS, summary),
        "Flows": (FLOW_HEADERS, [row for row, _ in flows]),
        "Agreements": (AGREEMENT_HEADERS, [row for row, _ in agreements]),
        "Attestations": (ATTESTATION_HEADERS, attestations),
        "Disclosures and incidents": (QUARTER_HEADERS, quarters),
        "Algorithms": (ALGORITHM_HEADERS, [row for row, _ in algorithms]),
        "Concerns": (CONCERN_HEADERS, concerns),
    }
    return {
        title: pd.DataFrame(rows, columns=list(headers), dtype=object)
        for title, (headers, rows) in frames.items()
    }


# -- Files ------------------------------------------------------------------------------


def accountability_workbook(frames: Mapping[str, pd.DataFrame]) -> bytes:
    """The workbook: one sheet per frame, written by the exports' own writer (bold frozen
    header, widths, no formulas, dates as date cells)."""
    return xlsx_bytes([_sheet(title, frame) for title, frame in frames.items()])


def accountability_sheet_csv(frames: Mapping[str, pd.DataFrame], sheet: str) -> bytes:
    """One sheet, by its slug, as UTF-8 CSV with a byte-order mark; every field escaped."""
    found = _sheet(SHEETS[sheet], frames[SHEETS[sheet]])
    return b"".join(csv_chunks(found.columns, found.rows))


def _sheet(title: str, frame: pd.DataFrame) -> Sheet:
    """A frame as an export sheet: a column per header, sized by its longest value."""
    rows = [list(row) for row in frame.itertuples(index=False)]
    columns = [_column(str(header), [row[i] for row in rows]) for i, header in enumerate(frame)]
    return Sheet(title[:31], columns, rows)


def _column(header: str, values: list) -> Column:
    present = [value for value in values if value is not None]
    is_date = any(isinstance(value, date) for value in present)
    example = max((DATE_EXAMPLE if is_date else str(v) for v in present), key=len, default="")
    return Column(header, header, (), "date" if is_date else "text", "", example)


# -- Summary ----------------------------------------------------------------------------


def _summary_rows(span: Year, flows, agreements, attestations, totals, evidence) -> list[list]:
    rows = [
        [
            "Organizations with agreements in force at year end",
            len({a.organisation_id for _, a in agreements if in_force(a, on=span.end)}),
            "Distinct organizations with at least one agreement in force on 31 December.",
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
