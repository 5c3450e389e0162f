"""The register's listing and changelog kept in step with the rule for what the register
shows: the one writer of RegisterEntry and RegisterChange rows, inside every transaction that
can put an arrangement on or take it off. Flow and agreement steps reach it through their
signals (the receivers at the end, connected in create_app's register_events step)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, insert, inspect, or_, select, update
from sqlalchemy.orm import Session, selectinload

from sharing.agreements.models import agreement_flows
from sharing.auth.models import Department
from sharing.core.search import fold
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowStatus
from sharing.register.models import RegisterChange, RegisterChangeKind, RegisterEntry
from sharing.register.queries import public_clause
from sharing.vendors.models import Organisation

MAX_SUMMARY = 300
LISTING_KINDS = (RegisterChangeKind.ADDED, RegisterChangeKind.REMOVED)
CHUNK = 500  # ids per DELETE … IN (…), well under every driver's parameter limit


@dataclass(frozen=True)
class Cause:
    """The plain words the changelog gives for an addition or a removal, for the lineages a
    step touched (None: any lineage)."""

    added: str
    removed: str
    lineages: Collection[int] | None = None

    def about(self, lineages: Collection[int]) -> Cause:
        """The same words, claimed only for these lineages."""
        return Cause(self.added, self.removed, frozenset(lineages))

    def covers(self, lineage_id: int) -> bool:
        return self.lineages is None or lineage_id in self.lineages


# Used when no step claims the lineage, e.g. the first run over data recorded before the
# changelog followed the lifecycle.
GENERAL = Cause("Listed on the register.", "No longer on the register.")

PUBLICATION = Cause(
    "Published by the privacy office.", "Taken off the register by the privacy office."
)

FLOW_STEPS: dict[str, Cause] = {
    "approve": Cause("The flow was approved.", "Its new approved revision is not published."),
    "retire": Cause(GENERAL.added, "The flow was retired."),
}

# Agreement steps that can change what the register shows, and their words.
AGREEMENT_STEPS: dict[str, Cause] = {
    "activate": Cause("Its agreement came into force.", GENERAL.removed),
    "expire": Cause(GENERAL.added, "Its agreement expired."),
    "terminate": Cause(GENERAL.added, "Its agreement was terminated."),
    "renew": Cause(
        "Its renewed agreement is in force.",
        "Its agreement was renewed; the renewal is not in force yet.",
    ),
}


def public_flows() -> dict[int, int]:
    """The revisions that belong on the register now, by id, with their lineage: one
    statement."""
    stmt = select(DataFlow.id, DataFlow.lineage_id).where(public_clause())
    return {flow_id: lineage for flow_id, lineage in db.session.execute(stmt)}


def public_lineages(flows: dict[int, int] | None = None) -> set[int]:
    """The lineages the register shows now (of `flows`, as `public_flows` gives them, or
    read here in one statement)."""
    flows = public_flows() if flows is None else flows
    return {lineage for lineage in flows.values() if lineage is not None}


# What a listing row keeps of its flow, its organisation and its department, so the register
# page filters, sorts and searches RegisterEntry alone (its indexes are on the model).
KEYS = (
    "organisation_id",
    "department_id",
    "organisation_name",
    "department_name",
    "system_name",
    "search_text",
)
# What the keys are made from, read with a flow joined to its organisation and department.
SOURCES = (
    DataFlow.organisation_id,
    DataFlow.department_id,
    Organisation.legal_name,
    Organisation.common_name,
    Department.name,
    DataFlow.system_name,
    DataFlow.purposes,
)
SEPARATOR = "\n"
# The sort keys' column lengths: a folded name may come out a few characters longer.
LENGTHS = {"organisation_name": 200, "department_name": 120, "system_name": 200}


def listing_keys(sources: Sequence[Any]) -> dict[str, Any]:
    """KEYS from one row of SOURCES. The organisation sorts by the name the register shows
    (its common name, else its legal name); the names sort and the search text matches
    folded (search.fold: no case, no accents), so "Sai Gon" finds "Sài Gòn" and "Élan"
    sorts among the E's. The search text is the service, its purposes, the legal and common
    names and the department, one per line, so a search matches within one of them."""
    organisation_id, department_id, legal, common, department, system, purposes = sources
    keys = {
        "organisation_id": organisation_id,
        "department_id": department_id,
        "organisation_name": fold(common or legal),
        "department_name": fold(department),
        "system_name": fold(system),
        "search_text": SEPARATOR.join(
            fold(text) for text in (system, purposes, legal, common, department)
        ),
    }
    for name, length in LENGTHS.items():
        keys[name] = keys[name][:length]
    return keys


def _with_names(stmt: Select, *, isouter: bool = False) -> Select:
    """`stmt` over flows, joined to their organisation and department."""
    return stmt.join(
        Organisation, Organisation.id == DataFlow.organisation_id, isouter=isouter
    ).join(Department, Department.id == DataFlow.department_id, isouter=isouter)


def sync_listing(
    flow_ids: Collection[int] | None = None, *, repair_keys: bool = True
) -> tuple[int, int]:
    """Make the register's listing (RegisterEntry rows) hold exactly the revisions that
    belong on it (`flow_ids`, or worked out here), each with its current KEYS: inserts and
    deletes only the difference and, with `repair_keys`, rewrites the keys of rows that
    drifted from their flow (the flush listener below keeps them on every ORM write, so the
    workflow steps leave this to the daily roll and to bulk writers).
    Returns how many rows were (added, removed). Writes through the session; the caller's
    transaction commits."""
    wanted = set(public_flows() if flow_ids is None else flow_ids)
    if repair_keys:
        # The rows listed, each with its keys as stored and as they are now, in one
        # statement (outer joins: a row whose flow is gone is still seen, and removed).
        stored = [getattr(RegisterEntry, name) for name in KEYS]
        listing = select(RegisterEntry.flow_id, *stored, *SOURCES)
        listing = listing.select_from(RegisterEntry).outerjoin(
            DataFlow, DataFlow.id == RegisterEntry.flow_id
        )
        rows = db.session.execute(_with_names(listing, isouter=True)).all()
    else:
        rows = db.session.execute(select(RegisterEntry.flow_id)).all()
    listed = {row[0] for row in rows}
    added, removed = sorted(wanted - listed), sorted(listed - wanted)
    for begin in range(0, len(removed), CHUNK):
        chunk = removed[begin : begin + CHUNK]
        db.session.execute(delete(RegisterEntry).where(RegisterEntry.flow_id.in_(chunk)))
    for begin in range(0, len(added), CHUNK):
        chunk = added[begin : begin + CHUNK]
        sources = _with_names(select(DataFlow.id, *SOURCES)).where(DataFlow.id.in_(chunk))
        rows_added = [
            {"flow_id": flow_id, **listing_keys(values)}
            for flow_id, *values in db.session.execute(sources)
        ]
        if rows_added:
            db.session.execute(insert(RegisterEntry), rows_added)
    drifted = _drifted(rows, wanted) if repair_keys else []
    if drifted:
        db.session.execute(update(RegisterEntry), drifted)
    return len(added), len(removed)


def _drifted(rows: Sequence[Any], wanted: set[int]) -> list[dict[str, Any]]:
    """The kept rows (flow id, stored keys…, SOURCES…) whose stored keys differ from the
    keys their sources give now, as the current values to write back by flow id."""
    width = len(KEYS)
    drifted = []
    for flow_id, *values in rows:
        if flow_id not in wanted:
            continue
        current = listing_keys(values[width:])
        if dict(zip(KEYS, values[:width], strict=True)) != current:
            drifted.append({"flow_id": flow_id, **current})
    return drifted


# Attributes whose change alters a listed flow's KEYS, by model; relationships included
# because assigning one sets its id column only during the flush.
RENAMES: dict[type, tuple[str, ...]] = {
    Organisation: ("legal_name", "common_name"),
    Department: ("name",),
    DataFlow: (
        "system_name",
        "purposes",
        "organisation_id",
        "department_id",
        "organisation",
        "department",
    ),
}


def _renamed(session: Session) -> dict[type, list[int]]:
    """Per model of RENAMES, the ids of its rows whose listed keys this flush changed, in one
    pass over the session's changed objects."""
    found: dict[type, list[int]] = {model: [] for model in RENAMES}
    for obj in session.dirty:
        for model, names in RENAMES.items():
            if isinstance(obj, model) and obj.id is not None:
                state = inspect(obj)
                if any(state.attrs[name].history.has_changes() for name in names):
                    found[model].append(obj.id)
    return found


