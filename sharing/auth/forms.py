"""Forms for signing in, passwords, users, departments and invitations (shape checks only)."""

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
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp

from sharing.core.forms import optional_int
from sharing.core.roles import Role
from sharing.inbox.models import MailChoice


class SignInForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])
    submit = SubmitField("Sign in")


class SignOutForm(FlaskForm):
    submit = SubmitField("Sign out")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=256)],
        description="At least 12 characters. Changing it signs you out everywhere else.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("new_password", message="The passwords differ.")],
    )
    submit = SubmitField("Change password")


class MailPreferenceForm(FlaskForm):
    choice = SelectField(
        "Email me about new notifications",
        choices=[(choice.value, choice.label) for choice in MailChoice],
        validators=[DataRequired()],
        description="Either way, every notification also waits for you under Notifications.",
    )
    submit = SubmitField("Save email choice")


class AcceptInvitationForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired(), Length(max=120)])
    password = PasswordField(
        "Choose a password",
        validators=[DataRequired(), Length(max=256)],
        description="At least 12 characters.",
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The passwords differ.")],
    )
    submit = SubmitField("Activate my account")


class InvitationForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField("Name", validators=[Optional(), Length(max=120)])
    role = SelectField("Role", validators=[DataRequired()])
    organisation_id = SelectField(
        "Organization",
        coerce=optional_int,
        validators=[Optional()],
        description="Required for vendor users: they will see only this organization.",
    )
    department_id = SelectField(
        "Department",
        coerce=optional_int,
        validators=[Optional()],
        description="For staff: the department they work in.",
    )
    may_sign = BooleanField(
        "May sign agreements",
        description="Vendor users: may sign agreements for their organization. Privacy office "
        "staff: may countersign for the City.",
    )
    submit = SubmitField("Send invitation")

    def set_choices(self, roles: list[Role], organisations, departments) -> None:
        self.role.choices = [(r.value, r.label) for r in roles]
        self.organisation_id.choices = [("", "—")] + [(o.id, o.display_name) for o in organisations]
        self.department_id.choices = [("", "—")] + [(d.id, d.name) for d in departments]


class UserForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    role = SelectField("Role", choices=[(r.value, r.label) for r in Role])
    department_id = SelectField("Department", coerce=optional_int, validators=[Optional()])
    may_sign = BooleanField(
        "May sign agreements",
        description="Vendor users: may sign agreements for their organization. Privacy office "
        "staff: may countersign for the City.",
    )
    version = HiddenField()
    submit = SubmitField("Save")


class ConfirmForm(FlaskForm):
    """An empty form, so that a confirmed POST still carries a CSRF token."""

    submit = SubmitField("Confirm")


class DepartmentForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    code = StringField(
        "Code",
        validators=[
            DataRequired(),
            Length(max=16),
            Regexp(r"^[A-Za-z0-9-]+$", message="Letters, digits and hyphens only."),
        ],
        description="A short code such as DOT or PRNS.",
    )
    active = BooleanField("Active", default=True)
    submit = SubmitField("Save")
