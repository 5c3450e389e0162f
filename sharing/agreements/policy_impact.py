"""How a policy version differs, for each agreement in force generated under an older one: the
obligations removed, changed (and whether the agreed parameters still fit), added, or whose
rule now applies. Shown before publishing and on the impact page (obligations/views.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowCategory
from sharing.obligations.clauses import check_value, declared
from sharing.obligations.models import Obligation, PolicyVersion
from sharing.obligations.rules import evaluate

COMPARED = ("title", "clause_template", "parameters", "applicability", "attestation_question")


@dataclass
class ObligationChange:
    code: str
    title: str
    kind: str  # added, removed, changed, now_applies
    details: list[str] = field(default_factory=list)


@dataclass
class AgreementImpact:
    agreement: Agreement
    changes: list[ObligationChange]


def impact_of(version: PolicyVersion) -> list[AgreementImpact]:
    """Active agreements generated under older versions, and how this version differs for each."""
    agreements = db.session.scalars(
        select(Agreement)
        .join(PolicyVersion, Agreement.policy_version_id == PolicyVersion.id)
        .where(Agreement.status.in_(AgreementStatus.IN_FORCE), PolicyVersion.id < version.id)
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
    return [AgreementImpact(a, _changes(a, current)) for a in agreements]


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
