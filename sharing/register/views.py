"""Pages of the register blueprint (being built)."""

from __future__ import annotations

from sharing.register.blueprint import bp

__all__ = ["bp"]
