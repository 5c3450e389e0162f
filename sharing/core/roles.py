"""The four roles a user may hold, and the groups of them that pages, workflows and menus
allow. They live in core, beside the access decorators that check them, so that every
package (audit, mail and vendors too, which sit below auth) names a group once, the same
way; auth.models gives each user one of them."""

from __future__ import annotations

import enum
from typing import ClassVar


class Role(enum.StrEnum):
    ADMIN = "admin"
    PROCUREMENT = "procurement"
    PRIVACY = "privacy"
    VENDOR = "vendor"

    @property
    def label(self) -> str:
        return {
            "admin": "Administrator",
            "procurement": "Procurement",
            "privacy": "Privacy office",
            "vendor": "Vendor user",
        }[self.value]

    # Groups of roles, each named once and set just below the class (an enumeration's body
    # cannot refer to its own members).
    EVERYONE: ClassVar[tuple[Role, ...]]
    STAFF: ClassVar[tuple[Role, ...]]
    OFFICE: ClassVar[tuple[Role, ...]]
    REGISTRY_EDITORS: ClassVar[tuple[Role, ...]]
    EVIDENCE_UPLOADERS: ClassVar[tuple[Role, ...]]


# Every signed-in user.
Role.EVERYONE = (Role.ADMIN, Role.PROCUREMENT, Role.PRIVACY, Role.VENDOR)
# The city's own people: everyone but vendor users.
Role.STAFF = (Role.ADMIN, Role.PROCUREMENT, Role.PRIVACY)
# The privacy office, with administrators: reviews flows, drafts agreements, keeps the policy.
Role.OFFICE = (Role.ADMIN, Role.PRIVACY)
# Procurement, with administrators: registers organisations and their data flows.
Role.REGISTRY_EDITORS = (Role.ADMIN, Role.PROCUREMENT)
# Those who answer for evidence: the privacy office and vendor users.
Role.EVIDENCE_UPLOADERS = (Role.ADMIN, Role.PRIVACY, Role.VENDOR)
