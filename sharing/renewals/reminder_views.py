"""Placeholder: filled in by its owner this session."""

from sharing.renewals.blueprint import bp  # noqa: F401
