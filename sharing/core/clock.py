"""The city's clock: local calendar dates and UTC instants, in one place."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "America/Los_Angeles"


def city_timezone() -> ZoneInfo:
    name = current_app.config["TIMEZONE"] if has_app_context() else DEFAULT_TIMEZONE
    return ZoneInfo(name)


def now() -> datetime:
    """The current instant, timezone-aware in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in the city, which is what due dates and expiries are counted in."""
    return datetime.now(city_timezone()).date()


def local(moment: datetime) -> datetime:
    """An instant shown in the city's time zone."""
    return moment.astimezone(city_timezone())
