"""The template globals agreements gives every page: AgreementStatus, so that pages test the
same groups of statuses as the code (AgreementStatus.IN_FORCE, RENEWABLE), by name; and
policy_notice, the newer policy an agreement's page warns about
(templates/agreements/_policy_warning.html)."""

from __future__ import annotations

from flask import Flask

from sharing.agreements.models import AgreementStatus
from sharing.agreements.policy_impact import newer_policy_for


def init_templating(app: Flask) -> None:
    app.jinja_env.globals["AgreementStatus"] = AgreementStatus
    app.jinja_env.globals["policy_notice"] = newer_policy_for
