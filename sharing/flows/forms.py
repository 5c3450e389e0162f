"""Forms for data flows, review steps, comments and categories (shape checks only)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from sharing.core.forms import COUNTRY_BOX, known_country, optional_int
from sharing.flows.models import (
    DataCategory,
    DataFlow,
    Direction,
    Frequency,
    Sensitivity,
    TransferMethod,
)
from sharing.flows.rules import FLOW_FIELDS, MAX_RETENTION_DAYS, MAX_SUBPROCESSORS

BLANK_SUBPROCESSOR_ROWS = 3


def _enum_choices(enum_cls) -> list[tuple[str, str]]:
    return [(m.value, m.label) for m in enum_cls]


class SubprocessorForm(Form):
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    service = StringField("Service", validators=[Optional(), Length(max=200)])
    country = StringField(
        "Country", validators=[Optional(), Length(max=100), known_country], render_kw=COUNTRY_BOX
    )


class CategoryChoiceForm(Form):
    category_id = HiddenField()
    selected = BooleanField("Shared")
    justification = StringField(
        "Why this category is needed", validators=[Optional(), Length(max=2000)]
    )


class FlowForm(FlaskForm):
    organisation_id = SelectField(
        "Organization",
        coerce=optional_int,
        validators=[DataRequired(message="Choose the organization.")],
    )
    department_id = SelectField(
        "Department",
        coerce=optional_int,
        validators=[DataRequired(message="Choose the department.")],
    )
    system_name = StringField("System or service", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=10_000)])
    direction = SelectField("Direction", choices=_enum_choices(Direction))
    purposes = TextAreaField(
        "Purposes",
        validators=[DataRequired(), Length(max=10_000)],
        description="What the data is used for. Each category below must serve a purpose.",
    )
    legal_authority = TextAreaField("Legal authority", validators=[Optional(), Length(max=10_000)])
    data_subjects = TextAreaField(
        "Data subjects",
        validators=[Optional(), Length(max=10_000)],
        description="Whose data this is, e.g. residents applying for a permit.",
    )
    includes_minors = BooleanField("Includes people under 18")
    includes_vulnerable = BooleanField("Includes vulnerable people")
    estimated_records = IntegerField(
        "Estimated records",
        validators=[Optional(), NumberRange(min=0, max=2_000_000_000)],
        description="About how many people or records, per year for a recurring flow.",
    )
    frequency = SelectField("Frequency", choices=_enum_choices(Frequency))
    transfer_method = SelectField("Transfer method", choices=_enum_choices(TransferMethod))
    started_on = DateField(
        "Sharing started on",
        validators=[Optional()],
        invalid_value_message="Enter a real date as YYYY-MM-DD, for example 2026-03-01.",
        description="When personal information first flowed, or is planned to. Optional.",
    )
    storage_location = StringField("Storage location", validators=[Optional(), Length(max=200)])
    storage_country = StringField(
        "Storage country",
        default="US",
        validators=[DataRequired(), Length(max=100), known_country],
        description="The country's name or two-letter code, such as Canada or CA.",
        render_kw=COUNTRY_BOX,
    )
    retention_days = IntegerField(
        "Retention (days)",
        validators=[Optional(), NumberRange(min=1, max=MAX_RETENTION_DAYS)],
        description="Required before the flow is submitted for review.",
    )
    disposal_method = StringField("Disposal method", validators=[Optional(), Length(max=200)])
    subprocessors = FieldList(FormField(SubprocessorForm))
    notice_given = BooleanField("People are told about this sharing")
    notice_method = TextAreaField(
        "How notice is given", validators=[Optional(), Length(max=10_000)]
    )
    automated_decisions = BooleanField("Used for automated decisions about people")
    automated_decision_description = TextAreaField(
        "Automated decisions made", validators=[Optional(), Length(max=10_000)]
    )
    human_oversight = TextAreaField(
        "Human oversight",
        validators=[Optional(), Length(max=10_000)],
        description="Who reviews automated decisions, and how people can contest them.",
    )
    equity_considerations = TextAreaField(
        "Equity considerations", validators=[Optional(), Length(max=10_000)]
    )
    published = BooleanField("Publish on the public register once approved", default=True)
    publication_exemption = TextAreaField(
        "Reason for not publishing",
        validators=[Optional(), Length(max=10_000)],
        description="Required when the flow stays off the public register.",
    )
    categories = FieldList(FormField(CategoryChoiceForm))
    version = HiddenField()
    submit = SubmitField("Save draft")

    # Rows the "add another" button may reach; the service refuses more with a reason.
    max_subprocessors = MAX_SUBPROCESSORS

    def set_choices(self, organisations, departments) -> None:
        self.organisation_id.choices = [("", "Choose…")] + [
            (o.id, o.display_name) for o in organisations
        ]
        self.department_id.choices = [("", "Choose…")] + [(d.id, d.name) for d in departments]

    def fill_rows(self, flow: DataFlow | None, vocabulary: list[DataCategory]) -> None:
        """On first display: one row per vocabulary entry, and subprocessor rows to fill in."""
        chosen = {fc.category_id: fc.justification for fc in flow.categories} if flow else {}
        for category in vocabulary:
            self.categories.append_entry(
                {
                    "category_id": str(category.id),
                    "selected": category.id in chosen,
                    "justification": chosen.get(category.id, ""),
                }
            )
        for row in (flow.subprocessors if flow else None) or []:
            self.subprocessors.append_entry(row)
        for _ in range(BLANK_SUBPROCESSOR_ROWS):
            self.subprocessors.append_entry()

    def category_groups(
        self, lookup: dict[int, DataCategory]
    ) -> list[tuple[str, list[tuple[Any, DataCategory | None]]]]:
        """The category rows by sensitivity, least sensitive first, each row with its
        category; rows naming no known category come last, so none is lost on a save."""
        groups: dict[Sensitivity | None, list] = {s: [] for s in Sensitivity}
        groups[None] = []
        for entry in self.categories:
            category = lookup.get(optional_int(entry.category_id.data) or 0)
            groups[category.sensitivity if category else None].append((entry, category))
        return [(key.label if key else "Other", rows) for key, rows in groups.items() if rows]

    def flow_values(self) -> dict[str, Any]:
        values = {name: getattr(self, name).data for name in FLOW_FIELDS}
        values["subprocessors"] = [dict(entry.data) for entry in self.subprocessors]
        return values

    def chosen_categories(self) -> list[tuple[int, str]]:
        chosen = []
        for entry in self.categories:
            category_id = optional_int(entry.category_id.data)
            if entry.selected.data and category_id:
                chosen.append((category_id, entry.justification.data or ""))
        return chosen


class TransitionForm(FlaskForm):
    comment = TextAreaField("Comment", validators=[Optional(), Length(max=5000)])
    version = HiddenField()


class CommentForm(FlaskForm):
    body = TextAreaField("Comment", validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField("Add comment")


class CategoryForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])
    sensitivity = SelectField(
        "Sensitivity",
        choices=[(s.value, s.label) for s in Sensitivity],
        description="Restricted data is never low risk; see the risk rule.",
    )
    is_minors = BooleanField("About minors")
    is_health = BooleanField("Health")
    is_biometric = BooleanField("Biometric")
    is_precise_location = BooleanField("Precise location")
    is_licence_plate = BooleanField("License plates")
    is_ssn = BooleanField("Social Security number")
    is_financial = BooleanField("Financial")
    is_criminal_justice = BooleanField("Criminal justice")
    active = BooleanField("Active (offered on flow forms)", default=True)
    version = HiddenField()
    submit = SubmitField("Save")

    def category_values(self) -> dict[str, Any]:
        names = ("name", "description", "sensitivity", "active")
        names += tuple(attr for attr, _ in DataCategory.SPECIAL_FLAGS)
        return {name: getattr(self, name).data for name in names}
