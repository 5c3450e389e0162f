"""Pages of the attestations blueprint. Requests and reviews (request_views) and evidence files
(evidence_views) add their routes to the same blueprint from their own modules."""

from __future__ import annotations

from sharing.attestations import evidence_views, request_views  # noqa: F401 - routes join bp
from sharing.attestations.blueprint import bp

__all__ = ["bp"]
