"""Forms of the import pages (shape checks only; the file's content is checked by files.py)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField


class UploadForm(FlaskForm):
    file = FileField(
        "Spreadsheet",
        validators=[FileRequired("Choose a CSV or XLSX file to import.")],
        description="A CSV or XLSX file of organizations and flows, on one sheet or two. "
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