def _follow_renames(session: Session, flush_context) -> None:
    """Rewrite the keys of the listing rows a rename touched, in the same transaction: an
    organisation's or department's name, or a listed flow's, changed through the ORM (bulk
    writes call sync_listing). The history still shows the flush's changes here."""
    renamed = _renamed(session)
    if not any(renamed.values()):
        return
    entries = RegisterEntry.__table__
    touched = _with_names(select(DataFlow.id, *SOURCES)).join(
        entries, entries.c.flow_id == DataFlow.id
    )
    touched = touched.where(
        or_(
            entries.c.organisation_id.in_(renamed[Organisation]),
            entries.c.department_id.in_(renamed[Department]),
            entries.c.flow_id.in_(renamed[DataFlow]),
        )
    )
    connection = session.connection()
    rows = [
        {"listed_flow_id": flow_id, **listing_keys(values)}
        for flow_id, *values in connection.execute(touched)
    ]
    if rows:
        # Executemany: each row's KEYS are the SET values, matched by name.
        connection.execute(
            update(entries).where(entries.c.flow_id == bindparam("listed_flow_id")), rows
        )


# Registered by create_app's register_listeners step.
LISTENERS = ((Session, "after_flush", _follow_renames),)


def recorded_lineages() -> set[int]:
    """The lineages whose latest changelog entry is an addition, in one statement."""
    # A disposal entry says nothing about whether the arrangement is listed.
    latest = (
        select(func.max(RegisterChange.id))
        .where(RegisterChange.kind.in_(LISTING_KINDS))
        .group_by(RegisterChange.flow_lineage_id)
    )
    stmt = select(RegisterChange.flow_lineage_id).where(
        RegisterChange.id.in_(latest), RegisterChange.kind == RegisterChangeKind.ADDED
    )
    return set(db.session.scalars(stmt))


