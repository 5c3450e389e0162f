"""The template globals renewals gives every page: the reminders sent about an object and
how their messages fared, shown on agreement, attestation and incident pages
(templates/renewals/_history.html)."""

from __future__ import annotations

from flask import Flask

from sharing.renewals.queries import reminder_delivery, reminder_history


def init_templating(app: Flask) -> None:
    app.jinja_env.globals["reminder_history"] = reminder_history
    app.jinja_env.globals["reminder_delivery"] = reminder_delivery
