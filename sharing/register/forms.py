"""The publication form: publish a flow on the register, or exempt it with a reason."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from sharing.register.services import MAX_REASON


class PublicationForm(FlaskForm):
    decision = SelectField(
        "Decision",
        choices=[
            ("publish", "Publish on the public register"),
            ("exempt", "Keep off the public register (exempt)"),
        ],
        validators=[DataRequired()],
    )
    exemption = TextAreaField(
        "Reason for the exemption",
        description="Required when exempt, for example the security of critical infrastructure. "
        "The reason is kept in the audit trail and never shown publicly.",
        validators=[Length(max=MAX_REASON)],
    )
    version = HiddenField()
    submit = SubmitField("Save the decision")
