"""The accountability report's sheets, one reading function each, each a fixed number of
statements whatever the row count (joins, selectinload, one pass over plain rows).

Instants (incidents reported, attestations submitted, flows approved) are shown and counted by
the city's calendar date.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.attestations.answers import current_answers
from sharing.attestations.models import AnswerReview, AnswerValue, AttestationRequest, EvidenceFile
from sharing.core.clock import city_timezone
from sharing.disclosures.models import Disclosure, Incident, IncidentStatus
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowCategory, FlowStatus
from sharing.renewals.dates import city_date, quarter
from sharing.reports.flow_columns import FLOW_COLUMNS
from sharing.vendors.models import Organisation

SIGNED = {
    AgreementStatus.EXECUTED,
    AgreementStatus.ACTIVE,
    AgreementStatus.EXPIRING,
    AgreementStatus.EXPIRED,
    AgreementStatus.RENEWED,
    AgreementStatus.TERMINATED,
}
IN_FORCE_LINEAGE = (FlowStatus.APPROVED, FlowStatus.RETIRED)
FLOW_FIELDS = {column.field: column for column in FLOW_COLUMNS}
# Written as the list export writes them (joined names, labels).
EXPORTED = ("categories", "risk_tier", "transfer_method", "subprocessors", "status")
FLOW_HEADERS = (
    "Organization",
    "Department",
    "System name",
    "Purposes",
    "Data subjects",
    "Data categories",
    "Highest sensitivity",
    "Risk tier",
    "Transfer method",
    "Storage location",
    "Storage country",
    "Retention (days)",
    "Subprocessors",
    "Flow status",
    "Approved on",
    "Sharing started on",
)
AGREEMENT_HEADERS = (
    "Number",
    "Title",
    "Organization",
    "Department",
    "Status",
    "Effective date",
    "Expiry date",
    "Cancel-by date",
    "Auto-renew",
    "Signed on",
    "Terminated on",
    "In force at year end",
)
ATTESTATION_HEADERS = (
    "Agreement",
    "Organization",
    "Due date",
    "Status",
    "Round",
    "Submitted on",
    "Reviewed on",
    "Answers accepted",
    "Answers returned",
    "Answered not applicable",
    "Overdue",
)
QUARTER_HEADERS = (
    "Quarter",
    "Disclosures",
    "Records disclosed",
    "Flagged disclosures",
    "Incidents reported",
    "Incidents with late notice",
    "Individuals affected",
)


class Year:
    """A calendar year in the city: its first and last days, and the UTC instants around it."""

    def __init__(self, year: int) -> None:
        self.start, self.end = date(year, 1, 1), date(year, 12, 31)
        zone = city_timezone()
        self.from_utc = datetime(year, 1, 1, tzinfo=zone).astimezone(UTC)
        self.until_utc = datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC)


# -- Flows -------------------------------------------------------------------------------


def flow_rows(span: Year) -> list[tuple[list, DataFlow]]:
    """Each lineage's current revision at year end: its latest approved (or retired) revision,
    or its latest revision when none was ever approved. Revisions made later are left out."""
    lineage = func.coalesce(DataFlow.lineage_id, DataFlow.id)
    preferred = case((DataFlow.status.in_(IN_FORCE_LINEAGE), 0), else_=1)
    rank = func.row_number().over(
        partition_by=lineage, order_by=(preferred, DataFlow.revision.desc())
    )
    ranked = (
        select(DataFlow.id, rank.label("rank"))
        .where(DataFlow.created_at < span.until_utc)
        .subquery()
    )
    stmt = (
        select(DataFlow)
        .join(ranked, ranked.c.id == DataFlow.id)
        .join(DataFlow.organisation)
        .where(ranked.c.rank == 1)
        .options(
            contains_eager(DataFlow.organisation),
            selectinload(DataFlow.department),
            selectinload(DataFlow.categories).selectinload(FlowCategory.category),
        )
        .order_by(
            func.lower(Organisation.legal_name), func.lower(DataFlow.system_name), DataFlow.id
        )
    )
    flows = db.session.scalars(stmt).all()
    return [(_flow_row(flow), flow) for flow in flows]


def _flow_row(flow: DataFlow) -> list:
    sensitivities = [link.category.sensitivity for link in flow.categories]
    highest = max(sensitivities, key=lambda s: s.rank) if sensitivities else None
    value = {name: FLOW_FIELDS[name].value_of(flow) for name in EXPORTED}
    return [
        flow.organisation.legal_name,
        flow.department.name,
        flow.system_name,
        flow.purposes,
        flow.data_subjects,
        value["categories"],
        highest.label if highest else None,
        value["risk_tier"],
        value["transfer_method"],
        flow.storage_location,
        flow.storage_country,
        flow.retention_days,
        value["subprocessors"],
        value["status"],
        city_date(flow.approved_at) if flow.approved_at else None,
        flow.started_on,
    ]


# -- Agreements --------------------------------------------------------------------------


def agreement_rows(span: Year) -> list[tuple[list, Agreement]]:
    """Agreements in effect at some time in the year, signed or terminated in it, or drafted
    in it without dates yet."""
    a = Agreement
    stmt = (
        select(a)
        .where(
            or_(
                and_(
                    a.effective_date <= span.end,
                    or_(a.expiry_date.is_(None), a.expiry_date >= span.start),
                ),
                a.signed_on.between(span.start, span.end),
                a.terminated_on.between(span.start, span.end),
                and_(
                    a.effective_date.is_(None),
                    a.created_at >= span.from_utc,
                    a.created_at < span.until_utc,
                ),
            )
        )
        .options(selectinload(a.organisation), selectinload(a.department))
        .order_by(a.number)
    )
    return [(_agreement_row(agreement, span), agreement) for agreement in db.session.scalars(stmt)]


def in_force(agreement: Agreement, *, on: date) -> bool:
    """Signed, effective, not yet expired and not terminated on `on`."""
    return (
        agreement.status in SIGNED
        and agreement.effective_date is not None
        and agreement.effective_date <= on
        and (agreement.expiry_date is None or agreement.expiry_date >= on)
        and (agreement.terminated_on is None or agreement.terminated_on > on)
    )


def _agreement_row(agreement: Agreement, span: Year) -> list:
    return [
        agreement.number,
        agreement.title,
        agreement.organisation.legal_name,
        agreement.department.name if agreement.department else None,
        agreement.status.label,
        agreement.effective_date,
        agreement.expiry_date,
        agreement.cancel_by,
        agreement.auto_renew,
        agreement.signed_on,
        agreement.terminated_on,
        in_force(agreement, on=span.end),
    ]


# -- Attestations ------------------------------------------------------------------------


def attestation_rows(span: Year, today: date) -> list[list]:
    stmt = (
        select(AttestationRequest)
        .where(AttestationRequest.due_date.between(span.start, span.end))
        .options(
            selectinload(AttestationRequest.answers),
            selectinload(AttestationRequest.agreement),
            selectinload(AttestationRequest.organisation),
        )
        .order_by(AttestationRequest.due_date, AttestationRequest.id)
    )
    rows = []
    for request in db.session.scalars(stmt):
        answers = current_answers(request).values()
        rows.append(
            [
                request.agreement.number,
                request.organisation.legal_name,
                request.due_date,
                request.status.label,
                request.round,
                city_date(request.submitted_at) if request.submitted_at else None,
                city_date(request.reviewed_at) if request.reviewed_at else None,
                sum(1 for a in answers if a.review == AnswerReview.ACCEPTED),
                sum(1 for a in answers if a.review == AnswerReview.RETURNED),
                sum(1 for a in answers if a.answer == AnswerValue.NOT_APPLICABLE),
                request.is_overdue(on=today),
            ]
        )
    return rows


# -- Disclosures and incidents -----------------------------------------------------------


def notice_was_late(incident, *, today: date) -> bool:
    """The first notice (to individuals or authorities) came after the deadline's city date;
    or none has come, the deadline has passed and the incident is still open."""
    if incident.notice_deadline is None:
        return False
    due = city_date(incident.notice_deadline)
    given = [d for d in (incident.individuals_notified_on, incident.authorities_notified_on) if d]
    if given:
        return min(given) > due
    return incident.status != IncidentStatus.CLOSED and today > due


def quarter_rows(span: Year, today: date) -> tuple[list[list], Counter]:
    """Q1..Q4 rows, and the year's totals under the same names."""
    labels = [f"{span.start.year}-Q{n}" for n in range(1, 5)]
    counts = {label: Counter() for label in labels}
    disclosures = db.session.execute(
        select(Disclosure.disclosed_on, Disclosure.record_count, Disclosure.flagged).where(
            Disclosure.disclosed_on.between(span.start, span.end)
        )
    )
    for disclosed_on, records, flagged in disclosures:
        counts[quarter(disclosed_on)].update(
            disclosures=1, records=records or 0, flagged=int(bool(flagged))
        )
    incidents = db.session.execute(
        select(
            Incident.reported_at,
            Incident.notice_deadline,
            Incident.individuals_notified_on,
            Incident.authorities_notified_on,
            Incident.status,
            Incident.affected_individuals,
        ).where(Incident.reported_at >= span.from_utc, Incident.reported_at < span.until_utc)
    )
    for incident in incidents:
        counts[quarter(city_date(incident.reported_at))].update(
            incidents=1,
            late=int(notice_was_late(incident, today=today)),
            affected=incident.affected_individuals or 0,
        )
    keys = ("disclosures", "records", "flagged", "incidents", "late", "affected")
    rows = [[label, *(counts[label][key] for key in keys)] for label in labels]
    return rows, sum(counts.values(), Counter())


