"""Pages of the reports blueprint: spreadsheet import (import_views) and export (export_views)."""

from __future__ import annotations

from sharing.reports import (  # noqa: F401 - their routes join bp
    accountability_views,
    export_views,
    import_views,
)
from sharing.reports.blueprint import bp

__all__ = ["bp"]
