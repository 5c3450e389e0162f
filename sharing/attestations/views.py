"""Pages of the attestations blueprint. Requests and reviews (request_views), evidence files
(evidence_views) and follow-ups (follow_up_views) add their routes to the same blueprint from
their own modules."""

from __future__ import annotations

from sharing.attestations import (  # noqa: F401 - routes join bp
    evidence_views,
    follow_up_views,
    request_views,
)
from sharing.attestations.blueprint import bp

__all__ = ["bp"]
