"""The signed-in home page's content: each staff role's dashboard, its tiles and its charts.
The counts come from dashboard.py, the drawings from charts.py; the pages are
dashboard_views.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from flask import url_for
from sqlalchemy import func
from sqlalchemy.orm import aliased
from werkzeug.routing import BuildError

from sharing.agreements.models import AgreementStatus
from sharing.agreements.queries import SORTS as AGREEMENT_SORTS
from sharing.agreements.queries import AgreementFilters, agreements_query
from sharing.attestations.models import AttestationStatus
from sharing.attestations.queries import RequestFilters, requests_query
from sharing.auth.models import User
from sharing.core.pagination import parse_sort
from sharing.core.roles import Role
from sharing.disclosures.models import IncidentStatus
from sharing.disclosures.queries import SORTS as INCIDENT_SORTS
from sharing.disclosures.queries import IncidentFilters, incidents_query
from sharing.flows.models import DataFlow, FlowStatus
from sharing.flows.queries import SORTS as FLOW_SORTS
from sharing.flows.queries import FlowFilters, flows_query
from sharing.reports import dashboard
from sharing.reports.import_jobs import jobs_query
from sharing.reports.models import ImportJob, ImportStatus
from sharing.reports.waiting import Item, Source, Waiting, day_of, gather

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


def _url(endpoint: str, **values: Any) -> str | None:
    """The list's URL, or None while the page that would show it is not installed."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def privacy_tiles(board: Any) -> list[Tile]:
    """The privacy office's counts, each linking to its filtered list."""
    tiles = [
        Tile(
            "awaiting-review",
            "Flows awaiting review",
            board.awaiting_review,
            _url("flows.flows", status="submitted", sort="submitted"),
        ),
        *(
            Tile(
                f"expiring-{days}",
                f"Agreements expiring within {days} days",
                count,
                _url("agreements.agreements", expiring=days),
            )
            for days, count in board.expiring.items()
        ),
        Tile(
            "past-cancel-by",
            "Agreements past their cancel-by date",
            board.past_cancel_by,
            _url("agreements.agreements", past_cancel_by=1),
            urgent=True,
        ),
        Tile(
            "overdue-attestations",
            "Overdue attestations",
            board.overdue_attestations,
            _url("attestations.requests", status="overdue"),
            urgent=True,
        ),
        Tile(
            "returned-attestations",
            "Attestations returned for re-answer",
            board.returned_attestations,
            _url("attestations.requests", status="returned"),
        ),
        Tile(
            "submitted-attestations",
            "Attestations awaiting review",
            board.submitted_attestations,
            _url("attestations.requests", status="submitted"),
        ),
        Tile(
            "expiring-evidence",
            "Evidence expiring within 30 days",
            board.expiring_evidence,
            _url("attestations.evidence", expiring=1),
        ),
        Tile(
            "new-incidents",
            "New incidents, not yet picked up",
            board.new_incidents,
            _url("disclosures.incidents", status="reported"),
            urgent=True,
        ),
        Tile(
            "overdue-incidents",
            "Open incidents past their notice deadline",
            board.overdue_incidents,
            _url("disclosures.incidents", overdue=1),
            urgent=True,
        ),
    ]
    return tiles


# -- waiting for you, waiting for others ---------------------------------------------------


def _flow_sources(user: Any, *specs: tuple[str, str, str, str, str]) -> list[Source]:
    """Flow lists: (key, status, sort, what, label), each the flow list's own query."""
    sources = []
    mine = user.role == Role.PROCUREMENT
    for key, status, sort, what, label in specs:
        filters = FlowFilters(status=status, mine=mine, sort=parse_sort(sort, FLOW_SORTS, sort))
        stmt = flows_query(filters, actor=user)
        holder = Role.PRIVACY.label if mine else ""
        if status == FlowStatus.CHANGES_REQUESTED and not mine:
            # Returned work is with the person who submitted (or created) the flow.
            person = aliased(User)
            who = func.coalesce(DataFlow.submitted_by_id, DataFlow.created_by_id)
            stmt = stmt.outerjoin(person, person.id == who).add_columns(person.name)
        arrived = DataFlow.submitted_at if sort == "submitted" else DataFlow.updated_at
        sources.append(
            Source(
                key,
                label,
                stmt,
                partial(_flow_item, key, what, arrived.key, holder),
                _url("flows.flows", **filters.as_args()),
            )
        )
    return sources


def _flow_item(key: str, what: str, arrived: str, holder: str, row: Any) -> Item:
    flow = row[0]
    if len(row) > 1:
        holder = row[1] or "the department"
    return Item(
        key,
        what,
        flow.system_name,
        url_for("flows.flow", flow_id=flow.id),
        arrived=day_of(getattr(flow, arrived)),
        detail=f"{flow.organisation.display_name} · {flow.department.name}",
        holder=holder,
    )


