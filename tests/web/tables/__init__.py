"""The shared shapes of the coverage tables; each package lists its rows in its own module.

- `AuditCase`: one POST route and the single audit event it must write
  (checked by tests/web/test_audit_coverage.py).
- `Page`: one GET page and the roles that may open it (checked by tests/web/test_roles.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ROLES = ("admin", "procurement", "privacy", "vendor")
STAFF = ("admin", "procurement", "privacy")

Setup = Callable[..., tuple[str, dict]]


@dataclass(frozen=True)
class AuditCase:
    """`setup(login_as)` prepares data, signs in, and returns (url, form data) to post."""

    endpoint: str
    action: str  # the one event the post must write
    setup: Setup
    name: str = ""

    @property
    def id(self) -> str:
        return f"{self.endpoint}{'-' + self.name if self.name else ''}"


@dataclass(frozen=True)
class Page:
    """A page, the roles that get 200 (all others 403), and what anonymous visitors get.

    `path` may hold `{names}`; `params()` creates the rows and returns their values.
    """

    endpoint: str
    path: str
    roles: tuple[str, ...]
    anonymous: int = 302
    params: Callable[[], dict] | None = None

    def url(self) -> str:
        return self.path.format(**self.params()) if self.params else self.path
