"""The benchmark's data sizes: 1× is 50 organisations and the rest in proportion, 100× is
5,000 organisations, 20,000 flows, 10,000 agreements, 50,000 attestation requests,
200,000 disclosures and 200,000 audit events, plus answers, evidence, incidents,
reminders and flows published on the register.

`build(scale)` runs inside an app context on a migrated, empty database. Every row goes
in through Core `insert` in batches (bench/data.py), so 100× takes a minute or two on
SQLite. Every organisation gets the same number of rows, so a detail page shows as much
data at both sizes, and only the tables around it grow.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from bench.data import _insert, populate

ORGANISATIONS = 50
FLOWS_EACH = 4
AGREEMENTS_EACH = 2
REQUESTS_EACH = 10  # five per agreement
DISCLOSURES_EACH = 40
EVENTS_EACH = 40
INCIDENT_EVERY = 5  # one incident for every fifth organisation
QUESTIONS = ("SEC-1", "RET-1", "BRE-1")
BASE_DAY = date(2026, 1, 5)


def _owned(model) -> dict[int, list[int]]:
    from sharing.extensions import db

    rows = db.session.execute(select(model.organisation_id, model.id).order_by(model.id))
    owned: dict[int, list[int]] = defaultdict(list)
    for org_id, row_id in rows:
        owned[org_id].append(row_id)
    return owned


def _publish(flows: dict[int, list[int]], agreements: dict[int, list[int]]) -> dict[str, int]:
    """Link each flow to its organisation's first agreement; publish approved ones."""
    from sharing.agreements.models import agreement_flows
    from sharing.extensions import db
    from sharing.flows.models import DataFlow, FlowStatus
    from sharing.register.changelog import sync_listing
    from sharing.register.models import RegisterChange, RegisterChangeKind

    links = [
        {"agreement_id": agreements[org_id][0], "flow_id": flow_id}
        for org_id, flow_ids in flows.items()
        for flow_id in flow_ids
    ]
    _insert(agreement_flows, links)
    first = [flow_ids[0] for flow_ids in flows.values()]  # approved everywhere: detail pages
    for begin in range(0, len(first), 500):
        db.session.execute(
            update(DataFlow)
            .where(DataFlow.id.in_(first[begin : begin + 500]))
            .values(status=FlowStatus.APPROVED)
        )
    db.session.execute(
        update(DataFlow).where(DataFlow.status == FlowStatus.APPROVED).values(published=True)
    )
    published = db.session.scalars(
        select(DataFlow.id).where(DataFlow.published.is_(True), DataFlow.organisation_id % 2 == 1)
    ).all()
    _insert(
        RegisterChange,
        [
            {
                "flow_lineage_id": flow_id,
                "flow_id": flow_id,
                "kind": RegisterChangeKind.ADDED,
                "changed_on": BASE_DAY + timedelta(days=flow_id % 300),
                "summary": f"System {flow_id} added",
            }
            for flow_id in published
        ],
    )
    # Bulk writes bypass the lifecycle steps that keep the register's listing.
    listed, _ = sync_listing()
    return {
        "agreement links": len(links),
        "published flows": len(published),
        "register entries": listed,
    }


