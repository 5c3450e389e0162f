"""Conflicts between what a covered flow does and what an applicable obligation allows, found
before generation, and the privacy office's decisions to accept one.

`CHECKS` is a declarative table: each entry names the obligation it compares with (by code or
code prefix), whether it fires while that obligation applies or while the policy version lacks
it, and a function that reads one flow's facts and says what clashes. A new check is one entry.
A conflict's code names the check, the flow's lineage, the obligation and the two values, so an
acceptance recorded for it stops holding when any of them changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sharing.agreements.covered import CoveredFlow, covered_flows
from sharing.agreements.drafting import check_editable
from sharing.agreements.models import Agreement
from sharing.agreements.plans import Plan, plan_agreement
from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.errors import Conflict as StaleConflict
from sharing.errors import ValidationFailed

# An acceptance is a decision on the record: a sentence, not a tick or a word.
MIN_REASON_CHARS = 20
MIN_REASON_WORDS = 4
US = "US"


@dataclass(frozen=True)
class Conflict:
    """One flow fact that clashes with one obligation, in words, with how to resolve it."""

    code: str
    check: str
    obligation_code: str
    flow_id: int
    flow_name: str
    flow_value: str
    policy_value: str
    message: str
    resolution: str


@dataclass(frozen=True)
class FlowFacts:
    """A covered flow, with the lineage its accepted conflicts are keyed by (so they survive a
    new revision) and its human-oversight text."""

    flow: CoveredFlow
    lineage_id: int
    human_oversight: str


@dataclass(frozen=True)
class Against:
    """What a check compares a flow with: the obligation's code, the obligation itself (None
    when the check is about its absence), the agreement's parameters and the policy label."""

    code: str
    obligation: Any
    parameters: Mapping[str, Any]
    policy_label: str


class Finding(NamedTuple):
    flow_value: str
    policy_value: str
    message: str
    resolution: str


@dataclass(frozen=True)
class Check:
    name: str
    obligation: str  # a code, or a code prefix ending in "-" such as "CJI-"
    find: Callable[[FlowFacts, Against], Iterator[Finding]]
    # True: fires while the policy version has no such obligation at all.
    when_missing: bool = False

    def matches(self, code: str) -> bool:
        if self.obligation.endswith("-"):
            return code.startswith(self.obligation)
        return code == self.obligation


# -- the checks -------------------------------------------------------------------------------


def _categories(flow: CoveredFlow, *flags: str) -> list[str]:
    return sorted(
        link.category.name
        for link in flow.categories
        if any(getattr(link.category, flag) for flag in flags)
    )


def _places_abroad(flow: CoveredFlow) -> Iterator[tuple[str, str]]:
    """(who holds the data, country) for the flow itself and each subprocessor outside the US."""
    country = (flow.storage_country or US).upper()
    if country != US:
        yield flow.system_name, country
    for sub in flow.subprocessors or []:
        sub_country = str(sub.get("country") or US).upper()
        if sub_country != US:
            yield f"subprocessor {sub.get('name') or 'unnamed'}", sub_country


def _surveillance_retention(facts: FlowFacts, against: Against) -> Iterator[Finding]:
    flow, limit = facts.flow, against.parameters.get("surveillance_retention_days")
    shared = _categories(flow, "is_licence_plate", "is_biometric")
    if limit is None or not shared or (flow.retention_days and flow.retention_days <= limit):
        return
    kept = f"{flow.retention_days} days" if flow.retention_days else "no retention period"
    declared = {p["name"]: p for p in against.obligation.parameters or []}
    highest = declared.get("surveillance_retention_days", {}).get("max", limit)
    yield Finding(
        kept,
        f"{limit} days",
        f"{flow.system_name} keeps {', '.join(shared)} for {kept}, but obligation "
        f"{against.code} requires plate and biometric data to be deleted within {limit} days.",
        f"Shorten the flow's retention to {limit} days or fewer (a new revision of the flow), "
        f"raise the clause's limit on the parameters page (the policy allows up to {highest} "
        "days), or accept the conflict with a reason.",
    )


