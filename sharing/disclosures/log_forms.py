"""Forms of the disclosure log and the accounting report (shape checks only; the services in
log.py decide what an entry means: flags, agreement, retention)."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from sharing.attestations.evidence_forms import ACCEPT
from sharing.core.forms import optional_int
from sharing.flows.models import Frequency, TransferMethod

OTHER = "__other__"
EARLIEST_DATE = date(1990, 1, 1)
FREQUENCIES = [(f.value, f.label) for f in Frequency if f is not Frequency.ONE_TIME]


def _not_before(earliest: date):
    """A date before the register could hold any disclosure is a typing slip (0001-01-01)."""

    def check(form, field) -> None:
        if field.data is not None and field.data < earliest:
            raise ValidationError(f"Enter a date from {earliest.isoformat()} on.")

    return check


class FlowPickerForm(FlaskForm):
    """Step one of a new entry: which approved flow (a GET form, no CSRF)."""

    class Meta:
        csrf = False

    flow = SelectField(
        "Data flow",
        coerce=optional_int,
        validators=[DataRequired(message="Choose the approved data flow.")],
        description="Only approved flows can carry disclosures.",
    )
    submit = SubmitField("Continue")


class DisclosureForm(FlaskForm):
    disclosed_on = DateField(
        "Date of disclosure",
        validators=[DataRequired(message="Give the date."), _not_before(EARLIEST_DATE)],
        description="For a recurring disclosure, the first date.",
    )
    categories = SelectMultipleField(
        "Categories of data",
        coerce=int,
        validators=[DataRequired(message="Choose the categories of data disclosed.")],
        description="Only the categories the flow declares. Hold Ctrl or Cmd to choose several.",
    )
    record_count = IntegerField(
        "Number of records or individuals",
        validators=[Optional(), NumberRange(min=0, max=2_000_000_000)],
    )
    purpose_choice = SelectField(
        "Purpose",
        validators=[DataRequired(message="Choose the purpose.")],
        description="The flow's agreed purposes. Another purpose is recorded and flagged.",
    )
    purpose_other = StringField(
        "Other purpose",
        validators=[Optional(), Length(max=1000)],
        description="Only when the purpose is not one of the agreed purposes.",
    )
    legal_authority = TextAreaField("Legal authority", validators=[Optional(), Length(max=2000)])
    requested_by = StringField(
        "Requested by", validators=[Optional(), Length(max=200)], description="Person or office."
    )
    authorized_by_id = SelectField("Authorized by", coerce=optional_int)
    method = SelectField(
        "Method", choices=[(m.value, m.label) for m in TransferMethod], default="sftp"
    )
    is_recurring = BooleanField("Recurring disclosure (for example a daily feed)")
    frequency = SelectField("Frequency", choices=[("", "Not recurring"), *FREQUENCIES])
    exempt = BooleanField("Exempt from accounting (Public Records Act release, need-to-know)")
    exempt_reason = TextAreaField(
        "Reason for the exemption",
        validators=[Optional(), Length(max=2000)],
        description="Required for an exempt disclosure; it is still listed, marked exempt.",
    )
    request_file = FileField(
        "Request document",
        description="PDF, Word (.docx), Excel (.xlsx), PNG or JPEG; checked by its content.",
        render_kw={"accept": ACCEPT},
    )
    submit = SubmitField("Save")

    def set_choices(
        self, purposes: list[str], categories: list[tuple[int, str]], staff: list[tuple[int, str]]
    ) -> None:
        self.purpose_choice.choices = [
            ("", "Choose…"),
            *[(p, p) for p in purposes],
            (OTHER, "Another purpose (flagged)"),
        ]
        self.categories.choices = categories
        self.authorized_by_id.choices = [(None, "Not recorded"), *staff]

    def validate_purpose_other(self, field) -> None:
        if self.purpose_choice.data == OTHER and not (field.data or "").strip():
            raise ValueError("Describe the purpose.")

    @property
    def purpose(self) -> str:
        if self.purpose_choice.data == OTHER:
            return (self.purpose_other.data or "").strip()
        return self.purpose_choice.data or ""

    def show_purpose(self, purpose: str, purposes: list[str]) -> None:
        """Fill the purpose fields from a stored entry."""
        if purpose in purposes:
            self.purpose_choice.data = purpose
        else:
            self.purpose_choice.data, self.purpose_other.data = OTHER, purpose


class OccurrenceForm(FlaskForm):
    on = DateField("Date", validators=[DataRequired(message="Give the date.")])
    records = IntegerField(
        "Records",
        validators=[
            DataRequired(message="Give the number of records."),
            NumberRange(min=1, max=2_000_000_000),
        ],
    )
    submit = SubmitField("Add occurrence")
