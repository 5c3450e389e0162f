"""Forms for incidents and disclosures (shape checks only; services check meaning)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from sharing.core.clock import city_timezone


def _optional_int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


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
        validators=[DataRequired(message="Enter the date and time you discovered it.")],
        description="The city's local time. The notice period counts from this moment.",
    )
    affected_individuals = IntegerField(
        "Individuals affected",
        validators=[Optional(), NumberRange(min=0, message="Enter zero or more.")],
        description="Your best estimate; leave blank if not yet known.",
    )
    containment = TextAreaField(
        "Containment steps taken",
        validators=[Optional(), Length(max=10000)],
        description="What you have done so far to stop it and limit the harm.",
    )
    agreement_id = SelectField(
        "Related agreement",
        coerce=_optional_int,
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
