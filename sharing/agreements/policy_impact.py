"""What a newer policy version means for the agreements written under an older one: the
obligations removed, changed (and whether the agreed parameters still fit), added, or whose
rule now applies; the step each agreement needs, by its status; the notice an agreement's
page shows; and the move of a draft onto the latest version when it is regenerated.

The publish and impact pages (obligations/views.py) and an agreement's page (through the
`policy_notice` template global) all read these functions, so they agree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sharing.agreements.context import long_date
from sharing.agreements.drafting import EDITABLE
from sharing.agreements.models import Agreement, AgreementStatus
from sharing.agreements.terms import fitted, with_frame
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowCategory
from sharing.obligations.clauses import check_value, declared
from sharing.obligations.models import Obligation, PolicyVersion
from sharing.obligations.rules import applicable_obligations, evaluate
from sharing.obligations.services import latest_published

S = AgreementStatus
COMPARED = ("title", "clause_template", "parameters", "applicability", "attestation_question")
# Every agreement not yet ended, in the order the pages group them. Expired, renewed and
# terminated agreements stay as they were signed: no step can bring them to a new policy.
AFFECTED: tuple[AgreementStatus, ...] = tuple(
    status
    for status in S
    if status in EDITABLE or status == S.SENT_FOR_SIGNATURE or status in S.RENEWABLE
)


@dataclass
class ObligationChange:
    code: str
    title: str
    kind: str  # added, removed, changed, now_applies
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Action:
    """The step an agreement needs to follow a newer policy, in plain words; `kind` tells the
    pages where to link (regenerate, withdraw, amend)."""

    kind: str
    text: str


@dataclass
class AgreementImpact:
    agreement: Agreement
    changes: list[ObligationChange]
    action: Action


@dataclass(frozen=True)
class StatusGroup:
    status: AgreementStatus
    impacts: list[AgreementImpact]


@dataclass(frozen=True)
class PolicyNotice:
    """A published policy version newer than the one an agreement was drafted under."""

    version: PolicyVersion
    drafted_under: PolicyVersion
    changes: list[ObligationChange]
    action: Action

    @property
    def effective(self) -> str:
        return long_date(self.version.effective_date)


def action_for(agreement: Agreement, version: PolicyVersion) -> Action:
    """What the office does with this agreement now that `version` is published."""
    if agreement.status in EDITABLE:
        return Action("regenerate", f"Regenerate on policy {version.label}")
    if agreement.status == S.SENT_FOR_SIGNATURE:
        return Action("withdraw", "Withdraw and regenerate, or let it be signed and amend")
    # Signed: the text the parties signed cannot change; the only amendment the office drafts
    # is the renewal amendment, which names the agreement it amends.
    return Action("amend", "Prepare a renewal amendment")


def impact_of(version: PolicyVersion) -> list[AgreementImpact]:
    """Agreements not yet ended, drafted under older versions, and how this one differs for
    each; ordered by status (as AFFECTED), then number."""
    agreements = db.session.scalars(
        select(Agreement)
        .where(Agreement.status.in_(AFFECTED), Agreement.policy_version_id < version.id)
        .options(
            selectinload(Agreement.organisation),
            selectinload(Agreement.policy_version).selectinload(PolicyVersion.obligations),
            selectinload(Agreement.flows)
            .selectinload(DataFlow.categories)
            .selectinload(FlowCategory.category),
        )
        .order_by(Agreement.number)
    )
    current = {o.code: o for o in version.obligations}
    impacts = [AgreementImpact(a, _changes(a, current), action_for(a, version)) for a in agreements]
    return sorted(impacts, key=lambda item: AFFECTED.index(item.agreement.status))


def by_status(impacts: Sequence[AgreementImpact]) -> list[StatusGroup]:
    """The impacts under their status, in AFFECTED order; statuses with none are left out."""
    groups = [
        StatusGroup(status, [i for i in impacts if i.agreement.status == status])
        for status in AFFECTED
    ]
    return [group for group in groups if group.impacts]


def newer_policy_for(agreement: Agreement) -> PolicyNotice | None:
    """The latest published policy, when it is newer than the agreement's and the agreement
    has not ended, with what it changes for this agreement (as the impact page counts it)."""
    if agreement.status not in AFFECTED or agreement.policy_version_id is None:
        return None
    latest = latest_published()
    if latest is None or latest.id <= agreement.policy_version_id:
        return None
    changes = _changes(agreement, {o.code: o for o in latest.obligations})
    return PolicyNotice(latest, agreement.policy_version, changes, action_for(agreement, latest))


def move_to_latest_policy(
    agreement: Agreement, *, flows: Sequence[Any] | None = None
) -> PolicyVersion | None:
    """Put a draft or generated agreement on the latest published policy before it is
    (re)generated: obligations chosen again by the new rules, agreed parameter values kept
    where they fit the new bounds, the rest at the new defaults, undeclared ones dropped.
    Returns the version it left, or None when it stays. Nothing is audited or committed here:
    the generation's own event shows the policy, codes and parameters before and after.
    Signed agreements never move; they need an amendment. Nor does an adoption: its terms
    are its base's, under the base's policy version."""
    if (
        agreement.status not in EDITABLE
        or agreement.policy_version_id is None
        or agreement.adopts is not None
    ):
        return None
    latest = latest_published()
    if latest is None or latest.id <= agreement.policy_version_id:
        return None
    left = agreement.policy_version
    covered = list(agreement.flows if flows is None else flows)
    obligations = [o for o, _ in applicable_obligations(latest, covered)]
    agreement.policy_version = latest
    agreement.obligation_codes = [o.code for o in obligations]
    # The frame terms (terms.py) are the agreement's own and survive the move like the rest.
    agreement.parameters = fitted(with_frame(declared(obligations)), agreement.parameters or {})
    return left


def _changes(agreement: Agreement, current: dict[str, Obligation]) -> list[ObligationChange]:
    old = {o.code: o for o in agreement.policy_version.obligations}
    included = set(agreement.obligation_codes or [])
    changes: list[ObligationChange] = []
    for code in sorted(included):
        before, after = old.get(code), current.get(code)
        title = (after or before).title if (after or before) else code
        if after is None:
            changes.append(ObligationChange(code, title, "removed"))
        elif before is not None:
            details = _differences(before, after, agreement.parameters or {})
            if details:
                changes.append(ObligationChange(code, title, "changed", details))
    for code, obligation in current.items():
        if code in included:
            continue
        if code in old and old[code].applicability == obligation.applicability:
            continue  # same rule as when the agreement was generated: left out on purpose
        applies, reason = evaluate(obligation.applicability, agreement.flows)
        if applies:
            kind = "added" if code not in old else "now_applies"
            changes.append(ObligationChange(code, obligation.title, kind, [reason]))
    return changes


def _differences(before: Obligation, after: Obligation, agreed: dict[str, Any]) -> list[str]:
    details = []
    for name in COMPARED:
        if getattr(before, name) == getattr(after, name):
            continue
        if name == "parameters":
            details.extend(_parameter_differences(before, after, agreed))
        else:
            details.append(f"{name.replace('_', ' ').capitalize()} changed")
    return details


def _parameter_differences(
    before: Obligation, after: Obligation, agreed: dict[str, Any]
) -> list[str]:
    old, new = declared(before), declared(after)
    details = []
    for name in sorted(set(old) | set(new)):
        if name not in new:
            details.append(f"Parameter {name} removed")
        elif name not in old:
            details.append(f"Parameter {name} added (default {new[name]['default']})")
        elif old[name] != new[name]:
            spec = new[name]
            text = (
                f"Parameter {name}: default {old[name].get('default')} → {spec['default']}, "
                f"bounds {spec['min']}–{spec['max']}"
            )
            if name in agreed and check_value(spec, agreed[name])[1]:
                text += f"; the agreed {agreed[name]} is now out of bounds"
            details.append(text)
    return details
