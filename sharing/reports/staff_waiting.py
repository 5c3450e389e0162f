"""The staff home pages' waiting lists (sharing/reports/waiting.py): for procurement, the flows
returned to them, their drafts and imports to confirm, and the flows with the privacy office;
for the privacy office (and admins), what it must review, pick up or activate, and what it
handed to procurement and to vendors. Each list is the list page's own query."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from functools import partial
from typing import Any, NamedTuple

from flask import url_for
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.agreements.queries import SORTS as AGREEMENT_SORTS
from sharing.agreements.queries import AgreementFilters, agreements_query
from sharing.algorithms import queries as algorithm_queries
from sharing.algorithms.fact_sheet_queries import SheetFilters, sheets_query
from sharing.algorithms.models import FactSheetStatus
from sharing.attestations.models import AttestationStatus
from sharing.attestations.queries import RequestFilters, requests_query
from sharing.auth.models import User
from sharing.concerns.models import Concern
from sharing.concerns.queries import waiting_query
from sharing.core.pagination import parse_sort
from sharing.core.roles import Role
from sharing.disclosures.models import IncidentStatus
from sharing.disclosures.queries import SORTS as INCIDENT_SORTS
from sharing.disclosures.queries import IncidentFilters, incidents_query
from sharing.disposition import queries as disposition_queries
from sharing.flows.models import DataFlow, FlowStatus
from sharing.flows.queries import SORTS as FLOW_SORTS
from sharing.flows.queries import FlowFilters, flows_query
from sharing.negotiation.models import Decision, Deviation, ReturnedCopy, ReturnStatus
from sharing.reports.import_jobs import jobs_query
from sharing.reports.models import ImportJob, ImportStatus
from sharing.reports.waiting import OFFICE, Item, Source, Waiting, day_of, gather, list_url
from sharing.signing.models import Party, Signature, SignatureStatus


class FlowList(NamedTuple):
    """One flow list on a home page: its key, the list's status filter and sort (the oldest
    first), what an item says it is, and the plural for "see all"."""

    key: str
    status: str
    sort: str
    what: str
    label: str


RETURNED = FlowList(
    "returned", "changes_requested", "updated", "Returned for changes", "returned flows"
)
DRAFTS = FlowList("drafts", "draft", "updated", "Draft to finish and submit", "drafts")
SENT_FOR_REVIEW = FlowList(
    "submitted", "submitted", "submitted", "Awaiting review", "submitted flows"
)
BEING_REVIEWED = FlowList("in-review", "in_review", "updated", "In review", "flows in review")
TO_REVIEW = FlowList(
    "awaiting-review", "submitted", "submitted", "Flow to review", "flows awaiting review"
)
IN_REVIEW = FlowList("in-review", "in_review", "updated", "Flow in review", "flows in review")


def _flow_sources(user: Any, *specs: FlowList) -> list[Source]:
    """Flow lists, each the flow list's own query; procurement's are its own (`mine`)."""
    sources = []
    mine = user.role == Role.PROCUREMENT
    for key, status, sort, what, label in specs:
        filters = FlowFilters(status=status, mine=mine, sort=parse_sort(sort, FLOW_SORTS, sort))
        stmt = flows_query(filters, actor=user)
        holder = OFFICE if mine else ""
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
                list_url("flows.flows", **filters.as_args()),
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


def _agreement_source(key: str, status: str, what: str, label: str, *, today: date):
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
            due_label="Activate by",
            detail=a.organisation.display_name,
            holder=a.organisation.display_name if vendor else "",
        )

    stmt = agreements_query(filters, today=today)
    if vendor:
        stmt = _with_vendor_signer(stmt)

        def item_with_signer(row: Any) -> Item:
            found = item(row)
            if row[1]:
                found = replace(found, holder=f"{row[1]} ({row[0].organisation.display_name})")
            return found

        return Source(
            key, label, stmt, item_with_signer, list_url("agreements.agreements", status=status)
        )
    return Source(key, label, stmt, item, list_url("agreements.agreements", status=status))


def _vendor_signature(row: Any, *statuses: SignatureStatus):
    return and_(
        row.agreement_id == Agreement.id,
        row.party == Party.VENDOR,
        row.status.in_(statuses),
    )


def _with_vendor_signer(stmt):
    """Agreements out for signature that wait for the vendor, with the name of the person who
    must sign (none for one sent before signing in the portal); those the vendor signed wait
    for the City instead (_countersign_source)."""
    pending, signed = aliased(Signature), aliased(Signature)
    given = select(signed.id).where(_vendor_signature(signed, SignatureStatus.SIGNED))
    return (
        stmt.outerjoin(pending, _vendor_signature(pending, SignatureStatus.PENDING))
        .where(~given.exists())
        .add_columns(pending.signer_name)
    )


def _countersign_source() -> Source:
    """Agreements the vendor signed, for an office user who may countersign."""
    stmt = (
        select(Signature)
        .join(Agreement, Agreement.id == Signature.agreement_id)
        .where(
            Agreement.status == AgreementStatus.SENT_FOR_SIGNATURE,
            Signature.party == Party.VENDOR,
            Signature.status == SignatureStatus.SIGNED,
        )
        .options(selectinload(Signature.agreement).selectinload(Agreement.organisation))
        .order_by(Signature.signed_at, Signature.id)
    )

    def item(row: Any) -> Item:
        s = row[0]
        return Item(
            "city-signature",
            "Signed by the vendor: countersign",
            f"{s.agreement.number} {s.agreement.title}".strip(),
            url_for("signing.countersign", agreement_id=s.agreement_id),
            arrived=day_of(s.signed_at),
            detail=f"{s.agreement.organisation.display_name} · signed by {s.typed_name}",
        )

    url = list_url("agreements.agreements", status="sent_for_signature")
    return Source("city-signature", "agreements to countersign", stmt, item, url)


def _request_source(user: Any, key: str, status: str, what: str, label: str, *, today: date):
    waiting = status == "open"
    filters = RequestFilters(status="" if waiting else status, waiting=waiting)

    def item(row: Any) -> Item:
        r = row[0]
        returned = r.status == AttestationStatus.RETURNED
        arrived = r.submitted_at if not waiting else (r.reviewed_at if returned else r.created_at)
        return Item(
            key,
            ("Returned for re-answer" if returned else what) if waiting else what,
            f"{r.agreement.number} {r.agreement.title}".strip(),
            url_for("attestations.request", request_id=r.id),
            arrived=day_of(arrived),
            due=r.due_date if waiting else None,
            detail="" if waiting else r.organisation.display_name,
            holder=r.organisation.display_name if waiting else "",
        )

    stmt = requests_query(filters, actor=user, today=today)
    return Source(key, label, stmt, item, list_url("attestations.requests", status=status))


def _fact_sheets_to_review(user: Any, *, today: date) -> Source:
    """AI fact sheets the vendors signed, for the office to accept or return."""
    status = FactSheetStatus.SUBMITTED.value

    def item(row: Any) -> Item:
        sheet = row[0]
        return Item(
            "fact-sheets",
            "AI fact sheet to review",
            f"{sheet.algorithm.name}, edition {sheet.edition}",
            url_for("algorithms.fact_sheet", sheet_id=sheet.id),
            arrived=day_of(sheet.submitted_at),
            detail=sheet.organisation.display_name,
        )

    stmt = sheets_query(SheetFilters(status=status), actor=user, today=today)
    url = list_url("algorithms.fact_sheets", status=status)
    return Source("fact-sheets", "AI fact sheets awaiting review", stmt, item, url)


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
            due_label="Notice due",
            detail=i.organisation.display_name,
        )

    stmt = incidents_query(filters, now=now)
    url = list_url("disclosures.incidents", status=status, sort="deadline")
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
            due_label="Preview expires",
            detail="Nothing is saved until you confirm it",
        )

    stmt = jobs_query(user).where(ImportJob.status == ImportStatus.READY)
    return Source("imports", "imports ready to confirm", stmt, item, list_url("reports.imports"))


def _returned_copies_source() -> Source:
    """Copies a vendor returned with changes that the office has not yet carried into a new
    document, oldest first, each with how many of its changes wait for a decision."""
    undecided = (
        select(func.count())
        .where(
            Deviation.returned_copy_id == ReturnedCopy.id, Deviation.decision == Decision.UNDECIDED
        )
        .correlate(ReturnedCopy)
        .scalar_subquery()
    )
    stmt = (
        select(ReturnedCopy, undecided)
        .where(ReturnedCopy.status == ReturnStatus.OPEN)
        .options(joinedload(ReturnedCopy.agreement).joinedload(Agreement.organisation))
        .order_by(ReturnedCopy.uploaded_at, ReturnedCopy.id)
    )

    def item(row: Any) -> Item:
        copy, waiting = row[0], row[1]
        agreement = copy.agreement
        decide = f"{waiting} to decide" if waiting else "all decided: regenerate"
        return Item(
            "returned-copies",
            "Returned with changes",
            f"{agreement.number} {agreement.title}".strip(),
            url_for("negotiation.review", copy_id=copy.id),
            arrived=day_of(copy.uploaded_at),
            detail=f"{agreement.organisation.display_name} · {decide}",
        )

    return Source("returned-copies", "returned copies", stmt, item, None)


def _algorithm_source(key: str, what: str, label: str, stmt: Any, status: str) -> Source:
    """Algorithm records waiting: submitted ones for the office, returned ones for the person
    who drafted or submitted them (algorithms/queries.py)."""

    def item(row: Any) -> Item:
        algorithm = row[0]
        return Item(
            key,
            what,
            algorithm.name,
            url_for("algorithms.algorithm", algorithm_id=algorithm.id),
            arrived=day_of(algorithm.submitted_at or algorithm.updated_at),
            detail=algorithm.organisation.display_name,
        )

    return Source(key, label, stmt, item, list_url("algorithms.algorithms", status=status))


def _certificates_source() -> Source:
    """Certificates of disposition the vendors signed, waiting for the office's review."""

    def item(row: Any) -> Item:
        d = row[0]
        return Item(
            "certificates",
            "Certificate of disposition to review",
            f"{d.number} ({d.agreement.number})",
            url_for("disposition.directive", directive_id=d.id),
            arrived=day_of(d.submitted_at),
            detail=d.organisation.display_name,
        )

    url = list_url("disposition.directives", status="submitted")
    stmt = disposition_queries.submitted_query()
    return Source("certificates", "certificates of disposition to review", stmt, item, url)


