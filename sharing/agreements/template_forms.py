"""Forms of the template pages (shape checks only; check_template judges the file's content)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from sharing.agreements.models import TemplateKind

KIND_LABELS = {
    TemplateKind.VENDOR_DPA: "Vendor data protection agreement",
    TemplateKind.INTERAGENCY: "Interagency data sharing agreement",
    TemplateKind.RENEWAL_AMENDMENT: "Renewal amendment",
    TemplateKind.ADOPTION: "Adoption of a general offer",
    TemplateKind.DISPOSITION: "Disposition directive",
}
FILE_HELP = (
    "A Word document (.docx) using only the documented variables. It is checked before it "
    "is accepted, including a trial render with sample data, which can take a few seconds."
)


def _file_field(label: str) -> FileField:
    return FileField(
        label,
        validators=[FileRequired("Choose the .docx file to upload.")],
        description=FILE_HELP,
        render_kw={
            "accept": ".docx,application/vnd.openxmlformats-officedocument"
            ".wordprocessingml.document"
        },
    )


class VersionForm(FlaskForm):
    file = _file_field("Template file")
    notes = TextAreaField(
        "What changed",
        validators=[Optional(), Length(max=2000)],
        description="Shown in the version list, for whoever generates the next agreement.",
    )
    submit = SubmitField("Upload and check")


class TemplateForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        "Kind",
        choices=[(kind.value, label) for kind, label in KIND_LABELS.items()],
        validators=[DataRequired()],
    )
    description = TextAreaField(
        "Description",
        validators=[Optional(), Length(max=2000)],
        description="When to use this template.",
    )
    file = _file_field("Template file")
    notes = TextAreaField("Notes on this version", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Upload and check")


class ActiveForm(FlaskForm):
    """Activate or deactivate: the wanted state travels in a hidden field."""

    active = HiddenField(validators=[AnyOf(("true", "false"))])
    submit = SubmitField("Save")

    @property
    def wanted(self) -> bool:
        return self.active.data == "true"
