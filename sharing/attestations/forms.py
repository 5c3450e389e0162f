"""Forms for attestation requests, answers, submission and review (shape checks only).

The answer and review forms have one group of fields per question, so their classes are built
for each request's questionnaire; the services name the same fields in their errors.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from sharing.attestations.answers import (
    MAX_TEXT,
    answer_field,
    comment_field,
    decision_field,
    explanation_field,
)
from sharing.attestations.follow_ups import MAX_NOTE
from sharing.attestations.models import AnswerReview, AnswerValue
from sharing.core.forms import optional_int

ANSWER_CHOICES = [
    (AnswerValue.YES.value, "Yes"),
    (AnswerValue.NO.value, "No"),
    (AnswerValue.NOT_APPLICABLE.value, "Not applicable"),
]
DECISION_CHOICES = [
    (AnswerReview.ACCEPTED.value, "Accept"),
    (AnswerReview.RETURNED.value, "Return for a new answer"),
]
STATEMENT = (
    "I attest that, to the best of my knowledge, the answers in this questionnaire are true "
    "and complete, and that I am authorized to make this attestation for my organization."
)


class _AnswerForm(FlaskForm):
    version = HiddenField()
    codes: list[str] = []

    def answers(self) -> dict[str, tuple[AnswerValue | None, str]]:
        result = {}
        for code in self.codes:
            raw = getattr(self, answer_field(code)).data
            text = getattr(self, explanation_field(code)).data or ""
            result[code] = (AnswerValue(raw) if raw else None, text)
        return result


def answer_form(codes: list[str], **kwargs) -> _AnswerForm:
    """A form with a yes/no/N/A choice and an explanation for each answerable question."""
    fields: dict = {"codes": list(codes)}
    for code in codes:
        fields[answer_field(code)] = RadioField(
            "Answer", choices=ANSWER_CHOICES, validators=[Optional()]
        )
        fields[explanation_field(code)] = TextAreaField(
            "Explanation",
            validators=[Optional(), Length(max=MAX_TEXT)],
            description="Required when the answer is no or not applicable.",
        )
    return type("AnswerForm", (_AnswerForm,), fields)(**kwargs)


class SubmitForm(FlaskForm):
    signer_name = StringField(
        "Signer's name",
        validators=[Optional(), Length(max=120)],
    )
    signer_title = StringField(
        "Signer's title",
        validators=[Optional(), Length(max=120)],
        description="For example: Chief Information Security Officer.",
    )
    attested = BooleanField(STATEMENT)
    version = HiddenField()
    submit = SubmitField("Sign and submit")


class _ReviewForm(FlaskForm):
    version = HiddenField()
    comment = TextAreaField(
        "Comment to the organization",
        validators=[Optional(), Length(max=MAX_TEXT)],
        description="Optional: a note on the whole attestation.",
    )
    # The two steps of "accept all remaining" (ask, then confirm) and the way back from the ask.
    accept_remaining = SubmitField("Accept all remaining…")
    confirm_remaining = SubmitField("Accept them and record the review")
    back = SubmitField("Back to the review")
    codes: list[str] = []

    def decisions(self) -> dict[str, tuple[AnswerReview | None, str]]:
        result = {}
        for code in self.codes:
            raw = getattr(self, decision_field(code)).data
            note = getattr(self, comment_field(code)).data or ""
            result[code] = (AnswerReview(raw) if raw else None, note)
        return result


def review_form(codes: list[str], **kwargs) -> _ReviewForm:
    """A form with accept/return and a comment for each answer of the round under review."""
    fields: dict = {"codes": list(codes)}
    for code in codes:
        fields[decision_field(code)] = RadioField(
            "Decision", choices=DECISION_CHOICES, validators=[Optional()]
        )
        fields[comment_field(code)] = TextAreaField(
            "Comment",
            validators=[Optional(), Length(max=MAX_TEXT)],
            description="Required when you return the answer: say what needs to change.",
        )
    return type("ReviewForm", (_ReviewForm,), fields)(**kwargs)


class NewRequestForm(FlaskForm):
    agreement_id = SelectField(
        "Agreement",
        coerce=optional_int,
        validators=[InputRequired("Choose the agreement.")],
        description="Only agreements that are executed or in force are listed.",
    )
    due_date = DateField("Due date", validators=[InputRequired("Enter the due date.")])
    submit = SubmitField("Request the attestation")


class CloseFollowUpForm(FlaskForm):
    note = TextAreaField(
        "How was it dealt with?",
        validators=[InputRequired("Say how the gap was dealt with."), Length(max=MAX_NOTE)],
        description="For example: the vendor turned on encryption at rest on 3 March; "
        "we checked the new SOC 2 report.",
    )
    submit = SubmitField("Close the follow-up")
