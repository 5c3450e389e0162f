"""Reading reminders: one object's history, the filtered list of all reminders, and what the
outbox says about each reminder's messages. A constant number of queries per page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, and_, exists, or_, select

from sharing.agreements.models import Agreement
from sharing.attestations.models import AttestationRequest, EvidenceFile
from sharing.core.menus import Menu
from sharing.core.query_args import positive_int
from sharing.core.search import contains_text
from sharing.disclosures.models import Incident
from sharing.extensions import db
from sharing.mail.models import Notification
from sharing.renewals.models import Reminder
from sharing.renewals.reminders import message_key
from sharing.vendors import queries as vendor_queries
from sharing.vendors.models import Organisation

KINDS = ("renewal", "attestation", "evidence", "incident")
OBJECT_TYPES = ("agreement", "attestation", "evidence", "incident")
KIND_LABELS = {
    "renewal": "Renewal",
    "attestation": "Attestation",
    "evidence": "Evidence",
    "incident": "Incident",
}
HISTORY_LIMIT = 100


def reminder_history(object_type: str, object_id: int) -> list[Reminder]:
    """The reminders queued about one object, newest first."""
    return list(
        db.session.scalars(
            select(Reminder)
            .where(Reminder.object_type == object_type, Reminder.object_id == object_id)
            .order_by(Reminder.created_at.desc(), Reminder.id.desc())
            .limit(HISTORY_LIMIT)
        )
    )


@dataclass(frozen=True)
class Delivery:
    """What the outbox holds for one reminder's messages."""

    sent: int = 0
    queued: int = 0
    failed: int = 0


def reminder_delivery(reminders: Sequence[Reminder]) -> dict[int, Delivery]:
    """Sent, queued and failed message counts per reminder id, in one query."""
    owner = {
        message_key(reminder.dedupe_key, address): reminder.id
        for reminder in reminders
        for address in reminder.recipients or []
    }
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"sent": 0, "queued": 0, "failed": 0})
    keys = list(owner)
    for start in range(0, len(keys), 500):
        rows = db.session.execute(
            select(Notification.dedupe_key, Notification.sent_at, Notification.failed_at).where(
                Notification.dedupe_key.in_(keys[start : start + 500])
            )
        )
        for key, sent_at, failed_at in rows:
            state = "sent" if sent_at else "failed" if failed_at else "queued"
            counts[owner[key]][state] += 1
    return {reminder.id: Delivery(**counts[reminder.id]) for reminder in reminders}


@dataclass(frozen=True)
class ReminderFilters:
    kind: str = ""
    organisation_id: int | None = None
    q: str = ""

    @classmethod
    def from_args(cls, args) -> ReminderFilters:
        kind = (args.get("kind") or "").strip()
        return cls(
            kind=kind if kind in KINDS else "",
            organisation_id=positive_int(args.get("organisation")),
            q=(args.get("q") or "").strip()[:200],
        )

    @property
    def active(self) -> bool:
        return bool(self.kind or self.organisation_id or self.q)


def reminders_query(filters: ReminderFilters) -> Select:
    """All reminders matching the filters, newest first. The search matches the organisation's
    name, the agreement number (for renewals and attestations), the incident reference, or the
    reminder's key (such as "agreement:7")."""
    stmt = select(Reminder)
    if filters.kind:
        stmt = stmt.where(Reminder.kind == filters.kind)
    if filters.organisation_id:
        stmt = stmt.where(Reminder.organisation_id == filters.organisation_id)
    if filters.q:
        stmt = stmt.where(_search(filters.q))
    return stmt.order_by(Reminder.created_at.desc(), Reminder.id.desc())


def _search(q: str):
    text = q.lower()
    organisation = exists().where(
        Organisation.id == Reminder.organisation_id,
        contains_text(text, Organisation.legal_name, Organisation.common_name),
    )
    number = contains_text(text, Agreement.number)
    agreement = and_(
        Reminder.object_type == "agreement",
        exists().where(Agreement.id == Reminder.object_id, number),
    )
    attestation = and_(
        Reminder.object_type == "attestation",
        exists().where(
            AttestationRequest.id == Reminder.object_id,
            Agreement.id == AttestationRequest.agreement_id,
            number,
        ),
    )
    incident = and_(
        Reminder.object_type == "incident",
        exists().where(
            Incident.id == Reminder.object_id,
            contains_text(text, Incident.reference),
        ),
    )
    key = Reminder.dedupe_key.contains(text, autoescape=True)
    return or_(organisation, agreement, attestation, incident, key)


def organisation_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    rows = db.session.execute(
        select(Organisation.id, Organisation.common_name, Organisation.legal_name).where(
            Organisation.id.in_(wanted)
        )
    )
    return {id_: common or legal for id_, common, legal in rows}


def organisation_menu(chosen: int | None = None) -> Menu:
    """Organisations that have reminders, for the filter (a capped menu: sharing/core/menus.py)."""
    return vendor_queries.organisation_menu(chosen, named_by=Reminder.organisation_id)


def object_labels(reminders: Sequence[Reminder]) -> dict[tuple[str, int], str]:
    """A readable name for each reminder's object: one query per object type on the page."""
    ids: dict[str, set[int]] = defaultdict(set)
    for reminder in reminders:
        ids[reminder.object_type].add(reminder.object_id)
    labels: dict[tuple[str, int], str] = {}
    if ids["agreement"]:
        rows = select(Agreement.id, Agreement.number).where(Agreement.id.in_(ids["agreement"]))
        labels.update((("agreement", i), n) for i, n in db.session.execute(rows))
    if ids["attestation"]:
        rows = (
            select(AttestationRequest.id, Agreement.number, AttestationRequest.due_date)
            .join(Agreement, Agreement.id == AttestationRequest.agreement_id)
            .where(AttestationRequest.id.in_(ids["attestation"]))
        )
        labels.update(
            (("attestation", i), f"{n} attestation due {d.isoformat()}")
            for i, n, d in db.session.execute(rows)
        )
    if ids["evidence"]:
        rows = select(EvidenceFile.id, EvidenceFile.original_name).where(
            EvidenceFile.id.in_(ids["evidence"])
        )
        labels.update((("evidence", i), name) for i, name in db.session.execute(rows))
    if ids["incident"]:
        rows = select(Incident.id, Incident.reference).where(Incident.id.in_(ids["incident"]))
        labels.update((("incident", i), ref) for i, ref in db.session.execute(rows))
    return labels