# -- Evidence and summary ----------------------------------------------------------------


def evidence_counts(span: Year) -> tuple[int, int]:
    """Files uploaded by year end that were valid on 31 December, and those whose last valid
    day fell earlier in the year: one statement."""
    e = EvidenceFile
    current = or_(e.valid_until.is_(None), e.valid_until >= span.end)
    lapsed = and_(e.valid_until >= span.start, e.valid_until < span.end)
    row = db.session.execute(
        select(
            func.coalesce(func.sum(case((current, 1), else_=0)), 0),
            func.coalesce(func.sum(case((lapsed, 1), else_=0)), 0),
        ).where(e.uploaded_at < span.until_utc)
    ).one()
    return int(row[0]), int(row[1])


# -- Years -------------------------------------------------------------------------------

FIRST_YEAR = 2000


def report_years(*, today: date) -> list[int]:
    """From the first year with any flow, agreement, attestation, disclosure or incident to
    the current year, newest first: one statement."""
    earliest = [
        select(func.min(DataFlow.created_at)).scalar_subquery(),
        select(func.min(Agreement.effective_date)).scalar_subquery(),
        select(func.min(AttestationRequest.due_date)).scalar_subquery(),
        select(func.min(Disclosure.disclosed_on)).scalar_subquery(),
        select(func.min(Incident.reported_at)).scalar_subquery(),
    ]
    found = [value for value in db.session.execute(select(*earliest)).one() if value is not None]
    years = [
        city_date(value).year if isinstance(value, datetime) else value.year for value in found
    ]
    first = max(FIRST_YEAR, min([*years, today.year]))
    return list(range(today.year, first - 1, -1))
