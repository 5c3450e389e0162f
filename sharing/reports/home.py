"""The signed-in home page's content: each staff role's dashboard, its tiles and its charts.
The counts come from dashboard.py, the drawings from charts.py; the pages are
dashboard_views.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sharing.core.roles import Role
from sharing.reports import dashboard
from sharing.reports.waiting import list_url

# charts.py is imported where a chart is drawn: it loads matplotlib (half a second), which the
# app, its commands and every page but the dashboard do without.

CHART_NAMES = ("agreements", "attestations", "risk")
PROCUREMENT_PARTIAL = "dashboard/_procurement.html"


def home_dashboard(user: Any, *, today: date, now: datetime) -> tuple[str, Any]:
    """The template and data for the user's role: privacy and admin share one dashboard."""
    if user.role == Role.PROCUREMENT:
        return PROCUREMENT_PARTIAL, dashboard.procurement_dashboard(user)
    return "dashboard/_privacy.html", dashboard.privacy_dashboard(today=today, now=now)


def charts(data: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's charts, keyed by name, built from `dashboard.chart_data`."""
    from sharing.reports import charts as drawing

    return {
        "agreements": drawing.agreements_chart(data["agreements"]),
        "attestations": drawing.attestations_chart(data["attestations"], dashboard.COMPLETION),
        "risk": drawing.risk_chart(data["risk"]),
    }


def chart_svg(name: str, *, today: date) -> bytes:
    """One chart as SVG, from one GROUP BY statement."""
    from sharing.reports import charts as drawing

    if name == "agreements":
        chart = drawing.agreements_chart(dashboard.agreements_by_status())
    elif name == "risk":
        chart = drawing.risk_chart(dashboard.flows_by_risk())
    else:
        rows = dashboard.attestation_completion(today=today)
        chart = drawing.attestations_chart(rows, dashboard.COMPLETION)
    return drawing.render_svg(chart)


@dataclass(frozen=True)
class Tile:
    """One count on the dashboard and the filtered list that shows exactly those rows."""

    key: str
    label: str
    count: int
    url: str | None
    urgent: bool = False


def privacy_tiles(board: Any) -> list[Tile]:
    """The privacy office's counts, each linking to its filtered list."""
    tiles = [
        Tile(
            "awaiting-review",
            "Flows awaiting review",
            board.awaiting_review,
            list_url("flows.flows", status="submitted", sort="submitted"),
        ),
        *(
            Tile(
                f"expiring-{days}",
                f"Agreements expiring within {days} days",
                count,
                list_url("agreements.agreements", expiring=days),
            )
            for days, count in board.expiring.items()
        ),
        Tile(
            "past-cancel-by",
            "Agreements past their cancel-by date",
            board.past_cancel_by,
            list_url("agreements.agreements", past_cancel_by=1),
            urgent=True,
        ),
        Tile(
            "overdue-attestations",
            "Overdue attestations",
            board.overdue_attestations,
            list_url("attestations.requests", status="overdue"),
            urgent=True,
        ),
        Tile(
            "returned-attestations",
            "Attestations returned for re-answer",
            board.returned_attestations,
            list_url("attestations.requests", status="returned"),
        ),
        Tile(
            "submitted-attestations",
            "Attestations awaiting review",
            board.submitted_attestations,
            list_url("attestations.requests", status="submitted"),
        ),
        Tile(
            "expiring-evidence",
            "Evidence expiring within 30 days",
            board.expiring_evidence,
            list_url("attestations.evidence", expiring=1),
        ),
        Tile(
            "new-incidents",
            "New incidents, not yet picked up",
            board.new_incidents,
            list_url("disclosures.incidents", status="reported"),
            urgent=True,
        ),
        Tile(
            "overdue-incidents",
            "Open incidents past their notice deadline",
            board.overdue_incidents,
            list_url("disclosures.incidents", overdue=1),
            urgent=True,
        ),
        Tile(
            "untested-algorithms",
            "Algorithms with no bias test in the last 12 months",
            board.untested_algorithms,
            list_url("algorithms.algorithms", bias_test="stale"),
            urgent=True,
        ),
        Tile(
            "overdue-concerns",
            "Public concerns past their deadline",
            board.overdue_concerns,
            list_url("concerns.cases", overdue=1),
            urgent=True,
        ),
    ]
    return tiles
