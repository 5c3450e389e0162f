"""Forms of the general offer: making it, withdrawing it, and the vendor's consent or decline
(shape only; the services check meaning)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from sharing.adoptions.consent import CONSENT_TEXT
from sharing.adoptions.offers import MAX_NOTE, MAX_REASON
from sharing.agreements.forms import MultiCheckboxField
from sharing.flows.models import Direction, RiskTier
from sharing.signing.forms import SignForm


class OfferForm(FlaskForm):
    department_ids = MultiCheckboxField(
        "Departments that may adopt",
        coerce=int,
        description="Leave every box empty to offer it to every City department.",
    )
    directions = MultiCheckboxField(
        "Kinds of flow",
        choices=[(d.value, d.label) for d in Direction],
        description="Leave every box empty to accept flows in any direction.",
    )
    max_risk_tier = SelectField(
        "Highest risk tier",
        choices=[("", "Any tier")] + [(t.value, t.label) for t in RiskTier],
        # Nothing chosen means any tier; the service refuses a value not in the list.
        validate_choice=False,
        description="A flow of a higher tier needs its own agreement.",
    )
    available_until = DateField(
        "Open until",
        validators=[InputRequired("Give the last day the offer may be adopted.")],
        description="A day after today, no later than the agreement's expiry.",
    )
    note = TextAreaField(
        "Note to the vendor and the departments", validators=[Length(max=MAX_NOTE)]
    )
    submit = SubmitField("Offer for adoption")


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        "Why is the offer withdrawn?",
        validators=[DataRequired("Say why the offer is withdrawn."), Length(max=MAX_REASON)],
        description="Adoptions already made stay as they are.",
    )
    version = HiddenField()
    submit = SubmitField("Withdraw the offer")


class ConsentForm(SignForm):
    """The signature's fields (name, title, password), agreeing to the offer's own words."""

    consent = BooleanField(
        "I accept the general offer electronically",
        validators=[DataRequired("Agree to accept electronically, or decline instead.")],
        description=CONSENT_TEXT,
    )
    submit = SubmitField("Accept the offer")


class DeclineOfferForm(FlaskForm):
    reason = TextAreaField(
        "Why do you decline the offer?",
        validators=[DataRequired("Say why you decline the offer."), Length(max=MAX_REASON)],
        description="The City's privacy office reads this.",
    )
    version = HiddenField()
    submit = SubmitField("Decline the offer")
