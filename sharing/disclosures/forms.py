"""Forms for incidents and disclosures (shape checks only; services check meaning)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from sharing.core.clock import city_timezone
from sharing.core.forms import optional_int


def _plausible_year(form, field) -> None:
    """Years outside 1990-2999 are typing slips; 9999-12-31 would overflow the move to UTC."""
    if field.data is not None and not 1990 <= field.data.year <= 2999:
        raise ValidationError("Enter a date and time from 1990 on, such as 2026-03-01 09:30.")


class IncidentReportForm(FlaskForm):
    """A vendor's first report of a security incident."""

    title = StringField(
        "Title",
        validators=[DataRequired(message="Give the incident a short title."), Length(max=200)],
        description="A few words, without names of people affected.",
    )
    description = TextAreaField(
        "What happened",
        validators=[DataRequired(message="Describe what happened."), Length(max=10000)],
        description="What was exposed or lost, how, and which systems are involved.",
    )
    discovered_at = DateTimeLocalField(
        "Discovered at",
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[
            DataRequired(message="Enter the date and time you discovered it."),
            _plausible_year,
        ],
        description="The city's local time. The notice period counts from this moment.",
    )
    affected_individuals = IntegerField(
        "Individuals affected",
        validators=[
            Optional(),
            NumberRange(
                min=0, max=2_000_000_000, message="Enter zero or more (at most 2 billion)."
            ),
        ],
        description="Your best estimate; leave blank if not yet known.",
    )
    containment = TextAreaField(
        "Containment steps taken",
        validators=[Optional(), Length(max=10000)],
        description="What you have done so far to stop it and limit the harm.",
    )
    agreement_id = SelectField(
        "Related agreement",
        coerce=optional_int,
        validate_choice=False,
        validators=[Optional()],
    )
    submit = SubmitField("Report the incident")

    def set_agreements(self, agreements) -> None:
        self.agreement_id.choices = [("", "None or not sure")] + [
            (a.id, f"{a.number} · {a.title or 'Untitled'}") for a in agreements
        ]

    def discovered_at_utc(self) -> datetime:
        """The local date and time typed, as a UTC instant."""
        typed: datetime = self.discovered_at.data
        return typed.replace(tzinfo=city_timezone()).astimezone(UTC)

    def report_values(self) -> dict[str, Any]:
        return {
            "title": self.title.data or "",
            "description": self.description.data or "",
            "discovered_at": self.discovered_at_utc(),
            "affected_individuals": self.affected_individuals.data,
            "containment": self.containment.data or "",
            "agreement_id": self.agreement_id.data,
        }


class AffectedMixin:
    """The flows and categories an incident touches; choices are the organisation's own."""

    flow_ids = SelectMultipleField(
        "Data flows affected",
        coerce=int,
        validate_choice=False,
        description="The organization's data flows involved. Hold Ctrl (or Cmd) to pick several.",
    )
    category_ids = SelectMultipleField(
        "Data categories affected",
        coerce=int,
        validate_choice=False,
        description="Only categories shared in the flows you pick are accepted.",
    )

    def set_affected(self, flows, categories) -> None:
        self.flow_ids.choices = [(f.id, f.system_name) for f in flows]
        self.category_ids.choices = [(c.id, c.name) for c in categories]

    def affected_values(self) -> dict[str, Any]:
        return {
            "flow_ids": list(self.flow_ids.data or []),
            "category_ids": list(self.category_ids.data or []),
        }


class PortalIncidentForm(AffectedMixin, IncidentReportForm):
    """The vendor's report, with the flows and categories of their own organisation."""

    def report_values(self) -> dict[str, Any]:
        return {**super().report_values(), **self.affected_values()}


class StaffIncidentForm(AffectedMixin, IncidentReportForm):
    """An incident recorded by staff for an organisation."""

    organisation_id = SelectField(
        "Organization",
        coerce=optional_int,
        validate_choice=False,
        validators=[DataRequired(message="Choose an organization.")],
    )

    def set_organisations(self, organisations) -> None:
        self.organisation_id.choices = [("", "Choose an organization")] + [
            (o.id, o.display_name) for o in organisations
        ]

    def report_values(self) -> dict[str, Any]:
        return {
            **super().report_values(),
            **self.affected_values(),
            "organisation_id": self.organisation_id.data,
        }


class IncidentStepForm(FlaskForm):
    """One step of the incident workflow; the dates and the note are used by the steps
    that need them (the service says which are missing)."""

    version = HiddenField()
    individuals_notified_on = DateField(
        "Individuals notified on", validators=[Optional()], description="Leave blank if not yet."
    )
    authorities_notified_on = DateField(
        "Authorities notified on", validators=[Optional()], description="Leave blank if not yet."
    )
    note = TextAreaField(
        "Closing note",
        validators=[Optional(), Length(max=5000)],
        description="How it was resolved; added to the containment record.",
    )

    def expected_version(self) -> int | None:
        return optional_int(self.version.data)


class IncidentUpdateForm(FlaskForm):
    """A vendor's update to an incident it reported."""

    text = TextAreaField(
        "What is new",
        validators=[DataRequired(message="Say what is new since your report."), Length(max=10000)],
        description="What you have learned or done since you reported it. No names of people "
        "affected.",
    )
    affected_individuals = IntegerField(
        "New count of individuals affected",
        validators=[
            Optional(),
            NumberRange(
                min=0, max=2_000_000_000, message="Enter zero or more (at most 2 billion)."
            ),
        ],
        description="Only if your estimate changed; it replaces the count on the incident.",
    )
    containment = TextAreaField(
        "Further containment steps",
        validators=[Optional(), Length(max=10000)],
        description="Added to the incident's containment record.",
    )
    submit = SubmitField("Add the update")

    def update_values(self) -> dict[str, Any]:
        return {
            "text": self.text.data or "",
            "affected_individuals": self.affected_individuals.data,
            "containment": self.containment.data or "",
        }
