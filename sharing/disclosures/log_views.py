"""The disclosure log pages (being built)."""

from sharing.disclosures.blueprint import bp  # noqa: F401
