"""Pages of the renewals blueprint. Reminder history (reminder_views) and the calendar feed
(calendar_views) add their routes to the same blueprint from their own modules."""

from __future__ import annotations

from sharing.renewals import calendar_views, reminder_views  # noqa: F401 - routes join bp
from sharing.renewals.blueprint import bp

__all__ = ["bp"]
