"""Pages of the reports blueprint: spreadsheet import (import_views) and export (export_views)."""

from __future__ import annotations

from sharing.reports import export_views, import_views  # noqa: F401 - their routes join bp
from sharing.reports.blueprint import bp

__all__ = ["bp"]
