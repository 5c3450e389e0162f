"""Demo data: policy version 2026.1, its obligations (in our own words) and agreement templates."""

from __future__ import annotations

from typing import Any

from sharing.agreements.models import TemplateKind

POLICY_LABEL = "2026.1"
PRINCIPLES = "Digital Privacy Principles"
MY_SAN_JOSE = "My San Jose Privacy Policy"
ALWAYS = {"rule": "always"}

OBLIGATIONS: tuple[dict[str, Any], ...] = (
    {
        "code": "NOT-1",
        "source_document": PRINCIPLES,
        "source_reference": "Principle: Provide notice when data is collected",
        "title": "Tell people what is collected and why",
        "summary": (
            "Before or while information is gathered, people learn what the recipient takes, "
            "the reason, and what it will be used for. Only a genuine emergency excuses "
            "notice in advance."
        ),
        "clause_template": (
            "The Recipient shall give each individual a plain-language notice, at or before "
            "collection, that names the personal information gathered for the City, the reason "
            "for gathering it and the uses it will serve."
        ),
        "parameters": [],
        "applicability": ALWAYS,
        "attestation_question": (
            "Did every form, app or device that collects personal information for the City "
            "show people a notice of what is collected and why?"
        ),
    },
    {
        "code": "PUR-1",
        "source_document": MY_SAN_JOSE,
        "source_reference": "Item 8",
        "title": "Use data only for the agreed purposes",
        "summary": (
            "Information shared by the City serves the purposes written into the approved "
            "flows, or closely related ones. Anything else needs the person's consent or a legal "
            "requirement."
        ),
        "clause_template": (
            "The Recipient shall use City personal information solely for the purposes listed "
            "in Schedule A, or purposes compatible with them, unless the individual consents or "
            "a law compels a different use."
        ),
        "parameters": [],
        "applicability": ALWAYS,
        "attestation_question": (
            "Was City personal information used only for the purposes listed in Schedule A?"
        ),
    },
    {
        "code": "MIN-1",
        "source_document": PRINCIPLES,
        "source_reference": "Principle: Minimize personal information collected",
        "title": "Take and keep as little as possible",
        "summary": (
            "The recipient asks for, receives and stores only the categories the service "
            "really needs, and tells the City when a category turns out to be unnecessary."
        ),
        "clause_template": (
            "The Recipient shall limit the personal information it requests, receives and "
            "stores to the categories in Schedule A, and shall inform the City within "
            "{{ minimisation_notice_days }} days of finding that a category is not needed."
        ),
        "parameters": [
            {
                "name": "minimisation_notice_days",
                "label": "Days to report an unneeded category",
                "default": 30,
                "min": 5,
                "max": 90,
                "unit": "days",
            }
        ],
        "applicability": ALWAYS,
        "attestation_question": (
            "Did you receive and keep only the data categories listed in Schedule A?"
        ),
    },
    {
        "code": "RET-1",
        "source_document": PRINCIPLES,
        "source_reference": "Principle: Practice defined retention periods",
        "title": "Delete or return data when its time is up",
        "summary": (
            "Each flow has a retention period. When it ends, or the agreement ends, the data "
            "is destroyed or handed back promptly and the recipient confirms it in writing."
        ),
        "clause_template": (
            "When the retention period in Schedule A ends, or this Agreement ends if sooner, "
            "the Recipient shall securely destroy or return the City personal information "
            "within {{ deletion_days }} days and give the City a written certificate saying so."
        ),
        "parameters": [
            {
                "name": "deletion_days",
                "label": "Days to destroy or return data",
                "default": 30,
                "min": 1,
                "max": 180,
                "unit": "days",
            }
        ],
        "applicability": ALWAYS,
        "attestation_question": (
            "Was every record whose retention period ended destroyed or returned on time, "
            "with a certificate sent to the City?"
        ),
    },
    {
        "code": "SHR-1",
        "source_document": MY_SAN_JOSE,
        "source_reference": "Item 5",
        "title": "No sale and no onward sharing",
        "summary": (
            "City data is never sold, rented or traded, and goes to nobody beyond the "
            "subprocessors the City has approved."
        ),
        "clause_template": (
            "The Recipient shall not sell, rent, trade or otherwise pass on City personal "
            "information to anyone except the subprocessors named in Schedule A, unless the "
            "City first agrees in writing."
        ),
        "parameters": [],
        "applicability": ALWAYS,
        "attestation_question": (
            "Did you refrain from selling City personal information and from sharing it with "
            "anyone other than the approved subprocessors?"
        ),
    },
    {
        "code": "SEC-1",
        "source_document": MY_SAN_JOSE,
        "source_reference": "Item 7",
        "title": "Keep the data safe",
        "summary": (
            "Reasonable administrative, technical and physical controls stop the data from "
            "being lost, altered or reached by people who have no business with it."
        ),
        "clause_template": (
            "The Recipient shall operate safeguards suited to the sensitivity of the data, "
            "including need-to-know access, multi-factor sign-in for staff and encryption in "
            "transit, so that the data is not lost, altered or reached without authority."
        ),
        "parameters": [],
        "applicability": ALWAYS,
        "attestation_question": (
            "Were access controls, multi-factor sign-in and encryption in transit in place "
            "for City data throughout the period?"
        ),
    },
    {
        "code": "SEC-2",
        "source_document": MY_SAN_JOSE,
        "source_reference": "Item 6",
        "title": "Extra protection for restricted data",
        "summary": (
            "Restricted categories, such as health, plate reads or SSNs, are encrypted at rest, "
            "their access is logged, and the list of people with access is reviewed often."
        ),
        "clause_template": (
            "For data classed as restricted, the Recipient shall encrypt it at rest, keep "
            "access logs for at least {{ access_log_days }} days and review every quarter "
            "who can reach it."
        ),
        "parameters": [
            {
                "name": "access_log_days",
                "label": "Days to keep access logs",
                "default": 365,
                "min": 90,
                "max": 2555,
                "unit": "days",
            }
        ],
        "applicability": {"rule": "any_restricted_category"},
        "attestation_question": (
            "Was restricted City data encrypted at rest, with access logged and reviewed "
            "each quarter?"
        ),
    },
    {
        "code": "BRN-1",
        "source_document": PRINCIPLES,
        "source_reference": "Principle: Maintain accountability for data usage and security",
        "title": "Report incidents quickly",
        "summary": (
            "The recipient alerts the City soon after spotting a real or suspected compromise, "
            "and helps it investigate and reach the people affected."
        ),
        "clause_template": (
            "The Recipient shall inform the City's Digital Privacy Officer of any confirmed or "
            "reasonably suspected security incident affecting City personal information within "
            "{{ breach_notice_hours }} hours of discovering it, and shall cooperate with the "
            "City's investigation and with notice to affected individuals."
        ),
        "parameters": [
            {
                "name": "breach_notice_hours",
                "label": "Hours to report an incident",
                "default": 72,
                "min": 1,
                "max": 720,
                "unit": "hours",
            }
        ],
        "applicability": ALWAYS,
        "attestation_question": (
            "Was every security incident affecting City data reported to the City within the "
            "agreed number of hours (answer not applicable if there were none)?"
        ),
    },
    {
        "code": "ATT-1",
        "source_document": PRINCIPLES,
        "source_reference": "Principle: Ensure responsible data sharing",
        "title": "Confirm compliance every year",
        "summary": (
            "Partners are held to the City's own privacy expectations, so an officer of the "
            "recipient answers the City's questionnaire on a fixed cycle."
        ),
        "clause_template": (
            "Every {{ attestation_interval_months }} months, an authorised officer of the "
            "Recipient shall answer the City's compliance questionnaire and attest that the "
            "Recipient met the obligations of this Agreement."
        ),
        "parameters": [
            {
                "name": "attestation_interval_months",
                "label": "Months between attestations",
                "default": 12,
                "min": 3,
                "max": 24,
                "unit": "months",
            }
        ],
        "applicability": ALWAYS,
        "attestation_question": (
            "Are the answers in this questionnaire complete and accurate to the best of your "
            "knowledge?"
        ),
    },
)

AGREEMENT_TEMPLATES: tuple[dict[str, Any], ...] = (
    {
        "name": "Vendor data protection agreement",
        "kind": TemplateKind.VENDOR_DPA,
        "description": "For companies that process City personal information on its behalf.",
    },
    {
        "name": "Interagency data sharing agreement",
        "kind": TemplateKind.INTERAGENCY,
        "description": "For other public agencies, nonprofits and research partners.",
    },
    {
        "name": "Renewal amendment",
        "kind": TemplateKind.RENEWAL_AMENDMENT,
        "description": "Extends an agreement's term and updates its schedules.",
    },
)
