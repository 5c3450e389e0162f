"""Use cases for the data-category vocabulary: add, edit, and install the standard set."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.errors import Conflict, DomainError, ValidationFailed
from sharing.extensions import db
from sharing.flows.models import DataCategory, Sensitivity
from sharing.flows.vocabulary import CATEGORIES, ensure_vocabulary

FLAG_FIELDS = tuple(attr for attr, _ in DataCategory.SPECIAL_FLAGS)
CATEGORY_FIELDS = ("name", "description", "sensitivity", *FLAG_FIELDS, "active")


def category_version(category: DataCategory) -> str:
    return category.updated_at.isoformat() if category.updated_at else ""


def create_category(*, actor: Any, values: dict[str, Any]) -> DataCategory:
    clean = _checked(values, exclude_id=None)
    category = DataCategory(**clean)
    db.session.add(category)
    db.session.flush()
    audit.record(
        actor=actor,
        action="category.created",
        object_type="data_category",
        object_id=category.id,
        changes=audit.created(audit.snapshot(category, CATEGORY_FIELDS)),
        summary=f"Added the category {category.name}",
    )
    commit_or_conflict()
    return category


def update_category(
    *, actor: Any, category: DataCategory, values: dict[str, Any], expected_version: str | None
) -> DataCategory:
    if expected_version and expected_version != category_version(category):
        raise Conflict(
            "Someone else changed this category after you opened it, so nothing was saved. "
            "Reload the page to see their change."
        )
    clean = _checked(values, exclude_id=category.id)
    before = audit.snapshot(category, CATEGORY_FIELDS)
    for name, value in clean.items():
        setattr(category, name, value)
    audit.record(
        actor=actor,
        action="category.updated",
        object_type="data_category",
        object_id=category.id,
        changes=audit.diff(before, audit.snapshot(category, CATEGORY_FIELDS)),
        summary=f"Edited the category {category.name}",
    )
    commit_or_conflict()
    return category


def missing_standard_categories() -> list[str]:
    existing = set(db.session.scalars(select(DataCategory.name)))
    return [entry["name"] for entry in CATEGORIES if entry["name"] not in existing]


def install_vocabulary(*, actor: Any) -> int:
    """Add the standard categories this installation lacks; existing ones are left alone."""
    missing = missing_standard_categories()
    if not missing:
        raise DomainError("Every standard category is already installed.")
    added = ensure_vocabulary(db.session)
    audit.record(
        actor=actor,
        action="category.vocabulary_installed",
        object_type="data_category",
        changes={"categories": {"before": None, "after": missing}},
        summary=f"Installed {added} standard data categories",
    )
    commit_or_conflict()
    return added


def _checked(values: dict[str, Any], *, exclude_id: int | None) -> dict[str, Any]:
    errors = {}
    name = " ".join(str(values.get("name") or "").split())
    if not name:
        errors["name"] = "Enter the category's name."
    elif len(name) > 120:
        errors["name"] = "Use at most 120 characters."
    else:
        clash = select(DataCategory.id).where(func.lower(DataCategory.name) == name.lower())
        if exclude_id is not None:
            clash = clash.where(DataCategory.id != exclude_id)
        if db.session.scalar(clash) is not None:
            errors["name"] = "A category with this name already exists."
    try:
        sensitivity = Sensitivity(values.get("sensitivity"))
    except ValueError:
        errors["sensitivity"] = "Choose one of the sensitivity levels."
    if errors:
        raise ValidationFailed(errors)
    clean = {
        "name": name,
        "description": str(values.get("description") or "").strip()[:2000],
        "sensitivity": sensitivity,
        "active": bool(values.get("active", True)),
    }
    clean.update({flag: bool(values.get(flag)) for flag in FLAG_FIELDS})
    return clean
