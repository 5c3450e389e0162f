"""What the role dashboards count, each in a fixed number of SQL statements whatever the data
size: counts are scalar subqueries of one SELECT, breakdowns are one GROUP BY each, and the
short lists have a LIMIT. Each count uses the same clause as the filtered list it links to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.agreements.queries import expiring_clause, past_cancel_by_clause
from sharing.algorithms.clauses import bias_test_stale_clause
from sharing.algorithms.models import Algorithm
from sharing.attestations.evidence import expiring_soon_clause
from sharing.attestations.models import AttestationStatus, EvidenceFile
from sharing.attestations.queries import overdue_clause
from sharing.auth.models import Department
from sharing.concerns.models import Concern
from sharing.concerns.queries import overdue_clause as concern_overdue_clause
from sharing.disclosures.models import Incident, IncidentStatus
from sharing.disclosures.queries import overdue_clause as incident_overdue_clause
from sharing.disposition.models import DirectiveStatus, DispositionDirective, DispositionTrigger
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowStatus, RiskTier
from sharing.flows.queries import mine_clause
from sharing.renewals.dates import quarter, quarter_bounds
from sharing.reports import tallies
from sharing.reports.models import StatusTally
from sharing.vendors.models import Organisation

EXPIRY_WINDOWS = (30, 60, 90)
LIST_LIMIT = 10
QUARTERS = 4  # the current quarter and the three before it
S = AttestationStatus
COMPLETION = (
    ("accepted", "Accepted"),
    ("submitted", "Submitted, awaiting review"),
    ("open", "Open, not yet due"),
    ("overdue", "Overdue"),
)


def _count(model: Any, *where: ColumnElement[bool]):
    return select(func.count()).select_from(model).where(*where).scalar_subquery()


# -- privacy office (and admin) ------------------------------------------------------------


@dataclass(frozen=True)
class PrivacyDashboard:
    awaiting_review: int
    expiring: dict[int, int]  # days -> agreements
    past_cancel_by: int
    overdue_attestations: int
    returned_attestations: int
    submitted_attestations: int
    expiring_evidence: int
    new_incidents: int
    overdue_incidents: int
    untested_algorithms: int
    overdue_concerns: int
    undisposed: int = 0
    undisposed_list: list[Any] = field(default_factory=list)
    charts: dict[str, Any] = field(default_factory=dict)


def privacy_counts(*, today: date, now: datetime) -> dict[str, int]:
    """Every count on the privacy dashboard, in one statement. Counts over every flow or
    request come from the running tallies (sharing/reports/tallies.py), with the same rule as
    the list each links to; counts within a window of days read the rows' indexes."""
    t = StatusTally
    columns = [
        tallies.total("flow", t.status == FlowStatus.SUBMITTED).label("awaiting_review"),
        *(
            _count(Agreement, expiring_clause(today, days)).label(f"expiring_{days}")
            for days in EXPIRY_WINDOWS
        ),
        _count(Agreement, past_cancel_by_clause(today)).label("past_cancel_by"),
        tallies.total("attestation", overdue_clause(today, status=t.status, due=t.day)).label(
            "overdue_attestations"
        ),
        tallies.total("attestation", t.status == S.RETURNED).label("returned_attestations"),
        tallies.total("attestation", t.status == S.SUBMITTED).label("submitted_attestations"),
        _count(EvidenceFile, expiring_soon_clause(today)).label("expiring_evidence"),
        _count(Incident, Incident.status == IncidentStatus.REPORTED).label("new_incidents"),
        _count(Incident, incident_overdue_clause(now)).label("overdue_incidents"),
        _count(Algorithm, bias_test_stale_clause(today)).label("untested_algorithms"),
        _count(Concern, concern_overdue_clause(today)).label("overdue_concerns"),
        select(func.count())
        .select_from(_undisposed_from())
        .where(undisposed_clause())
        .scalar_subquery()
        .label("undisposed"),
    ]
    return dict(db.session.execute(select(*columns)).one()._mapping)


