"""Forms of the evidence pages (shape checks only; sharing.files judges the file)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from sharing.attestations.models import EvidenceType
from sharing.core.forms import optional_int

TYPE_LABELS = {
    EvidenceType.SOC2: "SOC 2 report",
    EvidenceType.ISO27001: "ISO 27001 certificate",
    EvidenceType.INSURANCE: "Insurance certificate",
    EvidenceType.DELETION_CERTIFICATE: "Deletion certificate",
    EvidenceType.POLICY: "Policy document",
    EvidenceType.OTHER: "Other",
}
MAX_DESCRIPTION = 2000
ACCEPT = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"


class EvidenceForm(FlaskForm):
    organisation_id = SelectField(
        "Organization",
        coerce=optional_int,
        validators=[DataRequired(message="Choose the organization the evidence belongs to.")],
    )
    file = FileField(
        "File",
        validators=[FileRequired("Choose the file to upload.")],
        description="PDF, Word (.docx), Excel (.xlsx), PNG or JPEG, without macros or a password.",
        render_kw={"accept": ACCEPT},
    )
    evidence_type = SelectField(
        "Type of evidence",
        choices=[(kind.value, label) for kind, label in TYPE_LABELS.items()],
        default=EvidenceType.OTHER.value,
    )
    valid_until = DateField(
        "Valid until",
        validators=[Optional()],
        description="When the certificate or report stops being valid; you are reminded "
        "before then. Leave empty if it does not expire.",
    )
    description = TextAreaField("Description", validators=[Optional(), Length(max=MAX_DESCRIPTION)])
    submit = SubmitField("Upload")
