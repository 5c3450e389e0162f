"""Forms of the directive pages (shape only; directives.py and certificates.py check meaning)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from sharing.disposition.certificates import CONSENT_TEXT, MAX_COMMENT, MAX_TEXT
from sharing.disposition.directives import MAX_AUTHORIZATION, MAX_METHOD
from sharing.disposition.models import DispositionAction, SubprocessorConfirmation
from sharing.signing.forms import SignForm

DONE_LABELS = {
    DispositionAction.RETURN: "Returned to the City",
    DispositionAction.DESTROY: "Destroyed",
    DispositionAction.DEIDENTIFY: "De-identified",
}


class AuthorizationForm(FlaskForm):
    reference = TextAreaField(
        "The City's written authorization",
        validators=[DataRequired("Say which written authorization this is."),
                    Length(max=MAX_AUTHORIZATION)],
        description="What it is and where it is kept: for example, the records officer's "
        "approval of the destruction, or the council resolution and its number.",
    )  # fmt: skip
    dated = DateField(
        "Date of the authorization",
        validators=[DataRequired("Enter the date of the written authorization.")],
    )
    version = HiddenField()
    submit = SubmitField("Record the authorization")


class ElementForm(FlaskForm):
    action = RadioField(
        "What must happen",
        choices=[(a.value, a.label) for a in DispositionAction],
        validators=[DataRequired("Choose what must happen to these data.")],
    )
    method = TextAreaField(
        "How",
        validators=[Optional(), Length(max=MAX_METHOD)],
        description="Leave empty to use the method the rules give for the action chosen.",
        render_kw={"rows": 5},
    )
    version = HiddenField()
    submit = SubmitField("Save and update the directive")


class AnswerForm(Form):
    """One element's row of the certificate."""

    element_id = HiddenField()
    done_action = SelectField(
        "What was done",
        choices=[("", "Not yet answered")] + [(a.value, label) for a, label in DONE_LABELS.items()],
        validators=[Optional()],
    )
    done_on = DateField("When", validators=[Optional()])
    done_method = TextAreaField(
        "By what method", validators=[Optional(), Length(max=MAX_TEXT)], render_kw={"rows": 3}
    )
    subprocessors_confirmed = SelectField(
        "Subprocessors",
        choices=[("", "Not yet answered")] + [(c.value, c.label) for c in SubprocessorConfirmation],
        validators=[Optional()],
    )
    backups = TextAreaField(
        "Backups",
        validators=[Optional(), Length(max=MAX_TEXT)],
        description="How backup copies were handled, or the day the last one expires.",
        render_kw={"rows": 2},
    )
    notes = TextAreaField(
        "Notes",
        validators=[Optional(), Length(max=MAX_TEXT)],
        description="Required when what was done differs from what was directed.",
        render_kw={"rows": 2},
    )


class CertificateForm(FlaskForm):
    elements = FieldList(FormField(AnswerForm), label="Element")
    version = HiddenField()
    submit = SubmitField("Save answers")


class CertificateSignForm(SignForm):
    """The agreement's signature form, with the certificate's own consent words."""

    consent = SignForm.consent.field_class(
        "I agree to sign electronically",
        validators=[DataRequired("Agree to sign electronically.")],
        description=CONSENT_TEXT,
    )
    submit = SubmitField("Sign the certificate")


class ReviewForm(FlaskForm):
    decision = RadioField(
        "Decision",
        choices=[("accept", "Accept the certificate"), ("return", "Return it with questions")],
        validators=[DataRequired("Choose to accept the certificate or return it.")],
    )
    comment = TextAreaField(
        "Questions for the vendor",
        validators=[Optional(), Length(max=MAX_COMMENT)],
        description="Required when you return the certificate; the vendor sees them.",
        render_kw={"rows": 4},
    )
    version = HiddenField()
    submit = SubmitField("Record the decision")
