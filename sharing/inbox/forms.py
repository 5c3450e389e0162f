"""The inbox's one form: an empty POST that carries the CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField


class InboxActionForm(FlaskForm):
    submit = SubmitField("Mark all as read")
