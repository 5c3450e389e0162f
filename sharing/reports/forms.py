"""Forms of the import pages (shape checks only; the file's content is checked by files.py)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.validators import DataRequired

from sharing.reports.import_mapping import IGNORE


class UploadForm(FlaskForm):
    file = FileField(
        "Spreadsheet",
        validators=[FileRequired("Choose a CSV or XLSX file to import.")],
        description="A CSV or XLSX file of organizations, flows and their contacts. "
        "Nothing is saved until you have checked the preview and confirmed it.",
        render_kw={"accept": ".csv,.xlsx,text/csv"},
    )
    submit = SubmitField("Upload and check")


class DisclosureUploadForm(UploadForm):
    file = FileField(
        "Spreadsheet of disclosures",
        validators=[FileRequired("Choose a CSV or XLSX file of disclosures.")],
        description="One row per disclosure, with the template's headers. Nothing is recorded "
        "until you have checked the preview and confirmed it.",
        render_kw={"accept": ".csv,.xlsx,text/csv"},
    )


class ConfirmForm(FlaskForm):
    """Confirm and cancel buttons carry only the CSRF token."""


class DepartmentForm(FlaskForm):
    """Confirms one suggested department: `key` names the typed value it was suggested for."""

    key = HiddenField(validators=[DataRequired()])


def mapping_form(sheets: list) -> FlaskForm:
    """One select per column of each sheet (`import_mapping.SheetMapping`), starting from the
    sheet's current choices; a rejected submission shows what was chosen."""

    class MappingForm(FlaskForm):
        pass

    for sheet in sheets:
        for column in sheet.columns:
            setattr(
                MappingForm,
                column.field,
                SelectField(
                    f"{sheet.sheet}: {column.header}",
                    choices=[("", IGNORE), *sheet.options],
                    default=column.choice,
                    validate_choice=True,
                ),
            )
    return MappingForm()
