"""Helpers shared by every form: reading ids and versions, putting service errors on fields."""

from __future__ import annotations

from typing import Any

from flask import flash
from flask_wtf import FlaskForm

from sharing.errors import ValidationFailed


def optional_int(value: Any) -> int | None:
    """A chosen id, or None for a blank choice ("" or "None") or anything that is not a whole
    number. The `coerce=` of select fields whose first choice is blank."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def version_of(form: FlaskForm) -> int | None:
    """The record version the form was opened on (its hidden `version`), for the optimistic
    lock; None when missing or not a number."""
    return optional_int(form.version.data)


def populate_errors(form: FlaskForm, error: ValidationFailed) -> None:
    """Show each reason beside its field; reasons for unknown fields are flashed."""
    for name, reason in error.errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), reason]
        else:
            flash(reason, "danger")
    if not error.errors:
        flash(error.message, "danger")
