"""The publication form: publish a flow on the register, or exempt it with a reason, and the
public summary in English, Spanish and Vietnamese."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from sharing.register.services import MAX_REASON, MAX_SUMMARY


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
    public_summary = TextAreaField(
        "Public summary in English",
        description="Optional. Plain words for the public: what is shared, with whom and why. "
        f"At most {MAX_SUMMARY} characters.",
        validators=[Length(max=MAX_SUMMARY)],
        render_kw={"lang": "en", "rows": 4},
    )
    public_summary_es = TextAreaField(
        "Public summary in Spanish",
        description="Optional. Shown to visitors who read the register in Spanish.",
        validators=[Length(max=MAX_SUMMARY)],
        render_kw={"lang": "es", "rows": 4},
    )
    public_summary_vi = TextAreaField(
        "Public summary in Vietnamese",
        description="Optional. Shown to visitors who read the register in Vietnamese.",
        validators=[Length(max=MAX_SUMMARY)],
        render_kw={"lang": "vi", "rows": 4},
    )
    version = HiddenField()
    submit = SubmitField("Save the decision")
