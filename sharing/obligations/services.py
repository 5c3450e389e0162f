"""Obligation-library use cases: loading the data file, drafts, edits, publishing. (What a new
version would change in the agreements in force is agreements/policy_impact.py.)

A published policy version never changes. The privacy office edits a draft copied from the
latest published version, then publishes it with an effective date as a new version.
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.errors import Conflict, DomainError, NotFound, ValidationFailed
from sharing.extensions import db
from sharing.obligations.library import (
    DEFAULT_FILE,
    ENTRY_FIELDS,
    LABEL,
    build_version,
    check_entry,
    read_library,
    shipped_libraries,
)
from sharing.obligations.models import Obligation, PolicyStatus, PolicyVersion

OBLIGATION_FIELDS = ENTRY_FIELDS
EDITABLE_FIELDS = tuple(name for name in ENTRY_FIELDS if name != "code")
VERSION_FIELDS = ("label", "status", "effective_date", "notes", "based_on_id")


def snapshot(obligation: Obligation) -> dict[str, Any]:
    return audit.snapshot(obligation, OBLIGATION_FIELDS)


# Reading -------------------------------------------------------------------------------


def get_version(version_id: int) -> PolicyVersion:
    version = db.session.get(PolicyVersion, version_id)
    if version is None:
        raise NotFound("That policy version does not exist.")
    return version


def latest_published() -> PolicyVersion | None:
    return db.session.scalar(
        select(PolicyVersion)
        .where(PolicyVersion.status == PolicyStatus.PUBLISHED)
        .order_by(PolicyVersion.effective_date.desc(), PolicyVersion.id.desc())
        .limit(1)
    )


def open_draft() -> PolicyVersion | None:
    return db.session.scalar(
        select(PolicyVersion).where(PolicyVersion.status == PolicyStatus.DRAFT)
    )


# Loading -------------------------------------------------------------------------------


def load_library(*, actor: Any, path: Path = DEFAULT_FILE, now: datetime) -> PolicyVersion | None:
    """Publish a data file as a new policy version; None when its label is already loaded.

    The file becomes a draft based on the latest published version and is published by
    `publish_policy`, the office's own path, so the effective-date floor holds and the impact
    pages can compare it with what it replaces. A file whose label exists but whose content
    differs is refused: a changed library needs a new label, because the published version
    it would replace never changes.
    """
    library = read_library(path)
    existing = db.session.scalar(select(PolicyVersion).where(PolicyVersion.label == library.label))
    if existing is not None:
        if existing.source_sha256 and existing.source_sha256 != library.sha256:
            raise Conflict(
                f"Policy {library.label} is already loaded from a different file. "
                "Give the changed library a new label."
            )
        return None
    source = latest_published()
    draft = build_version(
        library, status=PolicyStatus.DRAFT, based_on=source, created_by_id=actor.id
    )
    db.session.add(draft)
    db.session.flush()
    audit.record(
        actor=actor,
        action="policy.loaded",
        object_type="policy_version",
        object_id=draft.id,
        changes=audit.created(audit.snapshot(draft, VERSION_FIELDS)),
        summary=f"Loaded policy {draft.label} ({len(draft.obligations)} obligations) "
        f"from {path.name}" + (f", based on policy {source.label}" if source else ""),
    )
    try:
        return publish_policy(
            actor=actor, version=draft, effective_date=library.effective_date, now=now
        )
    except DomainError:
        db.session.rollback()
        raise


def load_shipped_libraries(*, actor: Any, now: datetime) -> list[PolicyVersion]:
    """Publish every shipped data file not yet loaded, oldest label first; [] when none."""
    loaded = []
    for library in shipped_libraries():
        version = load_library(actor=actor, path=library.path, now=now)
        if version is not None:
            loaded.append(version)
    return loaded


# Drafts --------------------------------------------------------------------------------


def create_draft(*, actor: Any, label: str, notes: str = "") -> PolicyVersion:
    """A draft copy of the latest published version, for the privacy office to edit."""
    label = label.strip()
    if not LABEL.match(label):
        raise ValidationFailed({"label": "Use 1-32 letters, digits, dots or hyphens."})
    if db.session.scalar(select(PolicyVersion.id).where(PolicyVersion.label == label)):
        raise ValidationFailed({"label": f"Policy {label} already exists."})
    draft = open_draft()
    if draft is not None:
        raise Conflict(f"Draft {draft.label} is already open. Publish or edit that one.")
    source = latest_published()
    if source is None:
        raise Conflict("There is no published policy to start from. Load the library first.")
    version = PolicyVersion(
        label=label,
        status=PolicyStatus.DRAFT,
        notes=notes.strip(),
        based_on=source,
        created_by_id=actor.id,
    )
    version.obligations = [
        Obligation(sort_order=o.sort_order, **_copy(snapshot(o))) for o in source.obligations
    ]
    db.session.add(version)
    db.session.flush()
    audit.record(
        actor=actor,
        action="policy.draft_created",
        object_type="policy_version",
        object_id=version.id,
        changes=audit.created(audit.snapshot(version, VERSION_FIELDS)),
        summary=f"Started draft {label} from policy {source.label}",
    )
    commit_or_conflict()
    return version


def _copy(values: dict[str, Any]) -> dict[str, Any]:
    """A deep copy, so the draft shares no lists or dicts with the published rows."""
    return copy.deepcopy(values)


def _require_draft(version: PolicyVersion) -> None:
    if version.status != PolicyStatus.DRAFT:
        raise Conflict(
            f"Policy {version.label} is published and never changes. Start a draft to make changes."
        )


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    errors = check_entry(values)
    if errors:
        raise ValidationFailed(errors)
    return values


def update_obligation(*, actor: Any, obligation: Obligation, values: dict[str, Any]) -> Obligation:
    """Change an obligation of a draft; its code stays, because agreements cite it."""
    _require_draft(obligation.policy_version)
    before = snapshot(obligation)
    clean = _checked({**before, **{k: values[k] for k in EDITABLE_FIELDS if k in values}})
    for name in EDITABLE_FIELDS:
        setattr(obligation, name, clean[name])
    changes = audit.diff(before, snapshot(obligation))
    audit.record(
        actor=actor,
        action="obligation.updated",
        object_type="obligation",
        object_id=obligation.id,
        changes=changes,
        summary=f"Edited {obligation.code} in draft {obligation.policy_version.label}",
    )
    commit_or_conflict()
    return obligation


def add_obligation(*, actor: Any, version: PolicyVersion, values: dict[str, Any]) -> Obligation:
    _require_draft(version)
    clean = _checked({name: values.get(name) for name in OBLIGATION_FIELDS})
    if any(o.code == clean["code"] for o in version.obligations):
        raise ValidationFailed({"code": f"{clean['code']} is already in this draft."})
    position = max((o.sort_order for o in version.obligations), default=0) + 1
    obligation = Obligation(sort_order=position, **clean)
    version.obligations.append(obligation)
    db.session.flush()
    audit.record(
        actor=actor,
        action="obligation.created",
        object_type="obligation",
        object_id=obligation.id,
        changes=audit.created(snapshot(obligation)),
        summary=f"Added {obligation.code} to draft {version.label}",
    )
    commit_or_conflict()
    return obligation


def remove_obligation(*, actor: Any, obligation: Obligation) -> None:
    version = obligation.policy_version
    _require_draft(version)
    audit.record(
        actor=actor,
        action="obligation.removed",
        object_type="obligation",
        object_id=obligation.id,
        changes=audit.deleted(snapshot(obligation)),
        summary=f"Removed {obligation.code} from draft {version.label}",
    )
    version.obligations.remove(obligation)
    commit_or_conflict()


def publish_policy(
    *, actor: Any, version: PolicyVersion, effective_date: date, now: datetime
) -> PolicyVersion:
    """Publish a draft as a new policy version; from then on it never changes."""
    _require_draft(version)
    if not version.obligations:
        raise ValidationFailed({}, "A policy needs at least one obligation.")
    floor = version.based_on.effective_date if version.based_on else None
    if floor is not None and effective_date < floor:
        raise ValidationFailed(
            {
                "effective_date": f"Must be on or after {floor.isoformat()}, when policy "
                f"{version.based_on.label} took effect."
            }
        )
    before = audit.snapshot(version, VERSION_FIELDS)
    publisher_id = actor.id
    # Every column in one flush: once stored as published, the model refuses further changes.
    version.effective_date = effective_date
    version.published_at = now
    version.published_by_id = publisher_id
    version.status = PolicyStatus.PUBLISHED
    audit.record(
        actor=actor,
        action="policy.published",
        object_type="policy_version",
        object_id=version.id,
        changes=audit.diff(before, audit.snapshot(version, VERSION_FIELDS)),
        summary=f"Published policy {version.label}, effective {effective_date.isoformat()}",
    )
    commit_or_conflict()
    return version


def count_obligations() -> dict[int, int]:
    """Obligations per policy version, for the versions list (one query)."""
    rows = db.session.execute(
        select(Obligation.policy_version_id, func.count()).group_by(Obligation.policy_version_id)
    )
    return dict(rows.all())
