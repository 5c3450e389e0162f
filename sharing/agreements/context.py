"""The variables an agreement template may use: their declaration and realistic sample data.

This is the contract between the app and template authors. `VARIABLES` names every top-level
variable and the fields it carries; the upload check accepts a template only if it uses these
names, and the test render feeds it sample data (sample_context.py). Dates arrive already
formatted for a contract ("July 1, 2026"), so templates never need filters or method calls.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sharing.agreements.terms import template_terms

if TYPE_CHECKING:
    from sharing.agreements.covered import CoveredFlow

# name -> (what it is, its fields). Lists describe the fields of each item.
VARIABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "agreement": (
        "The agreement being generated",
        (
            "number",
            "title",
            "effective_date",
            "term_months",
            "expiry_date",
            "auto_renew",
            "renewal_term_months",
            "notice_days",
            "cancel_by",
            "obligation_codes",
        ),
    ),
    "city": (
        "The City party, its administering office and its security contact",
        (
            "name",
            "department",
            "address",
            "signatory_name",
            "signatory_title",
            "privacy_office",
            "privacy_email",
            "security_office",
            "security_email",
        ),
    ),
    "partner": (
        "The vendor or public partner; `term` is how a document names it (Vendor, Partner Agency)",
        (
            "legal_name",
            "display_name",
            "kind",
            "term",
            "address",
            "signatory_name",
            "signatory_title",
        ),
    ),
    "clauses": (
        "The applicable obligations, in order, as rendered clause text, with the policy source, "
        "the reason each applies and, where the City agreed an exception to it, the reason "
        "(else empty); an exception agreed with other wording puts that wording in `text`",
        ("number", "code", "title", "text", "source", "reason", "exception"),
    ),
    "terms": (
        "Every number the agreement states (obligation parameters and the frame terms of "
        "agreements/terms.py) by parameter name, and `security_framework`",
        (),
    ),
    "flows": (
        "Every data flow the agreement covers (Exhibit A)",
        (
            "system_name",
            "purposes",
            "categories",
            "retention",
            "storage",
            "subprocessors",
            "department",
            "legal_authority",
            "data_subjects",
            "minors",
            "automated_decisions",
            "justifications",
        ),
    ),
    "attestation_schedule": (
        "What the partner attests to, and when (Exhibit B)",
        ("obligation_code", "question", "frequency", "first_due"),
    ),
    "policy": ("The policy version the clauses come from", ("label", "effective_date")),
    "renewal": (
        "For a renewal amendment: the agreement it renews and what the renewal changes, by "
        "obligation code and parameter (empty values otherwise)",
        ("original_number", "original_effective_date", "prior_expiry_date", "changes", "summary"),
    ),
    "adoption": (
        "For an adoption of a general offer: the base agreement it adopts, its parties' City "
        "department and its dates (empty values otherwise)",
        (
            "base_number",
            "base_title",
            "base_effective_date",
            "base_expiry_date",
            "base_department",
            "adopting_department",
        ),
    ),
    "disposition": (
        "For a disposition directive: its number, why it was issued, the agreement's return "
        "or destruction clause, the end and due dates, the City's written authorization to "
        "destroy (else empty) and one element per data category of each flow concerned "
        "(flow, category, action, method, city_records, subprocessors)",
        ("number", "reason", "clause", "ended_on", "due_on", "authorization", "elements"),
    ),
    "generated_on": ("The date of generation, formatted", ()),
}

ALLOWED_VARIABLES: frozenset[str] = frozenset(VARIABLES)


def long_date(value: date | None) -> str:
    """A date as a US contract writes it: 'July 1, 2026'; empty when there is none."""
    if value is None:
        return ""
    return f"{value:%B} {value.day}, {value.year}"


# A stored department name that already says what kind of unit it is reads well after
# "acting through its"; a bare one ("Police") needs "Department" after it.
_UNIT_WORDS = frozenset(
    ("department", "office", "agency", "division", "program", "services", "library")
)


def department_name(name: str | None) -> str:
    """The department's name as a contract writes it: 'Police' -> 'Police Department'."""
    name = (name or "").strip()
    if not name or _UNIT_WORDS & set(re.findall(r"[a-z]+", name.casefold())):
        return name
    return f"{name} Department"


def partner_term(kind: str) -> str:
    """How a document names the other party: a public agency is the Partner Agency, any
    other organisation (vendor, nonprofit, research body) the Vendor."""
    return "Partner Agency" if kind == "public_agency" else "Vendor"


# -- the context of a real agreement ----------------------------------------------------------


def agreement_context(
    agreement: Any,
    *,
    clauses: list[dict[str, Any]],
    schedule: list[dict[str, Any]],
    flows: Sequence[CoveredFlow],
    city: dict[str, str],
    generated_on: date,
    parameters: dict[str, Any] | None = None,
    changes: list[dict[str, Any]] | None = None,
    summary: str = "",
) -> dict[str, Any]:
    """The template context for `agreement`, from its rows; `clauses`, `schedule`,
    `parameters` (every value it states) and a renewal's `changes` and `summary` come from the
    generation plan, `flows` are the covered flows, `city` comes from configuration. Dates are
    formatted here."""
    renews = agreement.renews
    department = agreement.department.name if agreement.department else ""
    return {
        "agreement": {
            "number": agreement.number,
            "title": agreement.title,
            "effective_date": long_date(agreement.effective_date),
            "term_months": agreement.term_months,
            "expiry_date": long_date(agreement.expiry_date),
            "auto_renew": agreement.auto_renew,
            "renewal_term_months": agreement.renewal_term_months,
            "notice_days": agreement.notice_days,
            "cancel_by": long_date(agreement.cancel_by),
            "obligation_codes": [clause["code"] for clause in clauses],
        },
        "city": {
            **city,
            # Without a department the City acts through the office that runs the register.
            "department": department_name(department) or city.get("privacy_office", ""),
        },
        "partner": partner_context(agreement.organisation),
        "clauses": with_exceptions(clauses, getattr(agreement, "exceptions", None)),
        "terms": template_terms(parameters if parameters is not None else {}),
        "flows": exhibit_a(flows),
        "attestation_schedule": schedule,
        "policy": {
            "label": agreement.policy_version.label,
            "effective_date": long_date(agreement.policy_version.effective_date),
        },
        "renewal": {
            "original_number": renews.number if renews else "",
            "original_effective_date": long_date(renews.effective_date) if renews else "",
            "prior_expiry_date": long_date(renews.expiry_date) if renews else "",
            "changes": list(changes or []) if renews else [],
            "summary": summary if renews else "",
        },
        "adoption": adoption_context(agreement),
        "generated_on": long_date(generated_on),
    }