def sync_changes(
    *, today: date, causes: Sequence[Cause] = (), repair_keys: bool = False
) -> list[RegisterChange]:
    """Bring the register's listing up to date (`repair_keys`: see sync_listing), then write
    an addition for each lineage now on the register that the changelog does not show as
    added, and a removal for each it shows as added that is no longer there. Idempotent;
    flushes but does not commit, so it belongs to the caller's transaction."""
    db.session.flush()
    flows = public_flows()
    sync_listing(flows, repair_keys=repair_keys)
    now_public, on_record = public_lineages(flows), recorded_lineages()
    differences = {lineage: RegisterChangeKind.ADDED for lineage in now_public - on_record}
    differences.update({lineage: RegisterChangeKind.REMOVED for lineage in on_record - now_public})
    if not differences:
        return []
    revisions = _representatives(differences)
    rows = [
        RegisterChange(
            flow_lineage_id=lineage,
            flow_id=revisions[lineage].id if lineage in revisions else None,
            kind=kind,
            changed_on=today,
            summary=_summary(revisions.get(lineage), kind, _cause(lineage, causes)),
        )
        for lineage, kind in sorted(differences.items())
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def sync_after_agreement_steps(
    *, steps: Iterable[tuple[Any, str]], today: date, always: bool = False
) -> list[RegisterChange]:
    """After agreement steps (agreement, action): the lineages each covers may move. With
    `always`, reconcile even when no step could change the register, and repair the
    listing's keys (the daily roll)."""
    steps = [(agreement, action) for agreement, action in steps if action in AGREEMENT_STEPS]
    if not steps and not always:
        return []
    covered = _lineages_of({agreement.id for agreement, _ in steps})
    causes = [AGREEMENT_STEPS[action].about(covered.get(a.id, ())) for a, action in steps]
    return sync_changes(today=today, causes=causes, repair_keys=always)


def audit_changes(rows: Sequence[RegisterChange]) -> dict[str, Any]:
    """The changelog entries a step wrote, as an extra field of its audit event."""
    if not rows:
        return {}
    after = [f"{row.kind.value}: arrangement {row.flow_lineage_id}" for row in rows]
    return {"register_changes": {"before": None, "after": after}}


# Receivers of other packages' signals -------------------------------------------------------


def follow_flow_step(_sender: Any, *, flow: DataFlow, action: str, today: date) -> dict:
    """flows.events.flow_transitioned: approval or retirement may move the flow's lineage.
    Returns the entries written, for the step's audit event."""
    cause = FLOW_STEPS.get(action)
    if cause is None:
        return {}
    lineage = flow.lineage_id or flow.id
    return audit_changes(sync_changes(today=today, causes=[cause.about({lineage})]))


def follow_agreement_step(_sender: Any, *, agreement: Any, action: str, today: date) -> dict:
    """agreements.events.agreement_transitioned: the lineages the agreement covers may move.
    Returns the entries written, for the step's audit event."""
    return audit_changes(sync_after_agreement_steps(steps=[(agreement, action)], today=today))


def follow_roll(_sender: Any, *, steps: Iterable[tuple[Any, str]], today: date) -> None:
    """agreements.events.agreements_rolled: reconcile the whole register (the daily roll)."""
    sync_after_agreement_steps(steps=steps, today=today, always=True)


def _cause(lineage: int, causes: Sequence[Cause]) -> Cause:
    return next((cause for cause in causes if cause.covers(lineage)), GENERAL)


def _summary(flow: DataFlow | None, kind: RegisterChangeKind, cause: Cause) -> str:
    reason = cause.added if kind == RegisterChangeKind.ADDED else cause.removed
    if flow is None:
        return reason[:MAX_SUMMARY]
    return f"{flow.organisation.display_name}: {flow.system_name}. {reason}"[:MAX_SUMMARY]


def _representatives(lineages: Collection[int]) -> dict[int, DataFlow]:
    """For each lineage, the revision that names it: the approved one, else the latest."""
    flows = db.session.scalars(
        select(DataFlow)
        .where(DataFlow.lineage_id.in_(list(lineages)))
        .options(selectinload(DataFlow.organisation))
        .order_by(DataFlow.revision)
    )
    chosen: dict[int, DataFlow] = {}
    for flow in flows:
        current = chosen.get(flow.lineage_id)
        if current is None or current.status != FlowStatus.APPROVED:
            chosen[flow.lineage_id] = flow
    return chosen


def _lineages_of(agreement_ids: set[int]) -> dict[int, set[int]]:
    """The lineages each agreement names, in one statement."""
    if not agreement_ids:
        return {}
    rows = db.session.execute(
        select(agreement_flows.c.agreement_id, DataFlow.lineage_id)
        .join(DataFlow, DataFlow.id == agreement_flows.c.flow_id)
        .where(agreement_flows.c.agreement_id.in_(agreement_ids))
    ).all()
    covered: dict[int, set[int]] = {}
    for agreement_id, lineage_id in rows:
        covered.setdefault(agreement_id, set()).add(lineage_id)
    return covered
