"""Whether an agreement is complete enough to generate: each missing or mismatched input, keyed
by the field that fixes it, in one place for the draft form, the preview's checklist and
generation; and every obligation with whether it applies, for the preview's "did not apply".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import current_app

from sharing.agreements.models import Agreement, TemplateKind
from sharing.obligations.rules import evaluate_all
from sharing.vendors.models import ContactRole, Organisation, OrganisationKind

# The order the checklist shows them in: the agreement's own fields, then the parties.
FIELDS = (
    "template",
    "renews",
    "flows",
    "department",
    "effective_date",
    "partner_signatory",
    "partner_address",
    "city_signatory",
    "city_address",
)
# Fields the privacy office fixes on the agreement's own form (the others are the partner's
# record or the installation's settings).
AGREEMENT_FIELDS = frozenset({"template", "renews", "flows", "department", "effective_date"})
PARTNER_ADDRESS_PARTS = (
    ("address_line1", "street address"),
    ("city", "city"),
    ("postal_code", "postal code"),
)


def expected_template_kind(
    organisation: Organisation, renews: Any, adopts: Any = None
) -> TemplateKind:
    """The template an agreement with this partner needs: the adoption form for an adoption of
    a general offer, an amendment for a renewal, the inter-agency agreement for a public
    agency, the vendor agreement for everyone else."""
    if adopts is not None:
        return TemplateKind.ADOPTION
    if renews is not None:
        return TemplateKind.RENEWAL_AMENDMENT
    if organisation.kind == OrganisationKind.PUBLIC_AGENCY:
        return TemplateKind.INTERAGENCY
    return TemplateKind.VENDOR_DPA


def template_problem(
    *, organisation: Organisation, kind: TemplateKind | None, renews: Any, adopts: Any = None
) -> str | None:
    """Why a template of `kind` does not fit this partner and agreement, or None."""
    if kind is None:
        return "Choose a template."
    expected = expected_template_kind(organisation, renews, adopts)
    if kind == expected:
        return None
    if expected == TemplateKind.ADOPTION:
        return "An adoption of a general offer uses an adoption template."
    if kind == TemplateKind.ADOPTION:
        return "An adoption template is used only by adopting an offer, from the offer's page."
    if kind == TemplateKind.RENEWAL_AMENDMENT:
        return "A renewal amendment must name the agreement it renews."
    if expected == TemplateKind.RENEWAL_AMENDMENT:
        return "An agreement that renews another uses a renewal amendment template."
    partner = f"{organisation.display_name} is a {organisation.kind.label.lower()}"
    if kind == TemplateKind.INTERAGENCY:
        return (
            f"The inter-agency template is only for public agencies; {partner}. Choose a "
            "vendor data protection agreement template."
        )
    return f"{partner}: choose an inter-agency data sharing agreement template."


def problems(agreement: Agreement, flows: Sequence[Any]) -> dict[str, str]:
    """What stops the agreement from being generated, by field, in checklist order; empty when
    it is ready. `flows` are its covered flows (records or ORM rows)."""
    organisation = agreement.organisation
    version = agreement.template_version
    found: dict[str, str] = {}
    kind = version.template.kind if version is not None else None
    mismatch = template_problem(
        organisation=organisation, kind=kind, renews=agreement.renews, adopts=agreement.adopts
    )
    if mismatch:
        found["template"] = mismatch
    if not flows:
        found["flows"] = "Cover at least one approved data flow."
    if agreement.department_id is None and agreement.department is None:
        found["department"] = "Choose the City department that leads this agreement."
    if agreement.effective_date is None:
        found["effective_date"] = (
            "Set the effective date: the term, expiry and first attestation follow from it."
        )
    found.update(partner_problems(organisation))
    found.update(city_problems(current_app.config))
    return {field: found[field] for field in FIELDS if field in found}


def partner_problems(organisation: Organisation) -> dict[str, str]:
    """The partner's signatory and notice address, as its record holds them."""
    found = {}
    name = organisation.display_name
    signatory = next((c for c in organisation.contacts if c.role == ContactRole.SIGNATORY), None)
    if signatory is None:
        found["partner_signatory"] = (
            f"{name} has no signatory: add a contact with the role Signatory, with a name "
            "and title, to sign for them."
        )
    elif not signatory.name.strip() or not signatory.title.strip():
        found["partner_signatory"] = (
            f"{name}'s signatory {signatory.name or signatory.email} needs a name and a title "
            "for the signature block."
        )
    missing = [label for attr, label in PARTNER_ADDRESS_PARTS if not getattr(organisation, attr)]
    if missing:
        found["partner_address"] = (
            f"{name}'s notice address is incomplete: add the {_and(missing)}."
        )
    return found


def city_problems(config: Mapping[str, Any]) -> dict[str, str]:
    """The City's side, which comes from the installation's settings."""
    found = {}
    if not str(config.get("CITY_SIGNATORY_TITLE") or "").strip():
        found["city_signatory"] = (
            "The City's signatory title is not set: an administrator sets "
            "SHARING_CITY_SIGNATORY_TITLE."
        )
    if not str(config.get("CITY_ADDRESS") or "").strip():
        found["city_address"] = (
            "The City's notice address is not set: an administrator sets SHARING_CITY_ADDRESS."
        )
    return found


def draft_notes(agreement: Agreement) -> dict[str, str]:
    """What a saved draft still lacks before it can be generated (shown, not refused)."""
    return problems(agreement, agreement.flows)


def not_applied(version: Any, flows: Sequence[Any]) -> list[tuple[Any, str]]:
    """The obligations the flows did not bring in, with the reason each did not apply."""
    if version is None:
        return []
    return [(o, reason) for o, applies, reason in evaluate_all(version, flows) if not applies]


def _and(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]