def _agreement_source(user: Any, key: str, status: str, what: str, label: str, *, today: date):
    filters = AgreementFilters(status=status, sort=parse_sort("updated", AGREEMENT_SORTS, ""))
    vendor = status == AgreementStatus.SENT_FOR_SIGNATURE

    def item(row: Any) -> Item:
        a = row[0]
        return Item(
            key,
            what,
            f"{a.number} {a.title}".strip(),
            url_for("agreements.agreement", agreement_id=a.id),
            arrived=day_of(a.sent_for_signature_at if vendor else a.signed_uploaded_at)
            or day_of(a.updated_at),
            due=None if vendor else a.effective_date,
            detail=a.organisation.display_name,
            holder=a.organisation.display_name if vendor else "",
        )

    stmt = agreements_query(filters, today=today)
    return Source(key, label, stmt, item, _url("agreements.agreements", status=status))


def _request_source(user: Any, key: str, status: str, what: str, label: str, *, today: date):
    waiting = status == "open"
    filters = RequestFilters(status="" if waiting else status, waiting=waiting)

    def item(row: Any) -> Item:
        r = row[0]
        returned = r.status == AttestationStatus.RETURNED
        arrived = r.submitted_at if not waiting else (r.reviewed_at if returned else r.created_at)
        return Item(
            key,
            ("Returned to the organization" if returned else what) if waiting else what,
            f"{r.agreement.number} · {r.organisation.display_name}",
            url_for("attestations.request", request_id=r.id),
            arrived=day_of(arrived),
            due=r.due_date if waiting else None,
            holder=r.organisation.display_name if waiting else "",
        )

    stmt = requests_query(filters, actor=user, today=today)
    return Source(key, label, stmt, item, _url("attestations.requests", status=status))


def _new_incidents(*, now: datetime) -> Source:
    status = IncidentStatus.REPORTED.value
    filters = IncidentFilters(status=status, sort=parse_sort("deadline", INCIDENT_SORTS, ""))

    def item(row: Any) -> Item:
        i = row[0]
        return Item(
            "new-incidents",
            "New incident",
            f"{i.reference} {i.title}",
            url_for("disclosures.incident", incident_id=i.id),
            arrived=day_of(i.reported_at),
            due=day_of(i.notice_deadline),
            detail=f"{i.organisation.display_name} · notice deadline",
        )

    stmt = incidents_query(filters, now=now)
    url = _url("disclosures.incidents", status=status, sort="deadline")
    return Source("new-incidents", "new incidents", stmt, item, url)


def _ready_imports(user: Any) -> Source:
    def item(row: Any) -> Item:
        job = row[0]
        return Item(
            "imports",
            "Import ready to confirm",
            job.filename,
            url_for("reports.import_job", job_id=job.id),
            arrived=day_of(job.updated_at),
            due=day_of(job.expires_at),
            detail="Nothing is saved until you confirm it",
        )

    stmt = jobs_query(user).where(ImportJob.status == ImportStatus.READY)
    return Source("imports", "imports ready to confirm", stmt, item, _url("reports.imports"))


def waiting_lists(user: Any, *, today: date, now: datetime) -> tuple[Waiting, Waiting]:
    """What waits for this staff member, and what they handed on that waits for others."""
    if user.role == Role.PROCUREMENT:
        return gather(
            [
                *_flow_sources(
                    user,
                    (
                        "returned",
                        "changes_requested",
                        "updated",
                        "Returned for changes",
                        "returned flows",
                    ),
                    ("drafts", "draft", "updated", "Draft to finish and submit", "drafts"),
                ),
                _ready_imports(user),
            ]
        ), gather(
            _flow_sources(
                user,
                ("submitted", "submitted", "submitted", "Awaiting review", "submitted flows"),
                ("in-review", "in_review", "updated", "In review", "flows in review"),
            )
        )
    return gather(
        [
            *_flow_sources(
                user,
                (
                    "awaiting-review",
                    "submitted",
                    "submitted",
                    "Flow to review",
                    "flows awaiting review",
                ),
                ("in-review", "in_review", "updated", "Flow in review", "flows in review"),
            ),
            _request_source(
                user,
                "attestations",
                "submitted",
                "Attestation to review",
                "attestations awaiting review",
                today=today,
            ),
            _new_incidents(now=now),
            _agreement_source(
                user,
                "countersign",
                "executed",
                "Signed: countersign and activate",
                "signed agreements",
                today=today,
            ),
        ]
    ), gather(
        [
            *_flow_sources(
                user,
                (
                    "returned",
                    "changes_requested",
                    "updated",
                    "Returned for changes",
                    "returned flows",
                ),
            ),
            _request_source(
                user,
                "requested",
                "open",
                "Attestation requested",
                "attestations waiting for answers",
                today=today,
            ),
            _agreement_source(
                user,
                "to-sign",
                "sent_for_signature",
                "Sent for signature",
                "agreements out for signature",
                today=today,
            ),
        ]
    )
