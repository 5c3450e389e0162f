"""Forms of the agreement lifecycle steps (shape checks only; lifecycle.py checks meaning)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from sharing.agreements.lifecycle import MAX_COMMENT, MAX_REASON


class StepForm(FlaskForm):
    """A one-click step: the CSRF token, the version it was shown at, an optional comment."""

    version = HiddenField()
    comment = TextAreaField("Comment", validators=[Optional(), Length(max=MAX_COMMENT)])


class ExecuteForm(FlaskForm):
    signed_pdf = FileField(
        "Signed agreement (PDF)",
        validators=[FileRequired("Choose the signed agreement, as a PDF.")],
        description="The fully signed copy, as a PDF without a password (at most 20 MB).",
        render_kw={"accept": ".pdf,application/pdf"},
    )
    signed_on = DateField(
        "Signed on",
        validators=[InputRequired("Enter the date the last party signed.")],
        description="The date of the last signature.",
    )
    version = HiddenField()
    submit = SubmitField("Record the signed agreement")


class TerminateForm(FlaskForm):
    reason = TextAreaField(
        "Reason",
        validators=[
            DataRequired("Say why the agreement is terminated."),
            Length(max=MAX_REASON),
        ],
        description="Kept in the register, and shown on the agreement.",
    )
    terminated_on = DateField(
        "Terminated on",
        validators=[Optional()],
        description="Today, unless the termination took effect earlier.",
    )
    version = HiddenField()
    submit = SubmitField("Terminate the agreement")


class RenewForm(FlaskForm):
    successor = SelectField(
        "Renewed by",
        coerce=int,
        validators=[InputRequired("Choose the agreement that renews this one.")],
        description="A renewal amendment of this agreement, or a newer agreement with the "
        "same organization.",
    )
    comment = TextAreaField("Comment", validators=[Optional(), Length(max=MAX_COMMENT)])
    version = HiddenField()
    submit = SubmitField("Record the renewal")
