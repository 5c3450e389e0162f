"""The shared shapes of the coverage tables; each package lists its rows in its own module.

- `AuditCase`: one POST route and the single audit event it must write
  (checked by tests/web/test_audit_coverage.py).
- `Page`: one GET page and the roles that may open it (gathered in `pages.py`; the
  authorization matrix in tests/authz walks them).
- `IsolationCase`: one vendor route that takes an object's id; a vendor of another
  organisation gets 404 and changes nothing (checked by tests/web/test_vendor_isolation.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
    """A page, the roles that get 200, the roles sent elsewhere (302), all others 403, and
    what anonymous visitors get.

    `path` may hold `{names}`; `params()` creates the rows and returns their values. With
    `for_user=True`, `params(user)` gets the signed-in user (None when anonymous), so that a
    vendor page can create rows that belong to the vendor's own organisation.
    """

    endpoint: str
    path: str
    roles: tuple[str, ...]
    anonymous: int = 302
    params: Callable[..., dict] | None = None
    for_user: bool = False
    redirected: tuple[str, ...] = ()

    def url(self, user: Any = None) -> str:
        if not self.params:
            return self.path
        values = self.params(user) if self.for_user else self.params()
        return self.path.format(**values)


@dataclass(frozen=True)
class IsolationCase:
    """A route a vendor user may use that names an object by id.

    `setup(organisation)` creates one such object (and whatever it hangs on) belonging to
    `organisation`, and returns the URL's values for `url_for(endpoint, **values)`. The walk
    signs in a vendor of a *different* organisation, sends `method` (a POST carries `data`
    plus a CSRF token), and expects 404 with no row of any table changed.
    """

    endpoint: str
    method: str
    setup: Callable[[Any], dict]
    data: dict | None = None
    name: str = ""

    @property
    def id(self) -> str:
        return f"{self.endpoint}{'-' + self.name if self.name else ''}"