def _concern_item(row: Any) -> Item:
    concern: Concern = row[0]
    new = concern.assignee_id is None
    return Item(
        "concerns",
        "New concern from the public" if new else "Concern to answer",
        f"{concern.reference} · {concern.kind.label}",
        url_for("concerns.case", concern_id=concern.id),
        arrived=day_of(concern.received_at),
        due=concern.due_on,
        due_label="Answer due",
    )


def _concern_source(user: Any) -> Source:
    """New concerns nobody has picked up, for every office user, and the user's own open
    cases, in one statement; the earliest deadline (so the overdue) first."""
    url = list_url("concerns.cases", sort="deadline")
    return Source(
        "concerns", "concerns to pick up or answer", waiting_query(user.id), _concern_item, url
    )


def waiting_lists(user: Any, *, today: date, now: datetime) -> tuple[Waiting, Waiting]:
    """What waits for this staff member, and what they handed on that waits for others."""
    if user.role == Role.PROCUREMENT:
        return (
            gather(
                [
                    *_flow_sources(user, RETURNED, DRAFTS),
                    _algorithm_source(
                        "algorithms-returned",
                        "Algorithm record returned for changes",
                        "returned algorithm records",
                        algorithm_queries.returned_to(user),
                        "changes_requested",
                    ),
                    _ready_imports(user),
                ]
            ),
            gather(_flow_sources(user, SENT_FOR_REVIEW, BEING_REVIEWED)),
        )
    return _office_lists(user, today=today, now=now)