def privacy_dashboard(*, today: date, now: datetime) -> PrivacyDashboard:
    counts = privacy_counts(today=today, now=now)
    return PrivacyDashboard(
        awaiting_review=counts["awaiting_review"],
        expiring={days: counts[f"expiring_{days}"] for days in EXPIRY_WINDOWS},
        past_cancel_by=counts["past_cancel_by"],
        overdue_attestations=counts["overdue_attestations"],
        returned_attestations=counts["returned_attestations"],
        submitted_attestations=counts["submitted_attestations"],
        expiring_evidence=counts["expiring_evidence"],
        new_incidents=counts["new_incidents"],
        overdue_incidents=counts["overdue_incidents"],
        untested_algorithms=counts["untested_algorithms"],
        overdue_concerns=counts["overdue_concerns"],
        undisposed=counts["undisposed"],
        undisposed_list=undisposed_agreements(),
        charts=chart_data(today=today),
    )


# -- ended agreements whose data are not yet proven disposed of --------------------------------

# An agreement signed and then ended without renewal: the City's data must be returned or
# destroyed, and a certificate of disposition accepted proves it.
ENDED = (AgreementStatus.EXPIRED, AgreementStatus.TERMINATED)


def _undisposed_from():
    """Agreements with the directive their ending issued, if any (one at most: its key)."""
    return Agreement.__table__.outerjoin(
        DispositionDirective.__table__,
        and_(
            DispositionDirective.agreement_id == Agreement.id,
            DispositionDirective.trigger == DispositionTrigger.AGREEMENT_ENDED,
        ),
    )


def undisposed_clause() -> ColumnElement[bool]:
    """Signed, ended (expired or terminated; an adoption too), and no accepted certificate:
    no directive yet, or one still waiting."""
    return and_(
        Agreement.status.in_(ENDED),
        Agreement.signed_on.is_not(None),
        or_(
            DispositionDirective.id.is_(None),
            DispositionDirective.status != DirectiveStatus.ACCEPTED,
        ),
    )


def undisposed_agreements(limit: int = LIST_LIMIT) -> list[Any]:
    """The oldest endings first, with the directive's due date and status when there is one."""
    ended_on = func.coalesce(Agreement.terminated_on, Agreement.expiry_date)
    stmt = (
        select(
            Agreement.id,
            Agreement.number,
            ended_on.label("ended_on"),
            func.coalesce(func.nullif(Organisation.common_name, ""), Organisation.legal_name).label(
                "vendor"
            ),
            DispositionDirective.id.label("directive_id"),
            DispositionDirective.number.label("directive_number"),
            DispositionDirective.due_on,
            DispositionDirective.status.label("directive_status"),
        )
        .select_from(_undisposed_from())
        .join(Organisation, Organisation.id == Agreement.organisation_id)
        .where(undisposed_clause())
        .order_by(ended_on.asc(), Agreement.id.asc())
        .limit(limit)
    )
    return list(db.session.execute(stmt))


# -- chart data: one GROUP BY each ---------------------------------------------------------


def agreements_by_status() -> list[tuple[AgreementStatus, int]]:
    """Every agreement status in lifecycle order, with how many agreements have it."""
    found = dict(tallies.grouped("agreement", StatusTally.status))
    return [(status, found.get(status.value, 0)) for status in AgreementStatus]


def flows_by_risk() -> list[tuple[RiskTier | None, int]]:
    """Flows in the register (not superseded revisions, as the flow list) by risk tier;
    None is "not assessed yet"."""
    t = StatusTally
    found = dict(tallies.grouped("flow", t.detail, where=[t.status != FlowStatus.SUPERSEDED]))
    return [(tier, found.get(tier.value if tier else "", 0)) for tier in (*RiskTier, None)]


def recent_quarters(today: date, count: int = QUARTERS) -> list[str]:
    """The labels of the `count` quarters ending with today's, oldest first."""
    labels, day = [], today
    for _ in range(count):
        label = quarter(day)
        labels.append(label)
        day = date.fromordinal(quarter_bounds(label)[0].toordinal() - 1)
    return labels[::-1]


