"""Helpers shared by every form: putting service errors on the right fields."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm

from sharing.errors import ValidationFailed


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
