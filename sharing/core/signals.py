"""Sending a blinker signal from the current app, for the signals feature packages declare in
their own events.py. Receivers run inside the sender's transaction; a receiver may return
extra changes for the sender's audit event (a dict, or None when it has nothing to add)."""

from __future__ import annotations

from typing import Any

from blinker import Signal
from flask import current_app


def announce(signal: Signal, **details: Any) -> dict[str, Any]:
    """Send `signal` with the current app as sender, and return the audit changes its
    receivers added, merged."""
    results = signal.send(current_app._get_current_object(), **details)  # type: ignore[attr-defined]
    changes: dict[str, Any] = {}
    for _receiver, added in results:
        changes.update(added or {})
    return changes
