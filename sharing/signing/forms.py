"""Forms of the signing steps (shape only; the services check meaning)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from sharing.core.forms import optional_int
from sharing.signing.services import CONSENT_TEXT, MAX_NAME, MAX_REASON


class SendForm(FlaskForm):
    signer_id = SelectField(
        "Vendor's signer",
        coerce=optional_int,
        validators=[Optional()],
        description="A user of the vendor who may sign agreements. Leave empty to invite "
        "someone instead.",
    )
    invite_name = StringField(
        "Or invite a person to sign: name", validators=[Optional(), Length(max=MAX_NAME)]
    )
    invite_email = EmailField(
        "Their email",
        validators=[Optional(), Email("Enter an email address."), Length(max=254)],
        description="They receive an invitation to the portal, with the right to sign, and "
        "find the agreement waiting for them there.",
    )
    version = HiddenField()
    submit = SubmitField("Send for signature")


class SignForm(FlaskForm):
    """The vendor's signature and the City's countersignature alike."""

    typed_name = StringField(
        "Your full name",
        validators=[DataRequired("Type your full name as your signature."), Length(max=MAX_NAME)],
        description="Typed as your signature.",
    )
    typed_title = StringField(
        "Your title",
        validators=[DataRequired("Type your title."), Length(max=MAX_NAME)],
        description="The capacity in which you sign, for example Chief Executive Officer.",
    )
    consent = BooleanField(
        "I agree to sign electronically",
        validators=[DataRequired("Agree to sign electronically, or decline instead.")],
        description=CONSENT_TEXT,
    )
    password = PasswordField(
        "Your password",
        validators=[DataRequired("Enter your password to confirm it is you who signs.")],
        description="The password you sign in with, entered again to confirm it is you.",
        render_kw={"autocomplete": "current-password"},
    )
    document_sha256 = HiddenField()
    version = HiddenField()
    submit = SubmitField("Sign the agreement")


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        "Why do you decline?",
        validators=[DataRequired("Say why you decline to sign."), Length(max=MAX_REASON)],
        description="The City's privacy office reads this.",
    )
    submit = SubmitField("Decline to sign")
