"""The public's forms: raising a concern and looking one up by its reference (shape checks;
the text's rules are the service's `check_text`, said once)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from sharing.concerns.models import BODY_MAX, BODY_MIN, LANGUAGES, ConcernKind
from sharing.concerns.services import check_text
from sharing.errors import ValidationFailed


def _plain_text(form: FlaskForm, field: TextAreaField) -> None:
    try:
        check_text(field.data or "")
    except ValidationFailed as error:
        raise ValidationError(error.errors["body"]) from None


class ConcernForm(FlaskForm):
    kind = RadioField(
        "What are you telling us?",
        choices=[
            (ConcernKind.CONCERN.value, "A concern about how the City uses or shares data"),
            (ConcernKind.ERROR.value, "An error: something on the public register is wrong"),
        ],
        default=ConcernKind.CONCERN.value,
        validators=[DataRequired(message="Choose what you are telling us.")],
    )
    body = TextAreaField(
        "Your message",
        validators=[DataRequired(message="Write your message."), _plain_text],
        description=(
            f"Between {BODY_MIN} and {BODY_MAX:,} characters of plain text. Please leave out "
            "personal details we do not need, such as your date of birth or account numbers."
        ),
        render_kw={"rows": 8, "maxlength": BODY_MAX},
    )
    email = StringField(
        "Your e-mail address (optional)",
        validators=[
            Optional(),
            Length(max=254),
            Email(message="Enter an e-mail address such as name@example.com, or leave it empty."),
        ],
        description="Only if you want the reference and our response by e-mail. It is never "
        "shown on any public page.",
        render_kw={"autocomplete": "email", "type": "email"},
    )
    language = SelectField(
        "Language for our reply",
        choices=list(LANGUAGES.items()),
        default="en",
        validators=[DataRequired()],
    )
    # The trap for robots: hidden from people and screen readers, so only a program that
    # fills every field fills it.
    website = StringField(
        "Leave this field empty",
        render_kw={"autocomplete": "off", "tabindex": "-1"},
    )
    arrangement = HiddenField()
    algorithm = HiddenField()

    @property
    def trapped(self) -> bool:
        return bool((self.website.data or "").strip())


class StatusLookupForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    reference = StringField(
        "Reference",
        validators=[DataRequired(message="Enter the reference you were given."), Length(max=30)],
        description="It starts with SJ-, for example SJ-4K7QX2MA.",
    )