def _outside_us_storage(facts: FlowFacts, against: Against) -> Iterator[Finding]:
    flow = facts.flow
    shared = _categories(flow, "is_criminal_justice")
    if not shared:
        return
    for holder, country in _places_abroad(flow):
        yield Finding(
            f"{holder} in {country}",
            "United States only",
            f"{flow.system_name} shares {', '.join(shared)}, and {holder} holds it in {country}, "
            f"but obligation {against.code} requires criminal-justice data to stay in the "
            "United States.",
            "Move the data (and any subprocessor holding it) to the United States in a new "
            "revision of the flow, stop sharing the criminal-justice category, or accept the "
            "conflict with a reason.",
        )


def _stored_abroad_without_safeguards(facts: FlowFacts, against: Against) -> Iterator[Finding]:
    flow = facts.flow
    for holder, country in _places_abroad(flow):
        yield Finding(
            f"{holder} in {country}",
            f"no {against.code} in policy {against.policy_label}",
            f"{flow.system_name}: {holder} holds City data in {country}, but policy "
            f"{against.policy_label} has no cross-border safeguards obligation ({against.code}), "
            "so the agreement would say nothing about data held abroad.",
            "Keep the data in the United States, ask the policy's editors to restore the "
            "cross-border obligation, or accept the conflict with a reason.",
        )


def _automated_without_oversight(facts: FlowFacts, against: Against) -> Iterator[Finding]:
    flow = facts.flow
    if not flow.automated_decisions or facts.human_oversight.strip():
        return
    yield Finding(
        "automated decisions, no human review described",
        "review by a trained person before a decision takes effect",
        f"{flow.system_name} makes automated decisions but its record describes no human "
        f"review, which obligation {against.code} requires before any decision takes effect.",
        "Describe who reviews the decisions and how in a new revision of the flow, or accept "
        "the conflict with a reason.",
    )


CHECKS: tuple[Check, ...] = (
    Check("surveillance_retention", "LPR-1", _surveillance_retention),
    Check("criminal_justice_us_storage", "CJI-", _outside_us_storage),
    Check("cross_border_safeguards", "LOC-2", _stored_abroad_without_safeguards, when_missing=True),
    Check("automated_decision_oversight", "AUT-1", _automated_without_oversight),
)


# -- finding them -----------------------------------------------------------------------------


def find_conflicts(
    agreement: Agreement,
    *,
    flows: Sequence[CoveredFlow] | None = None,
    plan: Plan | None = None,
) -> list[Conflict]:
    """Every conflict between the agreement's covered flows and its obligations, in check
    order, then by flow name."""
    policy = agreement.policy_version
    if policy is None:
        return []
    flows = covered_flows(agreement) if flows is None else flows
    plan = plan or plan_agreement(agreement, flows=flows)
    applicable = {clause.obligation.code: clause.obligation for clause in plan.clauses}
    in_version = {obligation.code for obligation in policy.obligations}
    facts = _facts(flows)
    found = []
    for check in CHECKS:
        if check.when_missing:
            if any(check.matches(code) for code in in_version):
                continue
            targets = [(check.obligation, None)]
        else:
            targets = [(code, o) for code, o in applicable.items() if check.matches(code)]
        for code, obligation in targets:
            against = Against(code, obligation, plan.parameters, policy.label)
            for flow_facts in facts:
                for finding in check.find(flow_facts, against):
                    found.append(_conflict(check, against, flow_facts, finding))
    return found


def unresolved(agreement: Agreement, found: Sequence[Conflict]) -> list[Conflict]:
    """The conflicts nobody has accepted (an acceptance holds for its exact code only)."""
    accepted = agreement.conflict_overrides or {}
    return [conflict for conflict in found if conflict.code not in accepted]


