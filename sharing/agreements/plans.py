"""What an agreement includes: the obligations whose rule applies to its covered flows, each
with its reason, its parameters and its clause text; Exhibit B's attestation schedule; and
the complete template context built from them."""

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
from sharing.obligations.clauses import check_parameters, render_clause, render_clause_html
from sharing.obligations.models import Obligation
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
    def html(self) -> Markup:
        """The clause for the preview page, escaped (generation needs only the text)."""
        return render_clause_html(self.obligation, self.values)


@dataclass(frozen=True)
class Plan:
    clauses: list[PlannedClause]
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        return [clause.obligation.code for clause in self.clauses]


def plan_agreement(agreement: Agreement, *, flows: Sequence[CoveredFlow] | None = None) -> Plan:
    """The obligations that apply to the agreement's covered flows (read now unless given)
    under its policy version, in policy order, each with its reason, its parameters at the
    agreement's values, and its clause."""
    policy = agreement.policy_version
    if policy is None:  # recorded before the register kept policy versions
        return Plan(clauses=[], parameters=dict(agreement.parameters or {}))
    covered = covered_flows(agreement) if flows is None else flows
    chosen = applicable_obligations(policy, list(covered))
    values, _ = check_parameters([o for o, _ in chosen], agreement.parameters or {})
    clauses = []
    for number, (obligation, reason) in enumerate(chosen, start=1):
        parameters = [
            Parameter(
                name=spec["name"],
                label=spec.get("label") or spec["name"],
                unit=spec.get("unit") or "",
                minimum=spec["min"],
                maximum=spec["max"],
                default=spec["default"],
                value=values[spec["name"]],
            )
            for spec in obligation.parameters or []
        ]
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
    return Plan(clauses=clauses, parameters=values)


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
        }
        for clause in plan.clauses
    ]
    return agreement_context(
        agreement,
        clauses=clauses,
        schedule=attestation_schedule(agreement, plan),
        flows=flows,
        city=city_party(),
        generated_on=generated_on,
    )
