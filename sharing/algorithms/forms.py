"""Forms for algorithm records, their review steps and comments (shape checks only)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from sharing.algorithms.models import ModelKind
from sharing.algorithms.services import FIELDS
from sharing.core.forms import optional_int
from sharing.flows.models import RiskTier

DATE_MESSAGE = "Enter a real date as YYYY-MM-DD, for example 2026-03-01."


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _text(label: str, description: str = "", *, required: bool = False) -> TextAreaField:
    first = DataRequired() if required else Optional()
    return TextAreaField(label, validators=[first, Length(max=10_000)], description=description)


def _date(label: str, description: str) -> DateField:
    return DateField(
        label,
        validators=[Optional()],
        invalid_value_message=DATE_MESSAGE,
        description=description,
    )


class AlgorithmForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    organisation_id = SelectField(
        "Provider",
        coerce=optional_int,
        validators=[DataRequired(message="Choose the provider.")],
        description="The vendor or partner whose system it is.",
    )
    department_id = SelectField(
        "City department", coerce=optional_int, validators=[Optional()], validate_choice=False
    )
    summary = _text("Summary", "What the system does, in plain words; the public reads it first.")
    summary_es = _text("Summary in Spanish", "Optional.")
    summary_vi = _text("Summary in Vietnamese", "Optional.")
    purpose = _text("Purpose", "The public task the system supports.")
    decisions = _text("Decisions it informs", "What the system's output is used to decide.")
    decision_maker = _text("Who makes the decisions", "The person or team who decides.")
    human_oversight = _text(
        "Human oversight", "How people check the output before and after a decision."
    )
    contest_route = _text(
        "How to challenge a decision", "How a person asks for a decision to be looked at again."
    )
    legal_basis = _text("Legal authority", "The law or authority under which the City acts.")
    legal_basis_url = StringField(
        "Legal authority (link)",
        validators=[Optional(), Length(max=500)],
        description="A web address starting with https://.",
    )
    model_kind = SelectField("Kind of system", choices=[(m.value, m.label) for m in ModelKind])
    model_name = StringField(
        "Product or model",
        validators=[Optional(), Length(max=200)],
        description="The product, model and version.",
    )
    training_data = _text("Training data", "What the model learned from, and where it came from.")
    accuracy_metrics = _text("Accuracy", "How accuracy was measured, and the results.")
    bias_groups_tested = _text(
        "Groups tested for bias", "Which groups of people the bias testing compared."
    )
    last_tested_on = _date("Last tested for bias on", "Not in the future.")
    tested_by = StringField("Tested by", validators=[Optional(), Length(max=200)])
    limitations = _text("Known limitations", "Where the system is known to be weak or wrong.")
    risk_tier = SelectField(
        "Risk tier",
        choices=[("", "Not assessed yet")] + [(t.value, t.label) for t in RiskTier],
        description="The privacy office's assessment; needed before review.",
    )
    equity_groups = _text("Groups affected", "The groups of people the system may affect most.")
    equity_mitigations = _text(
        "What the City does about it", "The steps taken to prevent unfair effects."
    )
    deployed_on = _date("In use since", "The date the City started using it.")
    retired_on = _date("Retired on", "Only once the City has stopped using it.")
    contact_email = StringField(
        "Public contact mailbox",
        validators=[Optional(), Length(max=254)],
        description="A team mailbox the public may write to, never a person's own address.",
    )
    owner_name = StringField(
        "Owner (internal)",
        validators=[Optional(), Length(max=120)],
        description="The person who answers for the system; never published.",
    )
    internal_notes = _text("Internal notes", "Never published.")
    published = BooleanField("Publish on the public register once approved", default=True)
    flows = MultiCheckboxField(
        "Data flows used",
        coerce=int,
        validate_choice=False,
        description="The provider's flows whose data the system uses; those with automated "
        "decisions come first.",
    )
    version = HiddenField()
    submit = SubmitField("Save draft")

    def set_choices(self, organisations, departments, flows) -> None:
        self.organisation_id.choices = [("", "Choose…")] + [
            (o.id, o.display_name) for o in organisations
        ]
        self.department_id.choices = [("", "None")] + [(d.id, d.name) for d in departments]
        self.flows.choices = [
            (
                f.lineage_id,
                f"{f.system_name} ({f.status.label.lower()}"
                + ("; automated decisions" if f.automated_decisions else "")
                + ")",
            )
            for f in flows
        ]

    def algorithm_values(self) -> dict[str, Any]:
        return {name: getattr(self, name).data for name in FIELDS}

    def chosen_flows(self) -> list[int]:
        return list(self.flows.data or [])


class TransitionForm(FlaskForm):
    comment = TextAreaField("Comment", validators=[Optional(), Length(max=5000)])
    retired_on = DateField(
        "Retired on", validators=[Optional()], invalid_value_message=DATE_MESSAGE
    )
    version = HiddenField()


class CommentForm(FlaskForm):
    body = TextAreaField("Comment", validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField("Add comment")