def _attestations(agreements: dict[int, list[int]], today: date) -> dict[str, int]:
    """Five requests per agreement in rotating states; answers for those answered."""
    from sharing.attestations.models import (
        AnswerReview,
        AnswerValue,
        AttestationAnswer,
        AttestationRequest,
        AttestationStatus,
        EvidenceFile,
    )
    from sharing.extensions import db

    states = list(AttestationStatus)
    questionnaire = [{"code": c, "title": c, "question": f"Do you meet {c}?"} for c in QUESTIONS]
    requests = []
    for org_id, agreement_ids in agreements.items():
        for agreement_id in agreement_ids:
            for nth in range(REQUESTS_EACH // AGREEMENTS_EACH):
                requests.append(
                    {
                        "agreement_id": agreement_id,
                        "organisation_id": org_id,
                        "due_date": today + timedelta(days=90 * nth - 60),
                        "status": states[(agreement_id + nth) % len(states)],
                        "questionnaire": questionnaire,
                        "round": 1,
                        "version": 1,
                    }
                )
    _insert(AttestationRequest, requests)
    answered = (AttestationStatus.SUBMITTED, AttestationStatus.RETURNED, AttestationStatus.ACCEPTED)
    rows = db.session.execute(
        select(AttestationRequest.id, AttestationRequest.organisation_id).where(
            AttestationRequest.status.in_(answered)
        )
    ).all()
    moment = datetime.now(UTC)
    answers = [
        {
            "request_id": request_id,
            "obligation_code": code,
            "round": 1,
            "answer": AnswerValue.NO if code == "BRE-1" else AnswerValue.YES,
            "explanation": "Handled by the contract's breach clause." if code == "BRE-1" else "",
            "answered_at": moment,
            "review": AnswerReview.PENDING,
        }
        for request_id, _ in rows
        for code in QUESTIONS
    ]
    _insert(AttestationAnswer, answers)
    evidence = [
        {
            "organisation_id": org_id,
            "request_id": request_id,
            "obligation_code": "SEC-1",
            "original_name": f"soc2-{request_id}.pdf",
            "stored_name": f"{request_id:032x}.pdf",
            "content_type": "application/pdf",
            "size": 1024,
            "sha256": "0" * 64,
            "valid_until": today + timedelta(days=request_id % 400 - 30),
        }
        for request_id, org_id in rows[::3]
    ]
    _insert(EvidenceFile, evidence)
    return {
        "attestation requests": len(requests),
        "answers": len(answers),
        "evidence": len(evidence),
    }


def _disclosures(
    flows: dict[int, list[int]], agreements: dict[int, list[int]], categories: list[int]
) -> int:
    """Forty disclosures per organisation over its flows, each with one data category."""
    from sharing.disclosures import tallies
    from sharing.disclosures.models import Disclosure, disclosure_categories
    from sharing.extensions import db

    start = (db.session.scalar(select(db.func.max(Disclosure.id))) or 0) + 1
    rows, links = [], []
    for org_id, flow_ids in flows.items():
        for nth in range(DISCLOSURES_EACH):
            disclosure_id = start + len(rows)
            rows.append(
                {
                    "id": disclosure_id,
                    "flow_id": flow_ids[nth % len(flow_ids)],
                    "agreement_id": agreements[org_id][0],
                    "organisation_id": org_id,
                    "disclosed_on": BASE_DAY + timedelta(days=(disclosure_id * 7) % 320),
                    "record_count": 10 + nth,
                    "purpose": "Monthly service reconciliation",
                    "requested_by": "Vendor operations",
                    "method": "sftp",
                    "flagged": nth % 13 == 0,
                    "flag_reasons": ["no agreement in force"] if nth % 13 == 0 else [],
                }
            )
            links.append(
                {"disclosure_id": disclosure_id, "category_id": categories[nth % len(categories)]}
            )
    _insert(Disclosure, rows)
    _insert(disclosure_categories, links)
    tallies.rebuild(db.session.connection())  # bulk inserts bypass the ORM's flush events
    return len(rows)


def _incidents_and_reminders(
    flows: dict[int, list[int]], agreements: dict[int, list[int]], today: date
) -> dict[str, int]:
    from sharing.disclosures.models import Incident, IncidentStatus, incident_flows
    from sharing.extensions import db
    from sharing.renewals.models import Reminder

    moment = datetime.now(UTC)
    states = list(IncidentStatus)
    incidents = [
        {
            "reference": f"INC-V-{org_id:07d}",
            "organisation_id": org_id,
            "agreement_id": agreements[org_id][0],
            "title": "Misdirected export",
            "description": "A file went to the wrong mailbox.",
            "discovered_at": moment - timedelta(days=org_id % 40 + 2),
            "reported_at": moment - timedelta(days=org_id % 40 + 1),
            "notice_deadline": moment + timedelta(days=30 - org_id % 40),
            "status": states[org_id % len(states)],
            "version": 1,
        }
        for org_id in flows
        if org_id % INCIDENT_EVERY == 0
    ]
    _insert(Incident, incidents)
    made = db.session.execute(select(Incident.id, Incident.organisation_id)).all()
    _insert(
        incident_flows,
        [{"incident_id": incident_id, "flow_id": flows[org_id][0]} for incident_id, org_id in made],
    )
    reminders = [
        {
            "dedupe_key": f"agreement:{agreement_id}:renewal:90:{today.isoformat()}",
            "object_type": "agreement",
            "object_id": agreement_id,
            "kind": "renewal",
            "window": "90",
            "target_date": today + timedelta(days=agreement_id % 90),
            "organisation_id": org_id,
            "recipients": [f"privacy{org_id}@vendor{org_id}.example"],
        }
        for org_id, agreement_ids in agreements.items()
        for agreement_id in agreement_ids
    ]
    _insert(Reminder, reminders)
    return {"incidents": len(incidents), "reminders": len(reminders)}


def build(*, scale: int = 1, today: date | None = None) -> dict[str, int]:
    """Fill the database at `scale` and return how many rows of each kind were written."""
    from sharing.agreements.models import Agreement
    from sharing.extensions import db
    from sharing.flows.models import DataCategory, DataFlow
    from sharing.reports import tallies as status_tallies

    today = today or date.today()
    counts = populate(
        scale=scale,
        per_scale=ORGANISATIONS,
        flows_each=FLOWS_EACH,
        agreements_each=AGREEMENTS_EACH,
        events_each=EVENTS_EACH,
        spread=True,
    )
    flows, agreements = _owned(DataFlow), _owned(Agreement)
    categories = list(db.session.scalars(select(DataCategory.id).order_by(DataCategory.id)))
    counts.update(_publish(flows, agreements))
    counts.update(_attestations(agreements, today))
    counts["disclosures"] = _disclosures(flows, agreements, categories)
    counts.update(_incidents_and_reminders(flows, agreements, today))
    status_tallies.rebuild(db.session.connection())  # bulk writes bypass the flush events
    db.session.commit()
    return counts
