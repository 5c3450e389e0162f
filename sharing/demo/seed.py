"""The demo seed use case: load the whole demo set once, and only into a demo database."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from sharing.audit import services as audit
from sharing.auth.models import User
from sharing.core.database import commit_or_conflict
from sharing.core.models import Setting
from sharing.core.roles import Role
from sharing.demo.agreements import build_agreements
from sharing.demo.algorithms import build_algorithms
from sharing.demo.attestations import build_attestations
from sharing.demo.concerns_and_sheets import build_concerns, build_fact_sheets
from sharing.demo.context import DemoContext
from sharing.demo.end_of_term import build_adoptions, build_dispositions
from sharing.demo.evidence import build_evidence, remove_stored
from sharing.demo.flows import build_flows
from sharing.demo.notifications import build_notifications
from sharing.demo.oversight import build_disclosures, build_incidents
from sharing.demo.parties import build_departments, build_organisations, build_users
from sharing.demo.people_data import DEMO_USERS
from sharing.demo.policy import build_policy, build_templates
from sharing.demo.register import build_register_history
from sharing.errors import Conflict
from sharing.extensions import db
from sharing.flows.models import DataCategory, DataFlow
from sharing.flows.vocabulary import ensure_vocabulary
from sharing.obligations.models import PolicyVersion
from sharing.vendors.models import Organisation

DEMO_SETTING = "demo_seeded"
RANDOM_SEED = 2026
# Any of these rows, without the demo marker, means the database holds real work.
REAL_DATA_MODELS = (User, Organisation, DataFlow, PolicyVersion)


class NotADemoDatabase(Conflict):
    """The database already holds data that was not created by the demo seed."""

    def __init__(self) -> None:
        super().__init__(
            "This database already holds users, organizations, flows or policy versions that "
            "were not created by the demo seed. Refusing to add demo data; nothing was written. "
            "Point SHARING_DATABASE_URL at an empty database to try the demo."
        )


@dataclass(frozen=True)
class SignIn:
    email: str
    password: str
    role: str


@dataclass(frozen=True)
class SeedResult:
    """`created` is False when the demo set was already there (`seeded_at` says when)."""

    created: bool
    seeded_at: str
    counts: dict[str, int] = field(default_factory=dict)


def demo_sign_ins() -> list[SignIn]:
    return [SignIn(u["email"], u["password"], Role(u["role"]).value) for u in DEMO_USERS]


def seed_demo(*, today: date, now: datetime) -> SeedResult:
    """Insert the demo set in one transaction, or report that it is already there."""
    marker = db.session.get(Setting, DEMO_SETTING)
    if marker is not None:
        db.session.rollback()
        return SeedResult(created=False, seeded_at=marker.value)
    if _holds_real_data():
        db.session.rollback()
        raise NotADemoDatabase()
    ctx = DemoContext(rng=random.Random(RANDOM_SEED), today=today, now=now)
    try:
        _build(ctx)
        db.session.add(Setting(key=DEMO_SETTING, value=now.isoformat()))
        audit.record(
            actor=None, action="demo.seeded", object_type="demo", summary=_summary(ctx.counts)
        )
        commit_or_conflict()
    except Exception:
        db.session.rollback()
        remove_stored(ctx)
        raise
    return SeedResult(created=True, seeded_at=now.isoformat(), counts=dict(ctx.counts))


def _holds_real_data() -> bool:
    return any(
        db.session.scalar(select(model.id).limit(1)) is not None for model in REAL_DATA_MODELS
    )


def _build(ctx: DemoContext) -> None:
    """Each step uses rows built by the steps before it."""
    ctx.count("data_categories", ensure_vocabulary(db.session))
    ctx.categories = {c.name: c for c in db.session.scalars(select(DataCategory))}
    build_departments(ctx)
    build_organisations(ctx)
    build_users(ctx)
    db.session.flush()
    build_policy(ctx)
    build_templates(ctx)
    build_flows(ctx)
    build_agreements(ctx)
    build_adoptions(ctx)
    build_register_history(ctx)
    build_dispositions(ctx)
    build_algorithms(ctx)
    build_fact_sheets(ctx)
    build_concerns(ctx)
    build_attestations(ctx)
    build_evidence(ctx)
    build_disclosures(ctx)
    build_incidents(ctx)
    build_notifications(ctx)
    db.session.flush()


def _summary(counts: dict[str, int]) -> str:
    parts = ", ".join(f"{number} {name.replace('_', ' ')}" for name, number in counts.items())
    return f"Demo data seeded: {parts}."
