"""Staff pages of the disclosures blueprint. The incident register (incident_views) and the
disclosure log (log_views) add their routes to the same blueprint from their own modules."""

from __future__ import annotations

from sharing.disclosures import incident_views, log_views  # noqa: F401 - routes join bp
from sharing.disclosures.blueprint import bp

__all__ = ["bp"]
