"""DemoContext: what the demo builders share while they insert the data set."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sharing.agreements.models import Agreement, AgreementTemplateVersion, TemplateKind
from sharing.auth.models import Department, User
from sharing.core.roles import Role
from sharing.flows.models import DataCategory, DataFlow, FlowStatus
from sharing.obligations.models import PolicyVersion
from sharing.vendors.models import Organisation


@dataclass
class DemoContext:
    """The seeded random generator, the date of the run, and the rows built so far."""

    rng: random.Random
    today: date
    now: datetime
    departments: dict[str, Department] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[Role, User] = field(default_factory=dict)
    categories: dict[str, DataCategory] = field(default_factory=dict)
    flows: list[DataFlow] = field(default_factory=list)
    policy: PolicyVersion | None = None
    templates: dict[TemplateKind, AgreementTemplateVersion] = field(default_factory=dict)
    # The organisation's current agreement (a renewal's successor replaces its predecessor).
    agreements: dict[str, Agreement] = field(default_factory=dict)
    agreements_built: list[Agreement] = field(default_factory=list)  # every one, in order
    counts: dict[str, int] = field(default_factory=dict)
    # Files written so far, removed again if the seed fails: evidence, and agreement files.
    stored_files: list[str] = field(default_factory=list)
    stored_agreement_files: list[str] = field(default_factory=list)

    def days_ago(self, days: int) -> datetime:
        return self.now - timedelta(days=days)

    def date_in(self, days: int) -> date:
        return self.today + timedelta(days=days)

    def current_flow(self, system: str) -> DataFlow:
        """The latest revision of the flow with this system name."""
        matches = [f for f in self.flows if f.system_name == system]
        return max(matches, key=lambda f: f.revision)

    def approved_flows(self, org_key: str) -> list[DataFlow]:
        organisation = self.organisations[org_key]
        return [
            f
            for f in self.flows
            if f.organisation is organisation and f.status == FlowStatus.APPROVED
        ]

    def count(self, name: str, added: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + added
