"""Recording audit events. Callers add the event to their own transaction and commit once."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from flask import g, has_request_context, request

from sharing.audit.models import AuditEvent
from sharing.extensions import db


class ActorLike(Protocol):
    id: int
    email: str
    role: Any
    organisation_id: int | None


@dataclass(frozen=True)
class SystemActor:
    """The actor for command-line jobs and unauthenticated steps."""

    id: None = None
    email: str = "system"
    role: str = "system"
    organisation_id: None = None


SYSTEM = SystemActor()


def jsonable(value: Any) -> Any:
    """A JSON-safe copy of a column value, for the before/after record."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        # Sorted so that an unchanged set never shows up as a change.
        return sorted((jsonable(v) for v in value), key=repr)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: Any, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    return {name: jsonable(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Only the fields whose value changed, as {"field": {"before": x, "after": y}}."""
    changed = {}
    for key in sorted(set(before) | set(after)):
        old, new = jsonable(before.get(key)), jsonable(after.get(key))
        if old != new:
            changed[key] = {"before": old, "after": new}
    return changed


def created(after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return diff({}, after)


def deleted(before: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return diff(before, {})


def record(
    *,
    actor: ActorLike | SystemActor | None,
    action: str,
    object_type: str,
    object_id: Any = None,
    changes: dict[str, Any] | None = None,
    summary: str = "",
    organisation_id: int | None = None,
) -> AuditEvent:
    """Add one audit event to the current session; the calling service commits it."""
    actor = actor or SYSTEM
    event = AuditEvent(
        **who_and_where(actor),
        organisation_id=organisation_id if organisation_id is not None else actor.organisation_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        changes=jsonable(changes or {}),
        summary=summary[:2000],
    )
    db.session.add(event)
    return event


def who_and_where(actor: ActorLike | SystemActor) -> dict[str, Any]:
    """The actor and request columns of an event: for `record`, and for bulk writers that
    insert many events at once."""
    role = actor.role.value if isinstance(actor.role, enum.Enum) else str(actor.role)
    in_request = has_request_context()
    return {
        "actor_id": actor.id,
        "actor_email": actor.email,
        "actor_role": role,
        "ip": (request.remote_addr or "")[:64] if in_request else "",
        "request_id": g.get("request_id", "") if in_request else "",
    }
