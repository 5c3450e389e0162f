"""Reading the audit trail as people do: the city's local time, field labels instead of
column names, plain values, and names instead of ids.

Audit imports no domain package, so the packages that own the objects describe them here
(`describe`, called by create_app's register_audit_vocabulary step): a label for the object
type, how to look up names by id, the labels of its fields and of their stored values, and
which fields hold ids of other objects. A page of events costs one name query per object
type on it, however many events it shows.
"""

from __future__ import annotations

import enum
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from sharing.audit.models import AuditEvent
from sharing.core.clock import local
from sharing.core.roles import Role
from sharing.extensions import db

NameLookup = Callable[[Collection[str]], Mapping[str, str]]
EMPTY = "—"
_ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass(frozen=True)
class ObjectType:
    """What the audit trail knows about one object type."""

    label: str
    names: NameLookup | None = None
    fields: Mapping[str, str] | Callable[[], Mapping[str, str]] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    references: Mapping[str, str] = field(default_factory=dict)


def describe(
    app: Any,
    object_type: str,
    label: str,
    *,
    names: NameLookup | None = None,
    fields: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None,
    values: Mapping[str, Mapping[str, str] | type[enum.Enum]] | None = None,
    references: Mapping[str, str] | None = None,
) -> None:
    """Teach this app's audit trail how to show one object type. `values` maps a field to
    the labels of its stored values, or to the enumeration whose members carry a `label`;
    `references` maps a field holding ids to the object type those ids name."""
    vocabulary = app.extensions.setdefault("audit_vocabulary", {})
    vocabulary[object_type] = ObjectType(
        label=label,
        names=names,
        fields=fields if fields is not None else {},
        values={name: value_labels(kind) for name, kind in (values or {}).items()},
        references=dict(references or {}),
    )


def value_labels(kind: Mapping[str, str] | type[enum.Enum]) -> Mapping[str, str]:
    if isinstance(kind, Mapping):
        return kind
    return {str(m.value): getattr(m, "label", humanize(str(m.value))) for m in kind}


def names_from(id_column: Any, name_column: Any) -> NameLookup:
    """A name lookup by numeric id: one query for all the ids asked at once."""

    def lookup(ids: Collection[str]) -> dict[str, str]:
        keys = sorted({int(i) for i in ids if str(i).isdigit()})
        if not keys:
            return {}
        rows = db.session.execute(select(id_column, name_column).where(id_column.in_(keys)))
        return {str(key): name for key, name in rows if name}

    return lookup


def humanize(name: str) -> str:
    """A column name as words, for fields nobody has labelled: "legal_name" -> "Legal name",
    "department_id" -> "Department"."""
    words = re.sub(r"_ids?$", "", name).replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else name


def _vocabulary() -> Mapping[str, ObjectType]:
    return current_app.extensions.get("audit_vocabulary", {})


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class ReadableEvent:
    event: AuditEvent
    when: str
    action: str
    actor: str
    actor_detail: str
    organisation: str
    object_label: str
    object_name: str
    changes: list[Change]


def when(moment: datetime) -> str:
    """An instant in the city's time, with the zone's abbreviation (PST or PDT)."""
    return local(moment).strftime("%Y-%m-%d %H:%M %Z")


def readable(events: Sequence[AuditEvent]) -> list[ReadableEvent]:
    """The events as a page shows them, with every name looked up in one query per type."""
    vocabulary = _vocabulary()
    fields = _field_labels(vocabulary, {e.object_type for e in events})
    names = _names(vocabulary, _wanted(vocabulary, events))
    return [_readable(e, vocabulary, fields, names) for e in events]


def _field_labels(
    vocabulary: Mapping[str, ObjectType], object_types: Iterable[str]
) -> dict[str, Mapping[str, str]]:
    labels = {}
    for object_type in object_types:
        kind = vocabulary.get(object_type)
        if kind is not None:
            labels[object_type] = kind.fields() if callable(kind.fields) else kind.fields
    return labels


def _ids(value: Any) -> Iterable[str]:
    if isinstance(value, list | tuple):
        for item in value:
            yield from _ids(item)
    elif value is not None and value != "":
        yield str(value)


