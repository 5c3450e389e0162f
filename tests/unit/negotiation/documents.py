"""A generated vendor agreement, and the edits a vendor makes to it before returning it: the
same builders the comparison benchmark uses (bench/compare.py), so both read the same files."""

from __future__ import annotations

from bench.compare import (
    LIABILITY,
    VENDOR,
    add_clause_after,
    delete_clause,
    edited,
    paragraph_with,
    policy,
    replace,
    tracked_replace,
    vendor_agreement,
)

POLICY = policy()
AUTHOR = VENDOR

__all__ = [
    "AUTHOR",
    "LIABILITY",
    "POLICY",
    "add_clause_after",
    "delete_clause",
    "edited",
    "generated",
    "paragraph_with",
    "replace",
    "tracked_replace",
]


def generated() -> bytes:
    """The vendor agreement over three Exhibit A rows, rendered once per process."""
    return vendor_agreement(3)
