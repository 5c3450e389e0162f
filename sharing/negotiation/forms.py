"""Forms of negotiation: the returned copy's upload, a decision on one change, the
regeneration (shape checks only; upload.py and decisions.py check meaning)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from sharing.negotiation.decisions import MAX_NOTE
from sharing.negotiation.models import Decision
from sharing.negotiation.upload import MAX_UPLOAD_BYTES


class ReturnedCopyForm(FlaskForm):
    returned_file = FileField(
        "Returned agreement (.docx)",
        validators=[FileRequired("Choose the returned agreement, as a Word document.")],
        description="The agreement as generated, with your changes made in Word (tracked or "
        f"not), saved as .docx; at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
        render_kw={
            "accept": ".docx,application/vnd.openxmlformats-officedocument."
            "wordprocessingml.document"
        },
    )
    submit = SubmitField("Upload the returned agreement")


class DecisionForm(FlaskForm):
    decision = RadioField(
        "Decision",
        choices=[
            (Decision.PARAMETER.value, "Accept as a parameter change"),
            (Decision.EXCEPTION.value, "Accept as an exception"),
            (Decision.REJECTED.value, "Reject"),
        ],
        validators=[InputRequired("Choose a decision.")],
    )
    note = TextAreaField(
        "Reason or comment",
        validators=[Optional(), Length(max=MAX_NOTE)],
        description="An exception needs the reason the City accepts it; a rejection needs a "
        "comment for the vendor.",
    )
    submit = SubmitField("Save the decision")


def decision_form(deviation: Any, **kwargs: Any) -> DecisionForm:
    """The decision form of one deviation. A change that sets no parameter cannot be accepted
    as a parameter change, so that choice is not offered for it."""
    form = DecisionForm(prefix=f"d{deviation.id}", **kwargs)
    if not deviation.parameter_name:
        form.decision.choices = [
            choice for choice in form.decision.choices if choice[0] != Decision.PARAMETER.value
        ]
    return form


class RegenerateForm(FlaskForm):
    submit = SubmitField("Regenerate the agreement with these decisions")
