"""Evidence file pages: the list, upload, download and removal."""

from __future__ import annotations

from sharing.attestations.blueprint import bp  # noqa: F401
