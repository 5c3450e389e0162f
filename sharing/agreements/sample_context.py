"""Realistic sample data for every template variable (context.VARIABLES), with awkward values:
markup characters and accents. The upload check and the tests render templates with it."""

from __future__ import annotations

from datetime import date
from typing import Any

from sharing.agreements.context import long_date
from sharing.agreements.terms import template_terms


def sample_context(*, flows: int = 3) -> dict[str, Any]:
    """A complete context with awkward but realistic values: markup characters and accents."""
    changes = [
        {"code": "BRN-1", "title": "Report incidents quickly", "change": "Hours: 72 → 48"},
        {"code": "LOC-2", "title": "Storage outside the US", "change": "Added: storage in DE"},
    ]
    return {
        "agreement": {
            "number": "DSA-2026-0042",
            "title": "Data Protection Agreement — Peña & Hijos <Field Services>",
            "effective_date": long_date(date(2026, 7, 1)),
            "term_months": 36,
            "expiry_date": long_date(date(2029, 6, 30)),
            "auto_renew": True,
            "renewal_term_months": 12,
            "notice_days": 90,
            "cancel_by": long_date(date(2029, 4, 1)),
            "obligation_codes": [clause["code"] for clause in _sample_clauses()],
        },
        "city": {
            "name": "City of San José",
            "department": "Office of Civic Innovation & Digital Strategy",
            "address": "200 E. Santa Clara Street, San José, CA 95113",
            "signatory_name": "Nguyễn Thị Hoa",
            "signatory_title": "Digital Privacy Officer",
            "privacy_office": "Digital Privacy Office",
            "privacy_email": "digitalprivacy@sanjoseca.gov",
            "security_office": "Information Security Office",
            "security_email": "security@sanjoseca.gov",
        },
        "partner": {
            "legal_name": 'Peña & Hijos "Servicios" S.A. de C.V.',
            "display_name": "Peña & Hijos",
            "kind": "vendor",
            "term": "Vendor",
            "address": "1 O'Farrell Street <Suite 5>, San Francisco, CA 94108",
            "signatory_name": "José Ángel Muñoz",
            "signatory_title": "Director de Operaciones",
        },
        "clauses": _sample_clauses(),
        "terms": template_terms({"breach_notice_hours": 72, "deletion_days": 30}),
        "flows": [_sample_flow(index) for index in range(1, flows + 1)],
        "attestation_schedule": _sample_schedule(),
        "policy": {"label": "2026.1", "effective_date": long_date(date(2026, 1, 15))},
        "renewal": {
            "original_number": "DSA-2023-0007",
            "original_effective_date": long_date(date(2023, 7, 1)),
            "prior_expiry_date": long_date(date(2026, 6, 30)),
            "changes": changes,
            "summary": "This renewal makes 2 changes to the Original Agreement, each listed below.",
        },
        "adoption": {
            "base_number": "DSA-2025-0031",
            "base_title": "Payments <Processing> — Peña & Hijos",
            "base_effective_date": long_date(date(2025, 3, 1)),
            "base_expiry_date": long_date(date(2028, 2, 29)),
            "base_department": "Finance Department",
            "adopting_department": "Parks, Recreation & Neighborhood Services",
        },
        "disposition": _sample_disposition(),
        "generated_on": long_date(date(2026, 6, 1)),
    }


def _sample_clauses() -> list[dict[str, Any]]:
    clauses = [
        (
            "PUR-1",
            "Purpose limitation",
            "The Recipient will use City Data only for the purposes listed in Exhibit A, or "
            "for purposes consistent with them, unless the individual consents or the law "
            "requires otherwise.",
            "My San Jose Privacy Policy, Item 8",
            "Applies to every agreement.",
        ),
        (
            "RET-1",
            "Retention & deletion",
            "The Recipient will keep City Data no longer than Exhibit A allows and will then "
            "destroy it within 30 days, giving the City a signed certificate of destruction.",
            "Digital Privacy Principles, Practice defined retention periods",
            "Applies to every agreement.",
        ),
        (
            "BRN-1",
            "Breach notification",
            "The Recipient will notify the City within 72 hours of discovering any incident "
            "that compromises City Data, and will cooperate with the City's investigation.",
            "Digital Privacy Principles, Maintain accountability for data usage and security",
            "Applies to every agreement.",
        ),
    ]
    return [
        {"number": number, "code": code, "title": title, "text": text, "source": source,
         "reason": reason,
         "exception": "Vendor's backups roll over in 45 days" if code == "RET-1" else ""}
        for number, (code, title, text, source, reason) in enumerate(clauses, start=1)
    ]  # fmt: skip


def _sample_flow(index: int) -> dict[str, Any]:
    return {
        "system_name": f"Parking permits <portal> #{index}",
        "purposes": "Issue & renew residential parking permits",
        "categories": 'Contact details; vehicle plates; "restricted" address history',
        "retention": "730 days after the permit ends",
        "storage": "United States (AWS us-west-2)",
        "subprocessors": "Ocampo's Mail & Print; Trần Logistics",
        "department": "Department of Transportation",
        "legal_authority": "San José Municipal Code, Title 11 (residential permit parking)",
        "data_subjects": "Residents & visitors applying for permits",
        "minors": "No",
        "automated_decisions": "None",
        "justifications": "Vehicle plates: a permit is tied to a vehicle",
    }


def _sample_schedule() -> list[dict[str, Any]]:
    questions = {
        "PUR-1": "Has City Data been used only for the purposes listed in Exhibit A?",
        "RET-1": "Was every record past its retention period deleted, with a certificate?",
    }
    due = long_date(date(2027, 7, 1))
    return [
        {"obligation_code": code, "question": question, "frequency": "Every 12 months",
         "first_due": due}
        for code, question in questions.items()
    ]  # fmt: skip


def _sample_disposition() -> dict[str, Any]:
    element = {
        "flow": "Parking permits <portal>",
        "category": "Contact details & addresses",
        "action": "Return to the City",
        "method": "Return a complete copy as CSV by SFTP; then purge the vendor's copies.",
        "city_records": "Yes",
        "subprocessors": "Ocampo's Mail & Print; Trần Logistics",
    }
    return {
        "number": "DD-2026-0007",
        "reason": "Agreement DSA-2026-0042 has ended (terminated) and was not renewed",
        "clause": "clause RET-2 (return or destruction at the end)",
        "ended_on": long_date(date(2026, 9, 30)),
        "due_on": long_date(date(2026, 10, 30)),
        "authorization": "Council resolution 80.123 of March 3, 2026 <records>",
        "elements": [element, {**element, "category": "Vehicle plates", "action": "Destroy"}],
    }