def summary(open_conflicts: Sequence[Conflict]) -> str:
    """One sentence for a refusal: how many conflicts, and which flows and obligations."""
    # One flow may clash with one obligation in several ways (itself and a subprocessor
    # abroad); the sentence names each pair once, the count says how many there are.
    pairs = dict.fromkeys(f"{c.flow_name} against {c.obligation_code}" for c in open_conflicts)
    named = "; ".join(pairs)
    count = len(open_conflicts)
    noun = "conflict" if count == 1 else "conflicts"
    return (
        f"{count} unresolved {noun} between the covered flows and the policy ({named}). "
        "Resolve each on the preview page, or accept it there with a reason."
    )


def _facts(flows: Sequence[CoveredFlow]) -> list[FlowFacts]:
    ordered = sorted(flows, key=lambda flow: (flow.system_name.casefold(), flow.id))
    return [
        FlowFacts(
            flow=flow,
            lineage_id=flow.lineage_id or flow.id,
            human_oversight=flow.human_oversight or "",
        )
        for flow in ordered
    ]


def _conflict(check: Check, against: Against, facts: FlowFacts, finding: Finding) -> Conflict:
    code = "|".join(
        (check.name, str(facts.lineage_id), against.code, finding.flow_value, finding.policy_value)
    )
    return Conflict(
        code=code,
        check=check.name,
        obligation_code=against.code,
        flow_id=facts.flow.id,
        flow_name=facts.flow.system_name,
        flow_value=finding.flow_value,
        policy_value=finding.policy_value,
        message=finding.message,
        resolution=finding.resolution,
    )


# -- accepting one ----------------------------------------------------------------------------


def reason_problem(reason: str) -> str | None:
    """Why a reason is too thin to put on the record, or None."""
    words = reason.split()
    if len(reason.strip()) < MIN_REASON_CHARS or len(words) < MIN_REASON_WORDS:
        return (
            f"Give the reason in at least a sentence ({MIN_REASON_WORDS} words and "
            f"{MIN_REASON_CHARS} characters): it goes on the agreement's record."
        )
    return None


def decision(conflict: Conflict, *, reason: str, by: str, at: datetime) -> dict[str, str]:
    """The record of one acceptance, as conflict_overrides keeps it under the conflict's code."""
    return {
        "reason": reason,
        "by": by,
        "at": at.isoformat(),
        # What was accepted, in words, for pages that show the decision without the checks.
        "about": f"{conflict.flow_name} against {conflict.obligation_code}: "
        f"{conflict.flow_value} vs {conflict.policy_value}",
    }


def accept_conflict(
    *,
    actor: Any,
    agreement: Agreement,
    code: str,
    reason: str,
    now: datetime,
    expected_version: int | None,
) -> Agreement:
    """Record that the privacy office accepts one conflict the agreement has now, and why."""
    check_editable(agreement, expected_version)
    current = {conflict.code: conflict for conflict in find_conflicts(agreement)}
    conflict = current.get(code)
    if conflict is None:
        raise StaleConflict(
            "That conflict is no longer raised for this agreement (a flow, parameter or the "
            "policy changed). Reload the preview to see the conflicts as they stand."
        )
    reason = " ".join(reason.split())
    problem = reason_problem(reason)
    if problem:
        raise ValidationFailed({"reason": problem})
    before = dict(agreement.conflict_overrides or {})
    agreement.conflict_overrides = {
        **before,
        code: decision(conflict, reason=reason, by=actor.email, at=now),
    }
    audit.record(
        actor=actor,
        action="agreement.conflict_accepted",
        object_type="agreement",
        object_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes={"conflict_overrides": {"before": before, "after": agreement.conflict_overrides}},
        summary=f"Accepted on {agreement.number}: {conflict.flow_name} against "
        f"{conflict.obligation_code} ({conflict.flow_value} vs {conflict.policy_value})",
    )
    commit_or_conflict()
    return agreement
