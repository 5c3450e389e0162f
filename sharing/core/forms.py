"""Helpers shared by every form: reading ids and versions, putting service errors on fields,
and the flash and redirect that end a successful submission."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import flash, redirect
from flask_wtf import FlaskForm
from jinja2 import pass_context
from jinja2.runtime import Context
from werkzeug.wrappers import Response
from wtforms import FieldList, FormField
from wtforms.form import BaseForm
from wtforms.validators import StopValidation
from wtforms.widgets import ListWidget

from sharing.core.countries import UNKNOWN_COUNTRY, country_code
from sharing.errors import ValidationFailed

T = TypeVar("T")


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


@dataclass(frozen=True)
class SummaryError:
    """One line of a page's error summary: where the field is, what it is, what is wrong."""

    target: str  # the id the summary links to; "" for a field the page does not show
    label: str
    message: str


@pass_context
def page_errors(context: Context) -> list[SummaryError]:
    """Every error on the forms the page was given, in the order of their fields, so that one
    summary at the top of the page serves every form, however its fields are rendered."""
    found: list[SummaryError] = []
    seen: set[int] = set()
    for value in context.get_all().values():
        if isinstance(value, BaseForm) and id(value) not in seen:
            seen.add(id(value))
            found.extend(_errors_of(value, prefix=""))
    return found


def _errors_of(fields: Any, *, prefix: str) -> list[SummaryError]:
    found: list[SummaryError] = []
    for field in fields:
        label = f"{prefix}{field.label.text}" if prefix else field.label.text
        if isinstance(field, FormField):
            found.extend(_errors_of(field, prefix=prefix))
        elif isinstance(field, FieldList):
            # Strings are about the list as a whole; the rest belong to its rows.
            whole = [m for m in field.errors if isinstance(m, str)]
            if whole:
                found.append(SummaryError(field.id, label, " ".join(whole)))
            for number, entry in enumerate(field.entries, start=1):
                found.extend(_errors_of([entry], prefix=f"{label} {number}: "))
        elif field.errors:
            # One line per field, as beside the field itself.
            found.append(SummaryError(_target(field), label, " ".join(field.errors)))
    return found


def _target(field: Any) -> str:
    """The id to link to: the first option of a group of radios or boxes, which carries no id
    of its own; nothing for a hidden field, which cannot take focus."""
    if field.type in ("HiddenField", "CSRFTokenField"):
        return ""
    if field.type == "RadioField" or isinstance(field.widget, ListWidget):
        return f"{field.id}-0"
    return field.id


def redirect_after(
    form: FlaskForm,
    service: Callable[[], T],
    *,
    message: str | Callable[[T], str],
    to: str | Callable[[T], str],
) -> Response | None:
    """Call `service`. When it succeeds, flash `message` and redirect to `to`; either may be
    a function of what the service returned (a message naming the saved record, or its page).
    When it raises ValidationFailed, put each reason on its field and return None, so that
    the view shows the form again."""
    try:
        result = service()
    except ValidationFailed as error:
        populate_errors(form, error)
        return None
    flash(message(result) if callable(message) else message, "success")
    return redirect(to(result) if callable(to) else to)


def known_country(form: FlaskForm, field: Any) -> None:
    """A form validator: the text names a country or gives its code (blank is left to the
    field's other validators). The typed text stays in the box so it can be corrected."""
    text = (field.data or "").strip()
    if text and country_code(text) is None:
        raise StopValidation(UNKNOWN_COUNTRY)


# The list a country text box offers (templates add <datalist id="country-names">).
COUNTRY_BOX = {"list": "country-names", "autocomplete": "country-name"}
