"""The privacy office's forms on a case (shape checks only; services check meaning)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from sharing.concerns.models import BODY_MAX
from sharing.core.forms import optional_int


class VersionForm(FlaskForm):
    """A step with nothing to fill in but the version the page was opened on."""

    version = HiddenField()


class AssignForm(VersionForm):
    assignee_id = SelectField("Assigned to", coerce=optional_int, validate_choice=False)

    def set_users(self, users) -> None:
        people = [(u.id, u.name or u.email) for u in users]
        self.assignee_id.choices = [(None, "Nobody yet"), *people]


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Internal note",
        validators=[DataRequired(message="Write the note."), Length(max=BODY_MAX)],
        description="Seen only by the privacy office, never by the public.",
        render_kw={"rows": 3},
    )


class ResponseForm(VersionForm):
    public_response = TextAreaField(
        "Public response",
        validators=[DataRequired(message="Write the response."), Length(max=BODY_MAX)],
        description="Shown on the status page to anyone with the reference, and mailed to "
        "the person if they left an address. Saving it marks the case answered.",
        render_kw={"rows": 6},
    )


class DeadlineForm(VersionForm):
    due_on = DateField("New deadline", validators=[DataRequired(message="Enter a date.")])
    reason = TextAreaField(
        "Why it changes",
        validators=[DataRequired(message="Say why the deadline changes."), Length(max=1000)],
        render_kw={"rows": 2},
    )
