"""Forms of the fact sheet pages (shape checks only; the services judge completeness and the
workflow, sharing.files judges uploaded files). The answers form has one field per input of
algorithms.topics, named by the input's code, so a service's reason lands beside its input."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
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

from sharing.algorithms import topics
from sharing.algorithms.fact_sheet_files import MAX_DESCRIPTION
from sharing.algorithms.fact_sheet_review import MAX_COMMENT
from sharing.algorithms.models import FactSheetEvidenceKind

STATEMENT = (
    "I attest that, to the best of my knowledge, the answers in this fact sheet are true and "
    "complete, and that I am authorized to give them for my organization."
)
KIND_LABELS = {
    FactSheetEvidenceKind.BIAS_AUDIT: "Bias audit",
    FactSheetEvidenceKind.MODEL_CARD: "Model card",
    FactSheetEvidenceKind.EVALUATION: "Evaluation report",
    FactSheetEvidenceKind.OTHER: "Other",
}
ACCEPT = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"
ACCEPT_DECISION, RETURN_DECISION = "accept", "return"


def _field(item: topics.Input):
    validators = [Optional(), Length(max=item.max_length)]
    if item.kind == topics.DATE:
        return DateField(item.label, validators=[Optional()], description=item.help)
    if item.kind == topics.LINE:
        return StringField(item.label, validators=validators, description=item.help)
    return TextAreaField(
        item.label, validators=validators, description=item.help, render_kw={"rows": 5}
    )


class _AnswersForm(FlaskForm):
    version = HiddenField()
    save = SubmitField("Save draft")

    def answers(self) -> dict[str, str]:
        result = {}
        for item in topics.INPUTS:
            value = getattr(self, item.code).data
            if item.kind == topics.DATE:
                result[item.code] = value.isoformat() if value else ""
            else:
                result[item.code] = value or ""
        return result


def answers_form(**kwargs) -> _AnswersForm:
    """A form with one field per input, in topic order."""
    fields = {item.code: _field(item) for item in topics.INPUTS}
    form_class = type("AnswersForm", (_AnswersForm,), fields)
    return form_class(**kwargs)


def saved_answers(answers: dict[str, str]) -> dict:
    """The stored answers as the form's data (dates as dates)."""
    data: dict = {}
    for item in topics.INPUTS:
        text = str(answers.get(item.code) or "")
        data[item.code] = topics.field_value(item, text) if item.kind == topics.DATE else text
    return data


class SubmitForm(FlaskForm):
    version = HiddenField()
    signer_name = StringField("Signer's name", validators=[Length(max=120)])
    signer_title = StringField("Signer's title", validators=[Length(max=120)])
    attested = BooleanField(STATEMENT)
    submit = SubmitField("Sign and submit")


class ReviewForm(FlaskForm):
    version = HiddenField()
    decision = RadioField(
        "Decision",
        choices=[
            (ACCEPT_DECISION, "Accept: copy the answers into the algorithm record"),
            (RETURN_DECISION, "Return to the vendor with a comment"),
        ],
        validators=[InputRequired(message="Choose whether to accept or return the sheet.")],
    )
    comment = TextAreaField(
        "Comment",
        validators=[Optional(), Length(max=MAX_COMMENT)],
        description="Required when you return the sheet: say what the vendor must change.",
    )
    submit = SubmitField("Record the decision")


class FileForm(FlaskForm):
    file = FileField(
        "File",
        validators=[FileRequired("Choose the file to upload.")],
        description="PDF, Word (.docx), Excel (.xlsx), PNG or JPEG, without macros or a password.",
        render_kw={"accept": ACCEPT},
    )
    kind = SelectField(
        "Type of file",
        choices=[(kind.value, label) for kind, label in KIND_LABELS.items()],
        default=FactSheetEvidenceKind.OTHER.value,
    )
    description = TextAreaField("Description", validators=[Optional(), Length(max=MAX_DESCRIPTION)])
    upload = SubmitField("Upload")
