"""Template globals and filters every package uses: navigation by role, the groups of roles,
dates in the city's time zone. Feature packages add their own globals in create_app's
register_templating step."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, request, url_for

from sharing.core.clock import local
from sharing.core.countries import country_names
from sharing.core.sentences import sentence


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
    from sharing.core.forms import page_errors
    from sharing.core.navigation import navigation_for
    from sharing.core.roles import Role

    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    # {{ (name ~ " is ready")|sentence }}: one full stop even when the name ends in one.
    app.jinja_env.filters["sentence"] = sentence
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["navigation_for"] = navigation_for
    # Pages test the same groups of roles as the code, by name.
    app.jinja_env.globals["Role"] = Role
    app.jinja_env.globals["country_names"] = country_names
    app.jinja_env.globals["page_errors"] = page_errors