def _wanted(vocabulary: Mapping[str, ObjectType], events: Sequence[AuditEvent]):
    wanted: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.actor_id is not None:
            wanted["user"].add(str(event.actor_id))
        if event.organisation_id is not None:
            wanted["organisation"].add(str(event.organisation_id))
        if event.object_id:
            wanted[event.object_type].add(event.object_id)
        kind = vocabulary.get(event.object_type)
        for name, change in (event.changes or {}).items():
            target = kind.references.get(name) if kind else None
            if target and isinstance(change, dict):
                for side in ("before", "after"):
                    wanted[target].update(_ids(change.get(side)))
    return wanted


def _names(vocabulary: Mapping[str, ObjectType], wanted: Mapping[str, set[str]]):
    names: dict[str, Mapping[str, str]] = {}
    for object_type, ids in wanted.items():
        kind = vocabulary.get(object_type)
        names[object_type] = kind.names(ids) if kind and kind.names and ids else {}
    return names


def _readable(
    event: AuditEvent,
    vocabulary: Mapping[str, ObjectType],
    fields: Mapping[str, Mapping[str, str]],
    names: Mapping[str, Mapping[str, str]],
) -> ReadableEvent:
    kind = vocabulary.get(event.object_type)
    actor_name = names.get("user", {}).get(str(event.actor_id)) if event.actor_id else None
    return ReadableEvent(
        event=event,
        when=when(event.at),
        action=action_label(event.action),
        actor=actor_name or _actor_email(event),
        actor_detail=_actor_detail(event, actor_name),
        organisation=names.get("organisation", {}).get(str(event.organisation_id), "")
        if event.organisation_id is not None
        else "",
        object_label=kind.label if kind else humanize(event.object_type),
        object_name=names.get(event.object_type, {}).get(event.object_id or "", ""),
        changes=_changes(event, kind, fields.get(event.object_type, {}), names),
    )


def _actor_email(event: AuditEvent) -> str:
    return "The system" if event.actor_email == "system" else event.actor_email


def _actor_detail(event: AuditEvent, actor_name: str | None) -> str:
    try:
        role = Role(event.actor_role).label
    except ValueError:
        role = ""
    parts = [event.actor_email if actor_name else "", role]
    return " · ".join(p for p in parts if p)


def _changes(
    event: AuditEvent,
    kind: ObjectType | None,
    labels: Mapping[str, str],
    names: Mapping[str, Mapping[str, str]],
) -> list[Change]:
    changes = []
    for name, change in sorted((event.changes or {}).items()):
        if not isinstance(change, dict):
            change = {"before": None, "after": change}
        target = kind.references.get(name) if kind else None
        value_names = names.get(target, {}) if target else (kind.values.get(name) if kind else {})
        changes.append(
            Change(
                label=labels.get(name) or humanize(name),
                before=plain(change.get("before"), value_names or {}),
                after=plain(change.get("after"), value_names or {}),
            )
        )
    return changes


def plain(value: Any, labels: Mapping[str, str] | None = None) -> str:
    """A stored value in words: nothing as a dash, Yes and No, lists joined, instants in the
    city's time, and known values (enumerations, ids) by their label or name."""
    labels = labels or {}
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return ", ".join(plain(item, labels) for item in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{key}: {plain(item, labels)}" if item not in (None, "") else str(key)
            for key, item in value.items()
        )
    text = str(value)
    if text in labels:
        return labels[text]
    return _plain_time(text)


def _plain_time(text: str) -> str:
    """Instants were stored in UTC (jsonable's isoformat); people read them in local time.
    Dates stay as they are, as every page shows them."""
    if not _ISO_INSTANT.match(text):
        return text
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return when(moment) if moment.tzinfo else text.replace("T", " ")


def action_label(action: str) -> str:
    """An action code in words: "agreement.parameters_set" -> "Agreement parameters set",
    "auth.signed_in" -> "Signed in" (the sign-in steps name no object)."""
    return humanize(action.removeprefix("auth.").replace(".", " "))


def object_type_labels(object_types: Iterable[str]) -> dict[str, str]:
    vocabulary = _vocabulary()
    return {t: vocabulary[t].label if t in vocabulary else humanize(t) for t in object_types}