def _office_lists(user: Any, *, today: date, now: datetime) -> tuple[Waiting, Waiting]:
    for_you = [
        *_flow_sources(user, TO_REVIEW, IN_REVIEW),
        _algorithm_source(
            "algorithms-to-review",
            "Algorithm record to review",
            "algorithm records awaiting review",
            algorithm_queries.awaiting_review(),
            "submitted",
        ),
        _request_source(
            user,
            "attestations",
            "submitted",
            "Attestation to review",
            "attestations awaiting review",
            today=today,
        ),
        _fact_sheets_to_review(user, today=today),
        _new_incidents(now=now),
        _concern_source(user),
        _returned_copies_source(),
        _certificates_source(),
        *([_countersign_source()] if getattr(user, "may_sign", False) else []),
        _agreement_source(
            "countersign",
            "executed",
            "Signed: countersign and activate",
            "signed agreements",
            today=today,
        ),
    ]
    for_others = [
        *_flow_sources(user, RETURNED),
        _request_source(
            user,
            "requested",
            "open",
            "Attestation requested",
            "attestations waiting for answers",
            today=today,
        ),
        _agreement_source(
            "to-sign",
            "sent_for_signature",
            "Sent for signature",
            "agreements out for signature",
            today=today,
        ),
    ]
    return gather(for_you), gather(for_others)
