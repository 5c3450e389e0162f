"""Writing a confirmed import: every planned row, in batches, inside the caller's transaction.

Each created or updated record gets the same audit event its service would write
(`organisation.registered`, `organisation.updated`, `flow.created`, `flow.updated`,
`flow.revision_started`), with the values before and after. Risk tiers come from
`flows.risk.assess_risk`. Nothing is committed here: the caller commits once, or rolls back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert, update

from sharing.audit import services as audit
from sharing.audit.models import AuditEvent
from sharing.core.models import utcnow
from sharing.extensions import db
from sharing.flows import services as flow_services
from sharing.flows.models import DataFlow, FlowCategory, FlowStatus
from sharing.flows.risk import assess_risk
from sharing.flows.rules import FLOW_FIELDS
from sharing.flows.services import snapshot as flow_snapshot
from sharing.reports.decisions import Decision
from sharing.reports.models import RowAction
from sharing.vendors import services as vendor_services
from sharing.vendors.models import Contact, Organisation, OrganisationStatus
from sharing.vendors.rules import CONTACT_FIELDS, ORGANISATION_FIELDS

BATCH = 500


class Writer:
    """Applies decisions in order; organisations first, so flows can use their new ids.

    New flows, their categories and all audit events are inserted with one statement per
    batch; updates go through the ORM, so optimistic locking still guards them.
    """

    def __init__(self, *, actor: Any, source: str, progress: Callable[[int], None]) -> None:
        self.actor, self.source, self.progress = actor, source, progress
        self.new_orgs: dict[tuple[str, str], int] = {}
        self.pending_orgs: list[tuple[Decision, Organisation]] = []
        self.pending_flows: list[tuple[Decision, dict[str, Any]]] = []
        self.pending_contacts: list[tuple[Decision, Contact]] = []
        self.events: list[dict[str, Any]] = []
        self.counts: Counter = Counter()
        self.done = 0
        self.event_base = audit.who_and_where(actor)

    def add(self, decision: Decision) -> None:
        if decision.action in (RowAction.CREATE, RowAction.UPDATE):
            self._write(decision)
        self.done += 1
        waiting = len(self.pending_flows) + len(self.pending_orgs) + len(self.pending_contacts)
        if waiting + len(self.events) >= BATCH:
            self.flush()

    def _write(self, decision: Decision) -> None:
        self.counts[f"{decision.kind}.{decision.action}"] += 1
        if decision.kind == "contact":
            self._write_contact(decision)
        elif decision.kind == "organisation":
            if decision.action == RowAction.CREATE:
                self._create_organisation(decision)
            else:
                self._update_organisation(decision)
        elif decision.action == RowAction.CREATE:
            self._create_flow(decision)
        elif decision.revision:
            self.flush()  # the new revision number depends on rows already written
            self._start_revision(decision)
        else:
            self._update_flow(decision)

    def flush(self) -> None:
        if self.pending_orgs:
            db.session.flush()
            for decision, organisation in self.pending_orgs:
                self.new_orgs.update({key: organisation.id for key in decision.keys})
                self._event(
                    "organisation.registered",
                    "organisation",
                    organisation.id,
                    _created(audit.snapshot(organisation, ORGANISATION_FIELDS)),
                    f"Registered {organisation.legal_name}" + self._suffix(decision),
                    organisation.id,
                )
            self.pending_orgs = []
        if self.pending_flows:
            self._insert_flows()
        if self.pending_contacts:
            self._record_contacts()
        if self.events:
            db.session.execute(insert(AuditEvent.__table__), self.events)
            self.events = []
        self.progress(self.done)

    def _insert_flows(self) -> None:
        table = DataFlow.__table__
        rows = [row for _, row in self.pending_flows]
        ids = db.session.scalars(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        ).all()
        # New flows start their own lineage: one statement, instead of one per row.
        db.session.execute(update(table).where(table.c.id.in_(ids)).values(lineage_id=table.c.id))
        links = []
        for flow_id, (decision, row) in zip(ids, self.pending_flows, strict=True):
            links += [
                {"flow_id": flow_id, "category_id": category.id, "justification": reason}
                for category, reason in decision.categories or []
            ]
            self._event(
                "flow.created",
                "flow",
                flow_id,
                _created(_flow_snapshot(row, decision.categories)),
                f"Drafted {row['system_name']}" + self._suffix(decision),
                row["organisation_id"],
            )
        if links:
            db.session.execute(insert(FlowCategory.__table__), links)
        self.pending_flows = []

    def _event(self, action, object_type, object_id, changes, summary, organisation_id) -> None:
        self.events.append(
            {
                **self.event_base,
                "at": utcnow(),
                "action": action,
                "object_type": object_type,
                "object_id": str(object_id),
                "changes": changes,  # already JSON-safe: snapshots and diffs
                "summary": summary[:2000],
                "organisation_id": organisation_id,
            }
        )

    def _suffix(self, decision: Decision) -> str:
        return f" (imported from {self.source}, {decision.sheet} row {decision.row})"

    # Organisations --------------------------------------------------------------------------

    def _create_organisation(self, decision: Decision) -> None:
        values = {"status": OrganisationStatus.PROSPECTIVE, "country": "US", "certifications": []}
        values.update(decision.values)
        organisation = Organisation()
        vendor_services.apply_values(organisation, values)
        db.session.add(organisation)
        self.pending_orgs.append((decision, organisation))

    def _update_organisation(self, decision: Decision) -> None:
        organisation = decision.target
        before = audit.snapshot(organisation, ORGANISATION_FIELDS)
        old_version = organisation.version
        vendor_services.apply_values(organisation, decision.values)
        changes = audit.diff(before, audit.snapshot(organisation, ORGANISATION_FIELDS))
        changes["version"] = {"before": old_version, "after": old_version + 1}
        self._event(
            "organisation.updated",
            "organisation",
            organisation.id,
            changes,
            f"Updated {organisation.legal_name}" + self._suffix(decision),
            organisation.id,
        )

    # Flows -------------------------------------------------------------------------------------

    def _organisation_id(self, decision: Decision) -> int:
        if decision.org_key is not None:
            if decision.org_key not in self.new_orgs:
                self.flush()  # the organisation is still waiting for its id
            return self.new_orgs[decision.org_key]
        return decision.organisation_id

    def _create_flow(self, decision: Decision) -> None:
        row = {**FLOW_DEFAULTS, "subprocessors": [], **decision.values}
        row.update(
            organisation_id=self._organisation_id(decision),
            status=FlowStatus.DRAFT,
            revision=1,
            created_by_id=self.actor.id,
            version=1,
        )
        row["created_at"] = row["updated_at"] = utcnow()
        categories = [category for category, _ in decision.categories or []]
        row["risk_tier"], row["risk_factors"] = assess_risk(SimpleNamespace(**row), categories)
        self.pending_flows.append((decision, row))

    def _update_flow(self, decision: Decision) -> None:
        flow = decision.target
        before = flow_snapshot(flow)
        version = flow.version
        flow_services.apply_values(flow, decision.values, decision.categories)
        changes = audit.diff(before, flow_snapshot(flow))
        changes["version"] = {"before": version, "after": version + 1}
        audit.record(
            actor=self.actor,
            action="flow.updated",
            object_type="flow",
            object_id=flow.id,
            organisation_id=flow.organisation_id,
            changes=changes,
            summary=f"Edited {flow.system_name} (revision {flow.revision})"
            + self._suffix(decision),
        )

    def _start_revision(self, decision: Decision) -> None:
        approved = decision.target
        revision = DataFlow(
            lineage_id=approved.lineage_id,
            revision=flow_services.next_revision(approved.lineage_id),
            status=FlowStatus.DRAFT,
            created_by_id=self.actor.id,
        )
        values = flow_services.current_values(approved)
        values.update(decision.values)
        categories = decision.categories
        if categories is None:
            categories = [(fc.category, fc.justification) for fc in approved.categories]
        flow_services.apply_values(revision, values, categories)
        db.session.add(revision)
        db.session.flush()
        self._event(
            "flow.revision_started",
            "flow",
            revision.id,
            audit.diff(flow_snapshot(approved), flow_snapshot(revision)),
            f"Started revision {revision.revision} of {revision.system_name}"
            + self._suffix(decision),
            revision.organisation_id,
        )

    # Contacts -----------------------------------------------------------------------------------

    def _write_contact(self, decision: Decision) -> None:
        """The events vendors.services.add_contact and update_contact write, per contact."""
        if decision.action == RowAction.CREATE:
            contact = Contact(organisation_id=self._organisation_id(decision), **decision.values)
            db.session.add(contact)
            self.pending_contacts.append((decision, contact))
            return
        contact = decision.target
        before = audit.snapshot(contact, CONTACT_FIELDS)
        for name, value in decision.values.items():
            setattr(contact, name, value)
        self._event(
            "contact.updated",
            "contact",
            contact.id,
            audit.diff(before, audit.snapshot(contact, CONTACT_FIELDS)),
            f"Updated contact {contact.name}" + self._suffix(decision),
            contact.organisation_id,
        )

    def _record_contacts(self) -> None:
        db.session.flush()
        for decision, contact in self.pending_contacts:
            self._event(
                "contact.added",
                "contact",
                contact.id,
                _created(audit.snapshot(contact, CONTACT_FIELDS)),
                f"Added contact {contact.name}" + self._suffix(decision),
                contact.organisation_id,
            )
        self.pending_contacts = []


def _created(after: dict[str, Any]) -> dict[str, Any]:
    """audit.created, for values that are already JSON-safe."""
    return {k: {"before": None, "after": v} for k, v in after.items() if v is not None}


def _flow_snapshot(row: dict[str, Any], categories) -> dict[str, Any]:
    """flows.services.snapshot for a row not loaded as an object."""
    values = {name: audit.jsonable(row[name]) for name in FLOW_FIELDS}
    values["risk_tier"] = audit.jsonable(row["risk_tier"])
    values["categories"] = {category.name: reason for category, reason in categories or []}
    return values


def _column_defaults() -> dict[str, Any]:
    defaults = {}
    for column in DataFlow.__table__.columns:
        if column.default is not None and column.default.is_scalar:
            defaults[column.key] = column.default.arg
        elif column.nullable:
            defaults[column.key] = None
    return defaults


FLOW_DEFAULTS = {
    key: value
    for key, value in _column_defaults().items()
    if key not in ("id", "created_at", "updated_at")
}
