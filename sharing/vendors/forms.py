"""Organisation and contact forms (shape checks only; formats and meaning are in the services)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from sharing.core.forms import COUNTRY_BOX, known_country, optional_int
from sharing.vendors.models import ContactRole, OrganisationKind, OrganisationStatus
from sharing.vendors.rules import CONTACT_FIELDS, ORGANISATION_FIELDS


def _optional(limit: int) -> list:
    return [Optional(), Length(max=limit)]


class OrganisationForm(FlaskForm):
    legal_name = StringField("Legal name", validators=[DataRequired(), Length(max=200)])
    common_name = StringField(
        "Common name", validators=_optional(200), description="The name people use, if different."
    )
    kind = SelectField("Kind", choices=[(k.value, k.label) for k in OrganisationKind])
    status = SelectField("Status", choices=[(s.value, s.label) for s in OrganisationStatus])
    parent_id = SelectField(
        "Parent organization",
        coerce=optional_int,
        validators=[Optional()],
        description="The group this organization belongs to, if any.",
    )
    ein = StringField(
        "EIN", validators=_optional(16), description="Federal employer number: NN-NNNNNNN."
    )
    duns = StringField(
        "DUNS number", validators=_optional(16), description="Nine digits, with leading zeros."
    )
    state_registration = StringField("State registration number", validators=_optional(64))
    address_line1 = StringField("Street address", validators=_optional(200))
    address_line2 = StringField("Address, second line", validators=_optional(200))
    city = StringField("City", validators=_optional(100))
    region = StringField("State or region", validators=_optional(100))
    postal_code = StringField("Postal code", validators=_optional(20))
    country = StringField(
        "Country",
        default="US",
        validators=[DataRequired(), Length(max=100), known_country],
        description="The country's name or two-letter code, such as Canada or CA.",
        render_kw=COUNTRY_BOX,
    )
    website = StringField("Website", validators=_optional(500))
    privacy_policy_url = StringField("Privacy policy", validators=_optional(500))
    dpa_url = StringField("Data processing terms", validators=_optional(500))
    subprocessor_list_url = StringField("Subprocessor list", validators=_optional(500))
    certifications = StringField(
        "Certifications",
        validators=_optional(2000),
        description="Separate them with commas, for example SOC 2 Type II, ISO 27001.",
    )
    notes = TextAreaField("Notes", validators=_optional(10_000))
    confirm_distinct = BooleanField("This is a different organization — save anyway")
    version = HiddenField()
    submit = SubmitField("Save organization")

    def set_parent_choices(self, choices: list[tuple[int, str]]) -> None:
        self.parent_id.choices = [("", "— none —"), *choices]

    def load(self, organisation) -> None:
        """Fill the fields from a saved organisation (GET of the edit page)."""
        for name in ORGANISATION_FIELDS:
            value = getattr(organisation, name)
            if name == "certifications":
                value = ", ".join(value or [])
            elif name in ("kind", "status"):
                value = value.value
            getattr(self, name).data = "" if value is None and name != "parent_id" else value
        self.version.data = str(organisation.version)

    def values(self) -> dict[str, Any]:
        """What the user entered, keyed like the service's values."""
        return {name: getattr(self, name).data for name in ORGANISATION_FIELDS}

    def expected_version(self) -> int | None:
        raw = (self.version.data or "").strip()
        return int(raw) if raw.isdigit() else None


class ContactForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    title = StringField("Job title", validators=_optional(120))
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    phone = StringField("Phone", validators=_optional(40))
    role = SelectField(
        "Role",
        choices=[(r.value, r.label) for r in ContactRole],
        description="What the office contacts this person about.",
    )
    submit = SubmitField("Save contact")

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name).data for name in CONTACT_FIELDS}


class DeleteForm(FlaskForm):
    """An empty form, so that a confirmed delete still carries a CSRF token."""

    submit = SubmitField("Delete")
