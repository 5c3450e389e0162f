"""Template globals and filters: navigation by role, the groups of roles and of agreement
statuses, dates in the city's time zone."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, request, url_for

from sharing.core.clock import local


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return local(value).strftime("%Y-%m-%d %H:%M")


def format_date(value: date | None) -> str:
    return value.isoformat() if value else ""


def url_with(**changes) -> str:
    """The current URL with some query arguments replaced (for sorting and paging links)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def init_templating(app: Flask) -> None:
    from sharing.agreements.models import AgreementStatus
    from sharing.auth.models import Role
    from sharing.core.navigation import navigation_for
    from sharing.renewals.queries import reminder_delivery, reminder_history

    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["navigation_for"] = navigation_for
    # Pages test the same groups of roles and statuses as the code, by name.
    app.jinja_env.globals["Role"] = Role
    app.jinja_env.globals["AgreementStatus"] = AgreementStatus
    app.jinja_env.globals["reminder_history"] = reminder_history
    app.jinja_env.globals["reminder_delivery"] = reminder_delivery