def attestation_completion(*, today: date) -> list[tuple[str, dict[str, int]]]:
    """Per quarter of the due date: accepted, submitted (awaiting review), open and not yet
    due, and overdue (open past the due date) requests."""
    quarters = recent_quarters(today)
    start, end = quarter_bounds(quarters[0])[0], quarter_bounds(quarters[-1])[1]
    # The running tallies hold at most one row per status and due date: the quarters and
    # states are worked out here from at most a few rows per day of the year.
    t = StatusTally
    rows = tallies.grouped("attestation", t.day, t.status, where=[t.day.between(start, end)])
    table = {label: {key: 0 for key, _ in COMPLETION} for label in quarters}
    for due, status, n in rows:
        table[quarter(due)][_completion_state(S(status), due, today)] += n
    return list(table.items())


def _completion_state(status: AttestationStatus, due: date, today: date) -> str:
    if status == S.ACCEPTED:
        return "accepted"
    if status == S.SUBMITTED:
        return "submitted"
    return "overdue" if due < today else "open"


def chart_data(*, today: date) -> dict[str, Any]:
    return {
        "agreements": agreements_by_status(),
        "attestations": attestation_completion(today=today),
        "risk": flows_by_risk(),
    }


# -- procurement -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcurementDashboard:
    department: Department | None
    flows_by_status: list[tuple[FlowStatus, int]]
    awaiting_signature: int
    awaiting_signature_list: list[Any]
    returned: int
    returned_list: list[Any]


def procurement_dashboard(user: Any) -> ProcurementDashboard:
    """The user's department's flows by status and its agreements out for signature, and the
    flows the privacy office returned to the department or to the user, whichever department
    the user filed them for (the flow list's `mine` filter)."""
    returned = (DataFlow.status == FlowStatus.CHANGES_REQUESTED, mine_clause(user))
    returned_count, returned_list = found_count(DataFlow, returned), _returned(returned)
    department_id = user.department_id
    if department_id is None:
        return ProcurementDashboard(None, [], 0, [], returned_count, returned_list)
    stmt = (
        select(DataFlow.status, func.count())
        .where(DataFlow.department_id == department_id, DataFlow.status != FlowStatus.SUPERSEDED)
        .group_by(DataFlow.status)
    )
    found = dict(db.session.execute(stmt).all())
    shown = [s for s in FlowStatus if s != FlowStatus.SUPERSEDED]
    awaiting = (
        Agreement.department_id == department_id,
        Agreement.status == (AgreementStatus.SENT_FOR_SIGNATURE),
    )
    return ProcurementDashboard(
        department=user.department,
        flows_by_status=[(s, found.get(s, 0)) for s in shown],
        awaiting_signature=found_count(Agreement, awaiting),
        awaiting_signature_list=_awaiting_signature(awaiting),
        returned=returned_count,
        returned_list=returned_list,
    )


def found_count(model: Any, where: tuple) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _awaiting_signature(where: tuple) -> list[Any]:
    stmt = (
        select(
            Agreement.id,
            Agreement.number,
            Agreement.title,
            Agreement.sent_for_signature_at,
            Organisation.legal_name.label("organisation"),
        )
        .join(Organisation, Agreement.organisation_id == Organisation.id)
        .where(*where)
        .order_by(Agreement.sent_for_signature_at.asc(), Agreement.id.asc())
        .limit(LIST_LIMIT)
    )
    return list(db.session.execute(stmt))


def _returned(where: tuple) -> list[Any]:
    stmt = (
        select(
            DataFlow.id,
            DataFlow.system_name,
            DataFlow.updated_at,
            Organisation.legal_name.label("organisation"),
        )
        .join(Organisation, DataFlow.organisation_id == Organisation.id)
        .where(*where)
        .order_by(DataFlow.updated_at.asc(), DataFlow.id.asc())
        .limit(LIST_LIMIT)
    )
    return list(db.session.execute(stmt))
