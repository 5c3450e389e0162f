"""Pages of the agreements blueprint: agreements (here) and templates (template_views)."""

from __future__ import annotations

from sharing.agreements import template_views  # noqa: F401 - its routes join bp
from sharing.agreements.blueprint import bp

__all__ = ["bp"]
