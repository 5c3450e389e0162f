"""What an agreement includes: the obligations whose rule applies to its covered flows, each
with its reason, its parameters and its clause text; the frame terms (terms.py); Exhibit B's
attestation schedule; what a renewal changes; and the complete template context built from
them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app
from markupsafe import Markup

from sharing.agreements.context import agreement_context, long_date
from sharing.agreements.covered import CoveredFlow, covered_flows
from sharing.agreements.dates import add_months
from sharing.agreements.models import Agreement
from sharing.agreements.terms import FRAME_PARAMETERS, check_with_terms
from sharing.core.sentences import sentence
from sharing.obligations.clauses import declared, render_clause, render_clause_html
from sharing.obligations.models import Obligation
from sharing.obligations.modules import Module, module_of
from sharing.obligations.rules import applicable_obligations

ATTESTATION_PARAMETER = "attestation_interval_months"
DEFAULT_ATTESTATION_MONTHS = 12


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str
    unit: str
    minimum: int
    maximum: int
    default: int
    value: int


@dataclass(frozen=True)
class PlannedClause:
    """An obligation the agreement includes: why it applies, its parameters and its text."""

    number: int
    obligation: Obligation
    reason: str
    parameters: list[Parameter]
    text: str
    values: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def source(self) -> str:
        """Where the obligation comes from, in words: the document, then the part of it (which
        may name the document again, as the newer libraries' references do)."""
        document, reference = self.obligation.source_document, self.obligation.source_reference
        return reference if reference.startswith(document) else f"{document}, {reference}"

    @property
    def module(self) -> Module | None:
        """The sector module (a law's set of obligations) the clause belongs to, if any."""
        return module_of(self.obligation)

    @property
    def html(self) -> Markup:
        """The clause for the preview page, escaped (generation needs only the text)."""
        return render_clause_html(self.obligation, self.values)


@dataclass(frozen=True)
class Plan:
    """The included clauses; `parameters` holds every value the agreement states (obligation
    parameters and frame terms), `terms` the frame terms no included obligation declares."""

    clauses: list[PlannedClause]
    parameters: dict[str, Any] = field(default_factory=dict)
    terms: list[Parameter] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return [clause.obligation.code for clause in self.clauses]

    @property
    def standard(self) -> list[PlannedClause]:
        """The clauses every agreement may include, outside the sector modules."""
        return [clause for clause in self.clauses if clause.module is None]

    @property
    def modules(self) -> list[tuple[Module, list[PlannedClause]]]:
        """The sector modules the flows trigger, in library order, each with its clauses."""
        found: dict[str, tuple[Module, list[PlannedClause]]] = {}
        for clause in self.clauses:
            if clause.module is not None:
                found.setdefault(clause.module.prefix, (clause.module, []))[1].append(clause)
        return list(found.values())


def plan_agreement(agreement: Agreement, *, flows: Sequence[CoveredFlow] | None = None) -> Plan:
    """The obligations that apply to the agreement's covered flows (read now unless given)
    under its policy version, in policy order, each with its reason, its parameters at the
    agreement's values, and its clause."""
    policy = agreement.policy_version
    if policy is None:  # recorded before the register kept policy versions
        values, _ = check_with_terms([], agreement.parameters or {})
        return Plan(clauses=[], parameters=values, terms=_frame_terms([], values))
    if agreement.adopts is not None:
        chosen = adopted_obligations(agreement)
    else:
        covered = covered_flows(agreement) if flows is None else flows
        chosen = applicable_obligations(policy, list(covered))
    obligations = [o for o, _ in chosen]
    values, _ = check_with_terms(obligations, agreement.parameters or {})
    clauses = []
    for number, (obligation, reason) in enumerate(chosen, start=1):
        parameters = [_parameter(spec, values) for spec in obligation.parameters or []]
        clauses.append(
            PlannedClause(
                number=number,
                obligation=obligation,
                reason=reason,
                parameters=parameters,
                text=render_clause(obligation, values),
                values=values,
            )
        )
    return Plan(clauses=clauses, parameters=values, terms=_frame_terms(obligations, values))


def adopted_obligations(agreement: Agreement) -> list[tuple[Obligation, str]]:
    """An adoption takes on its base's obligations as they stand, in policy order, not the
    ones its own flows would bring in: the adoption form checked that those are among them."""
    base = agreement.adopts
    codes = set(base.obligation_codes or [])
    policy = agreement.policy_version
    # Each says why it applies to the base's own flows; one the base keeps though its flows
    # no longer bring it in is simply the base's.
    reasons = dict(applicable_obligations(policy, list(covered_flows(base))))
    included = f"Included in {base.number}, whose terms this adoption takes on."
    return [(o, reasons.get(o, included)) for o in policy.obligations if o.code in codes]


def _parameter(spec: dict[str, Any], values: dict[str, Any]) -> Parameter:
    return Parameter(
        name=spec["name"],
        label=spec.get("label") or spec["name"],
        unit=spec.get("unit") or "",
        minimum=spec["min"],
        maximum=spec["max"],
        default=spec["default"],
        value=values[spec["name"]],
    )


def _frame_terms(obligations: list[Obligation], values: dict[str, Any]) -> list[Parameter]:
    """The frame terms the included obligations do not declare, for the parameters form."""
    stated = declared(obligations)
    return [_parameter(spec, values) for spec in FRAME_PARAMETERS if spec["name"] not in stated]


def attestation_schedule(agreement: Agreement, plan: Plan) -> list[dict[str, Any]]:
    """Exhibit B: each included obligation's question, how often it is asked, and when first."""
    months = int(plan.parameters.get(ATTESTATION_PARAMETER) or DEFAULT_ATTESTATION_MONTHS)
    if agreement.effective_date is not None:
        first_due = long_date(add_months(agreement.effective_date, months))
    else:
        first_due = f"{months} months after the effective date"
    return [
        {
            "obligation_code": clause.obligation.code,
            "question": clause.obligation.attestation_question,
            "frequency": f"Every {months} months",
            "first_due": first_due,
        }
        for clause in plan.clauses
    ]


def city_party() -> dict[str, str]:
    config = current_app.config
    return {
        "name": config["CITY_NAME"],
        "address": config["CITY_ADDRESS"],
        "signatory_name": config["CITY_SIGNATORY_NAME"],
        "signatory_title": config["CITY_SIGNATORY_TITLE"],
        "privacy_office": config["CITY_PRIVACY_OFFICE_NAME"],
        "privacy_email": config["CITY_PRIVACY_OFFICE_EMAIL"],
        "security_office": config["CITY_SECURITY_OFFICE_NAME"],
        "security_email": config["CITY_SECURITY_OFFICE_EMAIL"],
    }


def build_context(
    agreement: Agreement,
    *,
    generated_on: date,
    plan: Plan | None = None,
    flows: Sequence[CoveredFlow] | None = None,
) -> dict:
    """The complete template context for the agreement as it stands."""
    flows = covered_flows(agreement) if flows is None else flows
    plan = plan or plan_agreement(agreement, flows=flows)
    clauses = [
        {
            "number": clause.number,
            "code": clause.obligation.code,
            "title": clause.obligation.title,
            "text": clause.text,
            "source": clause.source,
            "reason": clause.reason,
        }
        for clause in plan.clauses
    ]
    changes = renewal_changes(agreement.renews, plan) if agreement.renews is not None else []
    return agreement_context(
        agreement,
        clauses=clauses,
        schedule=attestation_schedule(agreement, plan),
        flows=flows,
        city=city_party(),
        generated_on=generated_on,
        parameters=plan.parameters,
        changes=changes,
        summary=renewal_summary(changes),
    )


def renewal_changes(original: Agreement, plan: Plan) -> list[dict[str, str]]:
    """What a renewal changes against the agreement it renews, by obligation code and
    parameter: obligations added and removed, clause texts the policy revised, and values
    changed (old → new). Frame terms carry no code. A value the original did not record
    (generated before it was a parameter) is not compared."""
    before = (
        {o.code: o for o in original.policy_version.obligations} if original.policy_version else {}
    )
    old_codes = list(original.obligation_codes or [])
    old_values = dict(original.parameters or {})
    included = {clause.obligation.code: clause for clause in plan.clauses}
    changes: list[dict[str, str]] = []
    for code in old_codes:
        if code not in included:
            title = before[code].title if code in before else code
            changes.append(_change(code, title, "Removed: it no longer applies."))
    seen: set[str] = set()
    for code, clause in included.items():
        obligation = clause.obligation
        if code not in old_codes:
            reason = clause.reason[:1].lower() + clause.reason[1:]
            changes.append(_change(code, obligation.title, sentence(f"Added: {reason}")))
            continue
        if code in before and before[code].clause_template != obligation.clause_template:
            changes.append(_change(code, obligation.title, "Clause text revised by the policy."))
        for parameter in clause.parameters:
            seen.add(parameter.name)
            changes.extend(_value_change(code, obligation.title, parameter, old_values))
    for term in plan.terms:
        if term.name not in seen:
            changes.extend(_value_change("", term.label, term, old_values))
    return changes


def _value_change(
    code: str, title: str, parameter: Parameter, old_values: dict[str, Any]
) -> list[dict[str, str]]:
    old = old_values.get(parameter.name)
    if old is None or old == parameter.value:
        return []
    unit = f" {parameter.unit}" if parameter.unit else ""
    text = f"{parameter.label}: {old}{unit} → {parameter.value}{unit}."
    return [_change(code, title, text)]


def _change(code: str, title: str, change: str) -> dict[str, str]:
    return {"code": code, "title": title, "change": change}


def renewal_summary(changes: Sequence[dict[str, Any]]) -> str:
    if not changes:
        return (
            "This renewal changes no obligation and no term of the Original Agreement: the "
            "same obligations apply with the same values."
        )
    count = "one change" if len(changes) == 1 else f"{len(changes)} changes"
    return f"This renewal makes {count} to the Original Agreement, each listed below."
