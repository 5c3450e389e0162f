"""Spreadsheet import pages."""

from __future__ import annotations

from sharing.reports.blueprint import bp  # noqa: F401
