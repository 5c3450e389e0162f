"""Forms for drafting and generating agreements (shape checks only; services check meaning)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from sharing.agreements.conflicts import MIN_REASON_CHARS
from sharing.agreements.drafting import TERM_BOUNDS, Terms
from sharing.core.forms import optional_int


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _bounded(name: str) -> NumberRange:
    low, high = TERM_BOUNDS[name]
    return NumberRange(low, high, message=f"Must be between {low} and {high}.")


class OrganisationChoiceForm(FlaskForm):
    """Step 0 of a new agreement, sent with GET: whose agreement it is."""

    class Meta:
        csrf = False

    organisation = SelectField("Organization", coerce=optional_int, validate_choice=False)


class AgreementForm(FlaskForm):
    flows = MultiCheckboxField(
        "Data flows covered",
        coerce=int,
        description="Only approved flows (the revisions in force) can be covered.",
    )
    template = SelectField("Template", coerce=optional_int, validate_choice=False)
    renews = SelectField(
        "Renews agreement",
        coerce=optional_int,
        validate_choice=False,
        description="Only for a renewal amendment: the agreement whose term it extends.",
    )
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    department = SelectField(
        "Lead department", coerce=optional_int, validate_choice=False, validators=[Optional()]
    )
    effective_date = DateField(
        "Effective date",
        validators=[Optional()],
        description="Leave blank until it is agreed; the expiry date follows from it.",
    )
    term_months = IntegerField(
        "Term (months)", default=36, validators=[InputRequired(), _bounded("term_months")]
    )
    auto_renew = BooleanField("Renews automatically unless notice is given")
    renewal_term_months = IntegerField(
        "Renewal term (months)",
        default=12,
        validators=[InputRequired(), _bounded("renewal_term_months")],
    )
    notice_days = IntegerField(
        "Notice period (days)",
        default=90,
        validators=[InputRequired(), _bounded("notice_days")],
        description="Notice of non-renewal is due this many days before expiry (the cancel-by "
        "date).",
    )
    version = HiddenField()
    submit = SubmitField("Save and choose parameters")

    def set_choices(self, *, flows, templates, renewable, departments) -> None:
        self.flows.choices = [
            (f.id, f"{f.system_name} (revision {f.revision}, {f.department.name})") for f in flows
        ]
        self.template.choices = [("", "Choose…")] + [
            (t.id, f"{t.name} (v{max(v.number for v in t.versions)})") for t in templates
        ]
        self.renews.choices = [("", "None: a new agreement")] + [
            (a.id, f"{a.number}: {a.title} (expires {a.expiry_date or 'undated'})")
            for a in renewable
        ]
        self.department.choices = [("", "None")] + [(d.id, d.name) for d in departments]

    def terms(self) -> Terms:
        return Terms(
            title=self.title.data or "",
            effective_date=self.effective_date.data,
            term_months=self.term_months.data,
            auto_renew=bool(self.auto_renew.data),
            renewal_term_months=self.renewal_term_months.data,
            notice_days=self.notice_days.data,
            department_id=self.department.data,
        )


def parameters_form(plan, formdata=None) -> FlaskForm:
    """A form with one whole-number field per parameter of the plan (the obligations', then the
    frame terms no obligation declares), named as the parameter."""

    class ParametersForm(FlaskForm):
        version = HiddenField()
        submit = SubmitField("Save parameters and preview")

    every = [parameter for clause in plan.clauses for parameter in clause.parameters]
    for parameter in [*every, *plan.terms]:
        unit = f" ({parameter.unit})" if parameter.unit else ""
        field = StringField(
            f"{parameter.label}{unit}",
            default=str(parameter.value),
            description=f"Between {parameter.minimum} and {parameter.maximum}; the default is "
            f"{parameter.default}.",
            validators=[DataRequired(message="Enter a number.")],
        )
        setattr(ParametersForm, parameter.name, field)
    return ParametersForm(formdata=formdata) if formdata is not None else ParametersForm()


class GenerateForm(FlaskForm):
    version = HiddenField()


class AcceptConflictForm(FlaskForm):
    """Accept one conflict before generation: which one (its code) and why."""

    code = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(
        "Why this is acceptable",
        validators=[
            DataRequired(message="Give the reason for accepting this conflict."),
            Length(
                min=MIN_REASON_CHARS,
                max=2000,
                message=f"Write at least a sentence ({MIN_REASON_CHARS} characters or more).",
            ),
        ],
        description="Recorded on the agreement with your name and the time, for the audit trail.",
    )
    version = HiddenField()
    submit = SubmitField("Accept this conflict")


class BulkRenewalForm(FlaskForm):
    expiring_from = DateField("Expiring from", validators=[InputRequired()])
    expiring_to = DateField("Expiring until", validators=[InputRequired()])
    submit = SubmitField("Generate renewal amendments")