def adoption_context(agreement: Any) -> dict[str, str]:
    """What an adoption's document says of the base agreement; empty values for any other
    agreement, so that every template may name the variable."""
    base = getattr(agreement, "adopts", None)
    if base is None:
        return dict.fromkeys(VARIABLES["adoption"][1], "")
    own = agreement.department.name if agreement.department else ""
    return {
        "base_number": base.number,
        "base_title": base.title,
        "base_effective_date": long_date(base.effective_date),
        "base_expiry_date": long_date(base.expiry_date),
        "base_department": department_name(base.department.name if base.department else ""),
        "adopting_department": department_name(own),
    }


def with_exceptions(
    clauses: list[dict[str, Any]], exceptions: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """The clauses with the exceptions the City agreed (`Agreement.exceptions`, by obligation
    code): the reason for Exhibit E, and the agreed wording instead of the policy's. A clause
    agreed away keeps its place, saying it does not apply, so that numbering stays."""
    exceptions = exceptions or {}
    result = []
    for clause in clauses:
        agreed = exceptions.get(clause["code"]) or {}
        clause = {**clause, "exception": agreed.get("reason", "")}
        if agreed.get("kind") == "removed":
            clause["text"] = REMOVED_BY_EXCEPTION
        elif agreed.get("text"):
            clause["text"] = agreed["text"]
        result.append(clause)
    return result


REMOVED_BY_EXCEPTION = (
    "By an exception the City agreed, this obligation does not apply to this Agreement "
    "(Exhibit E gives the reason)."
)


def exhibit_a(flows: Sequence[CoveredFlow]) -> list[dict[str, Any]]:
    """Exhibit A: one row per covered flow, by system name."""
    ordered = sorted(flows, key=lambda flow: (flow.system_name.casefold(), flow.id))
    return [flow_context(flow) for flow in ordered]


def partner_context(organisation: Any) -> dict[str, Any]:
    signatory = next((c for c in organisation.contacts if c.role.value == "signatory"), None)
    region = " ".join(part for part in (organisation.region, organisation.postal_code) if part)
    address = ", ".join(
        part
        for part in (
            organisation.address_line1,
            organisation.address_line2,
            organisation.city,
            region,
            organisation.country if organisation.country != "US" else "",
        )
        if part
    )
    return {
        "legal_name": organisation.legal_name,
        "display_name": organisation.display_name,
        "kind": organisation.kind.label.lower(),
        "term": partner_term(organisation.kind.value),
        "address": address,
        "signatory_name": signatory.name if signatory else "",
        "signatory_title": signatory.title if signatory else "",
    }


def flow_context(flow: CoveredFlow) -> dict[str, Any]:
    """One row of Exhibit A, and its details."""
    categories = sorted(link.category.name for link in flow.categories)
    if flow.retention_days:
        retention = f"{flow.retention_days} days"
        if flow.disposal_method:
            retention += f", then {_lower_first(flow.disposal_method.strip())}"
    else:
        retention = "As the City's records retention schedule sets"
    storage = flow.storage_location or "Not stated"
    if flow.storage_country:
        storage += f" ({flow.storage_country})"
    subprocessors = "; ".join(
        f"{item['name']} ({', '.join(v for v in (item.get('service'), item.get('country')) if v)})"
        if item.get("service") or item.get("country")
        else item["name"]
        for item in flow.subprocessors or []
    )
    return {
        "system_name": flow.system_name,
        "purposes": flow.purposes,
        "categories": "; ".join(categories),
        "retention": retention,
        "storage": storage,
        "subprocessors": subprocessors or "None",
        "department": department_name(flow.department.name) if flow.department else "",
        **flow_details(flow),
    }


def flow_details(flow: Any) -> dict[str, str]:
    """What Exhibit A states besides the table: authority, people, minors, automated
    decisions with their oversight, and why each category is needed; a blank one reads as
    not stated."""
    stated = "Not stated"
    automated = "None"
    if flow.automated_decisions:
        description = _sentence_part(flow.automated_decision_description) or "Yes"
        oversight = flow.human_oversight or stated
        automated = f"{description}. Human oversight: {oversight}"
    justifications = "; ".join(
        f"{link.category.name}: {_sentence_part(link.justification)}"
        for link in sorted(flow.categories, key=lambda link: link.category.name)
        if link.justification
    )
    return {
        "legal_authority": flow.legal_authority or stated,
        "data_subjects": flow.data_subjects or stated,
        "minors": "Yes" if flow.includes_minors else "No",
        "automated_decisions": automated,
        "justifications": justifications or stated,
    }


def _lower_first(text: str) -> str:
    """Text continuing a sentence: "Returned to the City" → "returned to the City"."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _sentence_part(text: str) -> str:
    """Text without its closing period, to be joined into a longer sentence."""
    return text.strip().rstrip(". ")
