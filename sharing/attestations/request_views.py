"""Attestation request pages: the staff list, a request, answering, submission, review."""

from __future__ import annotations

from sharing.attestations.blueprint import bp  # noqa: F401
