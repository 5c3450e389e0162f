"""The administrator's certificate upload (shape only; services check the file itself)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, SubmitField
from wtforms.validators import Length, Optional

MAX_PASSWORD = 500


class SealCertificateForm(FlaskForm):
    file = FileField(
        "Certificate file (.p12 or .pfx)",
        validators=[FileRequired("Choose the City's certificate file, with its private key.")],
        description="A PKCS#12 file holding the City's certificate and its private key.",
        render_kw={"accept": ".p12,.pfx,application/x-pkcs12"},
    )
    # PasswordField never writes the typed value back into the page.
    password = PasswordField(
        "Password of the file",
        validators=[Optional(), Length(max=MAX_PASSWORD)],
        description="The password the file was exported with. It is kept encrypted.",
        render_kw={"autocomplete": "off"},
    )
    submit = SubmitField("Use this certificate")
