"""Forms for the obligation library: new draft, obligation edit, publish (shape checks only)."""

from __future__ import annotations

import json
from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, StringField, SubmitField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length, Optional

CODE_HELP = "Capital letters, a hyphen and a number, such as RET-2. Agreements cite it."
PARAMETERS_HELP = (
    'A JSON list, e.g. [{"name": "breach_notice_hours", "label": "Hours to report", '
    '"type": "int", "default": 72, "min": 24, "max": 168, "unit": "hours"}]. '
    "Use each name in the clause as {{ name }}."
)
RULE_HELP = (
    'A JSON rule: {"rule": "always"}, {"rule": "any_category", "flag": "is_minors"}, '
    '{"rule": "any_sensitivity", "at_least": "restricted"}, '
    '{"rule": "flow", "field": "automated_decisions"}, {"rule": "storage_outside_us"}, '
    '{"rule": "subprocessors"}, {"rule": "includes_minors"}, or {"any": [...]} / {"all": [...]}.'
)


class JSONField(TextAreaField):
    """A textarea holding JSON; the text typed is kept when it does not parse."""

    def __init__(self, *args, kind: type = list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.parsed: Any = None

    def _value(self) -> str:
        if isinstance(self.data, str):
            return self.data
        return json.dumps(self.data, indent=2, ensure_ascii=False) if self.data is not None else ""

    def pre_validate(self, form) -> None:
        try:
            self.parsed = json.loads(self.data or "")
        except ValueError as error:
            raise ValidationError(
                f"This is not valid JSON: {error.msg} (line {error.lineno})."
            ) from None
        if not isinstance(self.parsed, self.kind):
            noun = "a list [...]" if self.kind is list else "an object {...}"
            raise ValidationError(f"This must be {noun}.")


class DraftForm(FlaskForm):
    label = StringField(
        "Label",
        validators=[DataRequired(), Length(max=32)],
        description="The new version's name, such as 2026.2.",
    )
    notes = TextAreaField("What changes and why", validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Start the draft")


class ObligationForm(FlaskForm):
    code = StringField("Code", validators=[DataRequired(), Length(max=16)], description=CODE_HELP)
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    source_document = StringField("Source document", validators=[DataRequired(), Length(max=200)])
    source_reference = StringField(
        "Principle or item", validators=[DataRequired(), Length(max=200)]
    )
    summary = TextAreaField("Plain-language summary", validators=[DataRequired(), Length(max=5000)])
    clause_template = TextAreaField(
        "Clause text",
        validators=[DataRequired(), Length(max=5000)],
        description="Written for the agreement. Parameters appear as {{ name }}.",
    )
    parameters = JSONField("Parameters", kind=list, description=PARAMETERS_HELP)
    applicability = JSONField("Applies when", kind=dict, description=RULE_HELP)
    attestation_question = TextAreaField(
        "Attestation question", validators=[DataRequired(), Length(max=2000)]
    )
    submit = SubmitField("Save")

    def obligation_values(self) -> dict[str, Any]:
        values = {
            name: getattr(self, name).data.strip()
            for name in (
                "code",
                "title",
                "source_document",
                "source_reference",
                "summary",
                "clause_template",
                "attestation_question",
            )
            if name in self._fields
        }
        values["parameters"] = self.parameters.parsed
        values["applicability"] = self.applicability.parsed
        return values


class PublishForm(FlaskForm):
    effective_date = DateField("Effective date", validators=[DataRequired()])
    submit = SubmitField("Publish")
