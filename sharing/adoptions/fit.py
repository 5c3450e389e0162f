"""Whether a department's flows fit a general offer, and if not, exactly why: each misfit is a
plain sentence naming the flow, the offer or the base agreement, and what does not fit.

Checked: the offer is open and within its dates; the base is still signed and not ended; each
flow is approved, the base's vendor's, the department's own and not already covered by an
agreement in force; the department, direction and risk tier are within the offer's scope;
every data category, and the people the data is about, are carried by some flow of the base;
and every obligation the flows bring in is among the base's, a sector module's named by its law.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from sharing.adoptions.models import AdoptionOffer, OfferStatus
from sharing.agreements import conflicts
from sharing.agreements.context import long_date
from sharing.agreements.covered import covered_flow_of
from sharing.agreements.models import Agreement, AgreementStatus, agreement_flows
from sharing.agreements.plans import Plan, plan_agreement
from sharing.auth.models import Department
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowStatus, RiskTier
from sharing.obligations.modules import module_of
from sharing.obligations.rules import applicable_obligations

TIER_ORDER = list(RiskTier)
# An agreement covering a flow in these statuses covers it already, or is about to: signed and
# not ended, or generated and on its way to signature (a second adoption of the same flow).
COVERING = (
    *AgreementStatus.RENEWABLE,
    AgreementStatus.GENERATED,
    AgreementStatus.SENT_FOR_SIGNATURE,
)
# Words that say nothing about whose data it is, left out when data subjects are compared.
_FILLER = frozenset(
    ("a", "an", "and", "or", "of", "the", "their", "who", "whom", "with", "in", "on")
    + ("for", "to", "by", "from", "at", "any", "all", "other")
)


@dataclass(frozen=True)
class Misfit:
    """One reason the adoption cannot go ahead; `flow_id` names the flow it is about, if any."""

    text: str
    flow_id: int | None = None


def check(
    offer: AdoptionOffer, flows: Sequence[DataFlow], department: Department, *, today: date
) -> list[Misfit]:
    """Every reason these flows of this department do not fit the offer; empty when they fit."""
    base = offer.agreement
    found = _offer_misfits(offer, base, department, today)
    if not flows:
        found.append(Misfit("Choose at least one approved data flow to adopt the offer for."))
    covered = _covered_elsewhere([flow for flow in flows])
    fitting = []
    for flow in flows:
        texts = _flow_misfits(offer, base, flow, department, covered)
        found.extend(Misfit(text, flow.id) for text in texts)
        if not texts:
            fitting.append(flow)
    if fitting:
        plan = plan_agreement(base)  # the base's terms, read once for every flow
        for flow in fitting:
            found.extend(Misfit(text, flow.id) for text in _conflict_misfits(base, flow, plan))
    return found


def _conflict_misfits(base: Agreement, flow: DataFlow, plan: Plan) -> list[str]:
    """The flow's clashes with the base's terms (agreements/conflicts.py) that the office did
    not accept for it: an acceptance names the flow it was given for, so one made for a base
    flow does not carry over, and the adoption could not be generated. Checked only for a flow
    that fits otherwise, since a misfit already sends it to an agreement of its own."""
    terms = _Terms(base.policy_version, base.conflict_overrides or {})
    found = conflicts.find_conflicts(terms, flows=[covered_flow_of(flow)], plan=plan)
    return [
        f"{conflict.message} {base.number} accepted no such exception for this flow."
        for conflict in conflicts.unresolved(terms, found)
    ]


@dataclass(frozen=True)
class _Terms:
    """What the conflict checks read of an agreement: its policy version and the conflicts
    accepted on it."""

    policy_version: object
    conflict_overrides: dict


def _offer_misfits(
    offer: AdoptionOffer, base: Agreement, department: Department, today: date
) -> list[Misfit]:
    found = []
    if offer.status != OfferStatus.OPEN:
        found.append(Misfit(f"The offer of {base.number} is {offer.status.label.lower()}."))
    elif offer.available_until < today:
        found.append(Misfit(f"The offer ended on {long_date(offer.available_until)}."))
    if base.status not in AgreementStatus.RENEWABLE:
        found.append(
            Misfit(f"{base.number} is {base.status.label.lower()}, so it can no longer be adopted.")
        )
    if offer.department_ids and department.id not in offer.department_ids:
        found.append(Misfit(f"{department.name} is not among the departments this offer names."))
    return found


def _flow_misfits(
    offer: AdoptionOffer,
    base: Agreement,
    flow: DataFlow,
    department: Department,
    covered: dict[int, str],
) -> list[str]:
    name = flow.system_name
    found = []
    if flow.status != FlowStatus.APPROVED:
        found.append(f"{name} is {flow.status.label.lower()}, not approved.")
    if flow.organisation_id != base.organisation_id:
        found.append(f"{name} is not a flow with {base.organisation.display_name}.")
    if flow.department_id != department.id:
        found.append(f"{name} belongs to another department, not {department.name}.")
    if _lineage(flow) in covered:
        found.append(f"{name} is already covered by {covered[_lineage(flow)]}.")
    if offer.directions and flow.direction.value not in offer.directions:
        allowed = ", ".join(sorted(offer.directions))
        found.append(
            f"{name} is {flow.direction.label.lower()}; this offer covers only {allowed} flows."
        )
    found.extend(_tier_misfits(offer, flow))
    found.extend(_data_misfits(base, flow))
    found.extend(_obligation_misfits(base, flow))
    return found


def _tier_misfits(offer: AdoptionOffer, flow: DataFlow) -> list[str]:
    limit = offer.max_risk_tier
    if limit is None:
        return []
    if flow.risk_tier is None:
        return [f"{flow.system_name} has no risk tier yet; this offer goes up to {limit.label}."]
    if TIER_ORDER.index(flow.risk_tier) > TIER_ORDER.index(limit):
        return [
            f"{flow.system_name} is {flow.risk_tier.label} risk, above this offer's highest "
            f"tier, {limit.label}."
        ]
    return []


def _data_misfits(base: Agreement, flow: DataFlow) -> list[str]:
    """Categories and people: what the flow shares must be shared under the base already."""
    name, number = flow.system_name, base.number
    carried = {link.category.name for f in base.flows for link in f.categories}
    found = [
        f"{name} carries {link.category.name}, which no flow under {number} carries."
        for link in sorted(flow.categories, key=lambda link: link.category.name)
        if link.category.name not in carried
    ]
    if flow.includes_minors and not any(f.includes_minors for f in base.flows):
        found.append(f"{name} includes minors, and no flow under {number} does.")
    if flow.includes_vulnerable and not any(f.includes_vulnerable for f in base.flows):
        found.append(f"{name} includes vulnerable people, and no flow under {number} does.")
    found.extend(_subject_misfits(base, flow))
    return found


def _subject_misfits(base: Agreement, flow: DataFlow) -> list[str]:
    """A kind of person the flow names that no base flow names. Compared word by word (a
    plural matches its singular, filler words are ignored), so "Residents and visitors" fits
    a base about "residents, visitors and businesses", while "Students" does not."""
    known = set().union(*(_words(f.data_subjects) for f in base.flows)) if base.flows else set()
    said = [f.data_subjects.strip() for f in base.flows if f.data_subjects.strip()]
    found = []
    for part in _parts(flow.data_subjects):
        missing = _words(part) - known
        if missing:
            names = "; ".join(f"“{text}”" for text in said) or "none"
            found.append(
                f"{flow.system_name}'s data subjects include “{part}”, whom no flow under "
                f"{base.number} names (its flows name: {names})."
            )
    return found


def _obligation_misfits(base: Agreement, flow: DataFlow) -> list[str]:
    """Obligations the flow brings in that the base lacks: a sector module by its law, any
    other obligation by its title."""
    if base.policy_version is None:
        return []
    included = set(base.obligation_codes or [])
    found, modules = [], set()
    for obligation, _ in applicable_obligations(base.policy_version, [flow]):
        if obligation.code in included:
            continue
        module = module_of(obligation)
        if module is None:
            found.append(
                f"{flow.system_name} needs the obligation “{obligation.title}” "
                f"({obligation.code}), which {base.number} does not include."
            )
        elif module.prefix not in modules:
            modules.add(module.prefix)
            found.append(
                f"{flow.system_name} needs the {module.name} module ({module.citation}), "
                f"which {base.number} does not include."
            )
    return found


def _parts(text: str) -> list[str]:
    """The kinds of person a data-subjects text lists: split at commas, semicolons, slashes
    and "and"/"or"."""
    pieces = re.split(r"[,;/]|\band\b|\bor\b|&", text or "", flags=re.IGNORECASE)
    return [piece.strip(" .") for piece in pieces if _words(piece)]


def _words(text: str) -> set[str]:
    words = re.findall(r"[a-z]+", (text or "").casefold())
    return {_singular(word) for word in words if word not in _FILLER and len(word) > 2}


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _lineage(flow: DataFlow) -> int:
    return flow.lineage_id or flow.id


def _covered_elsewhere(flows: Sequence[DataFlow]) -> dict[int, str]:
    """Lineage id -> the agreement (number and status) that already covers some revision of
    it, or is about to."""
    lineages = {_lineage(flow) for flow in flows}
    if not lineages:
        return {}
    lineage = func.coalesce(DataFlow.lineage_id, DataFlow.id)
    rows = db.session.execute(
        select(lineage, Agreement.number, Agreement.status)
        .join(agreement_flows, agreement_flows.c.flow_id == DataFlow.id)
        .join(Agreement, Agreement.id == agreement_flows.c.agreement_id)
        .where(lineage.in_(lineages), Agreement.status.in_(COVERING))
        .order_by(Agreement.id)
    )
    return {key: f"{number} ({status.label.lower()})" for key, number, status in rows}
