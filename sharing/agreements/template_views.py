"""Pages for agreement templates: the list, versions, upload and download."""

from __future__ import annotations

from sharing.agreements.blueprint import bp  # noqa: F401 - routes join the agreements blueprint
