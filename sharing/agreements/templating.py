"""The template global agreements gives every page: AgreementStatus, so that pages test the
same groups of statuses as the code (AgreementStatus.IN_FORCE, RENEWABLE), by name."""

from __future__ import annotations

from flask import Flask

from sharing.agreements.models import AgreementStatus


def init_templating(app: Flask) -> None:
    app.jinja_env.globals["AgreementStatus"] = AgreementStatus
