"""Synthetic registry data at a chosen scale, written with bulk inserts.

`populate(scale=1)` gives 40 organisations, each with two contacts, three flows of three
categories each, and one agreement (every other one active), plus one vendor user and a
handful of audit events per organisation. `scale=100` gives 100 times as many rows.
Its keyword arguments change the proportions: bench/volume.py uses them for its own
sizes (50 organisations, 4 flows and 2 agreements each). Used by the list-page, dashboard
and page benchmarks; nothing here runs inside the app.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import insert, select

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.audit.models import AuditEvent
from sharing.auth.models import Department, Role, User
from sharing.extensions import db
from sharing.flows.models import DataCategory, DataFlow, FlowCategory, FlowStatus, RiskTier
from sharing.flows.vocabulary import ensure_vocabulary
from sharing.reports import tallies as status_tallies
from sharing.vendors.models import (
    Contact,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    normalise_name,
)

ORGANISATIONS_PER_SCALE = 40
BATCH = 2_000

_WORDS = [
    "Civic",
    "Harbor",
    "Transit",
    "Metro",
    "Pioneer",
    "Summit",
    "Cascade",
    "Beacon",
    "Orchard",
    "Granite",
    "Lumen",
    "Atlas",
    "Keystone",
    "Meridian",
    "Northwind",
    "Redwood",
    "Sierra",
    "Juniper",
    "Willow",
    "Cedar",
    "Quarry",
    "Lantern",
]
_SUFFIXES = ("Inc.", "LLC", "Corporation", "Co.", "Partners", "Group")


def _batches(rows: list[dict], size: int = BATCH):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _insert(model, rows: list[dict]) -> None:
    for chunk in _batches(rows):
        db.session.execute(insert(model), chunk)


def populate(
    *,
    scale: int = 1,
    seed: int = 2026,
    per_scale: int = ORGANISATIONS_PER_SCALE,
    flows_each: int = 3,
    agreements_each: int = 1,
    events_each: int = 3,
    spread: bool = False,
) -> dict[str, int]:
    """Add `scale` × `per_scale` organisations and their rows; return how many of each
    were written. Flows go to random organisations unless `spread`, which gives each one
    `flows_each` (bench/volume.py spreads them, so detail pages compare across scales)."""
    rng = random.Random(seed)
    ensure_vocabulary(db.session)
    db.session.flush()
    categories = db.session.scalars(select(DataCategory.id)).all()
    departments = list(db.session.scalars(select(Department.id)).all())
    if not departments:
        _insert(
            Department,
            [{"name": f"Department {i}", "code": f"D{i:02d}", "active": True} for i in range(10)],
        )
        departments = list(db.session.scalars(select(Department.id)).all())

    start = (db.session.scalar(select(db.func.max(Organisation.id))) or 0) + 1
    count = per_scale * scale
    org_ids = list(range(start, start + count))
    organisations, contacts, users, agreements, events = [], [], [], [], []
    for org_id in org_ids:
        name = f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} {org_id} {rng.choice(_SUFFIXES)}"
        organisations.append(
            {
                "id": org_id,
                "kind": rng.choice(list(OrganisationKind)),
                "legal_name": name,
                "normalised_name": normalise_name(name),
                "common_name": "",
                "ein": f"{rng.randint(10, 99)}-{org_id:07d}",
                "duns": f"{org_id:09d}",
                "status": rng.choice(list(OrganisationStatus)),
                "country": "US",
                "certifications": [],
                "version": 1,
            }
        )
        for role in ("privacy", "signatory"):
            contacts.append(
                {
                    "organisation_id": org_id,
                    "name": f"{role.title()} Contact {org_id}",
                    "email": f"{role}{org_id}@vendor{org_id}.example",
                    "role": role,
                }
            )
        users.append(
            {
                "email": f"portal{org_id}@vendor{org_id}.example",
                "name": f"Portal User {org_id}",
                "role": Role.VENDOR,
                "organisation_id": org_id,
                "password_hash": "!",
                "active": True,
                "session_generation": 1,
            }
        )
        for nth in range(agreements_each):
            effective = date(2026, 1, 1) + timedelta(days=rng.randint(0, 300))
            agreements.append(
                {
                    "number": f"DSA-B-{org_id:07d}" + (f"-{nth}" if nth else ""),
                    "organisation_id": org_id,
                    "status": AgreementStatus.ACTIVE if org_id % 2 else AgreementStatus.DRAFT,
                    "effective_date": effective,
                    "expiry_date": effective + timedelta(days=3 * 365),
                    "parameters": {},
                    "obligation_codes": [],
                    "version": 1,
                }
            )
        events.extend(
            {
                "actor_email": "bench@example.org",
                "actor_role": "procurement",
                "organisation_id": org_id,
                "action": "organisation.updated",
                "object_type": "organisation",
                "object_id": str(org_id),
                "changes": {"notes": {"before": "", "after": f"note {i}"}},
                "summary": "",
                "ip": "",
                "request_id": "",
            }
            for i in range(events_each)
        )
    _insert(Organisation, organisations)
    _insert(Contact, contacts)
    _insert(User, users)
    _insert(Agreement, agreements)
    _insert(AuditEvent, events)

    flow_start = (db.session.scalar(select(db.func.max(DataFlow.id))) or 0) + 1
    flows, links = [], []
    if spread:
        owners = (org_id for org_id in org_ids for _ in range(flows_each))
    else:  # drawn lazily, between each flow's other draws: that order fixes the rows a seed gives
        owners = (rng.choice(org_ids) for _ in range(flows_each * count))
    for index, org_id in enumerate(owners):
        flow_id = flow_start + index
        flows.append(
            {
                "id": flow_id,
                "lineage_id": flow_id,
                "revision": 1,
                "organisation_id": org_id,
                "department_id": rng.choice(departments),
                "system_name": f"System {flow_id}",
                "purposes": "Deliver the contracted service",
                "status": rng.choice((FlowStatus.DRAFT, FlowStatus.SUBMITTED, FlowStatus.APPROVED)),
                "risk_tier": rng.choice(list(RiskTier)),
                "risk_factors": [],
                "subprocessors": [],
                "retention_days": 365,
                "version": 1,
            }
        )
        links.extend(
            {"flow_id": flow_id, "category_id": category_id, "justification": "Needed"}
            for category_id in rng.sample(categories, 3)
        )
    _insert(DataFlow, flows)
    _insert(FlowCategory, links)
    status_tallies.rebuild(db.session.connection())  # bulk inserts bypass the flush events
    if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
        for table in ("organisations", "data_flows"):
            db.session.execute(
                db.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
    db.session.commit()
    return {
        "organisations": count,
        "contacts": len(contacts),
        "flows": len(flows),
        "agreements": len(agreements),
        "audit_events": len(events),
    }
