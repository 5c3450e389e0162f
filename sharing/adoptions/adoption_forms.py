"""The adoption form: which department, and which of its flows (shape only; the fit check and
the service check meaning)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField

from sharing.agreements.forms import MultiCheckboxField
from sharing.core.forms import optional_int


class DepartmentChoiceForm(FlaskForm):
    """Sent with GET: the department the privacy office adopts for."""

    class Meta:
        csrf = False

    department = SelectField("Adopting department", coerce=optional_int, validate_choice=False)


class AdoptForm(FlaskForm):
    flows = MultiCheckboxField(
        "Data flows to adopt the offer for",
        coerce=int,
        description="The department's approved flows with this vendor.",
    )
    submit = SubmitField("Adopt the offer")
