"""The spreadsheet columns of organisations and flows: headers, synonyms, export and import formats.

Exports write `Column.value_of(obj)`, imports read `Column.parse(text)` (core/columns.py); the two
are inverse, so that export → import → export keeps the same content.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import selectinload

from sharing.core.columns import (
    Column,
    enum_label,
    join_list,
    parse_date,  # noqa: F401 - re-exported for the reading tests
    split_list,
)
from sharing.flows.models import (
    DataFlow,
    Direction,
    FlowCategory,
    FlowStatus,
    Frequency,
    RiskTier,
    TransferMethod,
)
from sharing.vendors.models import OrganisationKind, OrganisationStatus

# Subprocessors and categories ---------------------------------------------------------

_SUBPROCESSOR = re.compile(r"^(?P<name>.*?)\s*\((?P<inside>[^()]*)\)$")


def format_subprocessor(item: dict) -> str:
    name = item.get("name", "")
    service, country = item.get("service", ""), item.get("country", "")
    inside = ", ".join(part for part in (service, country) if part)
    return f"{name} ({inside})" if inside else name


def parse_subprocessor(text: str) -> dict:
    """`Name (service, CC)`; the service and the two-letter country are optional."""
    match = _SUBPROCESSOR.match(text)
    if not match:
        return {"name": text.strip(), "service": "", "country": ""}
    parts = [p.strip() for p in match["inside"].rsplit(",", 1)]
    country = ""
    if re.fullmatch(r"[A-Za-z]{2}", parts[-1]) and (len(parts) == 2 or parts[0].isupper()):
        country = parts.pop().upper()
    return {"name": match["name"].strip(), "service": ", ".join(parts).strip(), "country": country}


def parse_justifications(text: str) -> dict[str, str]:
    """`Category: reason; Category: reason` → {category name: reason}."""
    reasons = {}
    for item in split_list(text):
        name, _, reason = item.partition(":")
        if not _:
            raise ValueError(f"“{item}” needs the form Category: reason.")
        reasons[name.strip()] = reason.strip()
    return reasons


def _sorted_categories(flow: DataFlow) -> list[FlowCategory]:
    return sorted(flow.categories, key=lambda link: link.category.name.casefold())


def _category_names(flow: DataFlow) -> str:
    return join_list([link.category.name for link in _sorted_categories(flow)])


def _category_justifications(flow: DataFlow) -> str:
    return join_list(
        [f"{link.category.name}: {link.justification}" for link in _sorted_categories(flow)]
    )


def _enum_column(field_name: str, header: str, enum_cls, synonyms, help_text, example, **kw):
    labels = tuple(enum_label(m) for m in enum_cls)
    return Column(
        field_name,
        header,
        synonyms,
        "enum",
        help_text,
        example,
        choices=labels,
        enum=enum_cls,
        **kw,
    )


# Organisations ----------------------------------------------------------------------

ORGANISATION_COLUMNS: tuple[Column, ...] = (
    Column(
        "legal_name",
        "Legal name",
        (
            "Vendor",
            "Vendor name",
            "Organisation",
            "Organisation name",
            "Legal entity",
            "Company",
            "Company name",
            "Supplier",
            "Name",
        ),
        "text",
        "The organisation's registered name, as it appears on contracts.",
        "Acme Transit Analytics, Inc.",
        required=True,
    ),
    Column(
        "common_name",
        "Common name",
        ("DBA", "Doing business as", "Trading name", "Known as", "Short name"),
        "text",
        "The name people use day to day, if it differs from the legal name.",
        "Acme Transit",
    ),
    _enum_column(
        "kind",
        "Kind",
        OrganisationKind,
        ("Type", "Organisation type", "Organisation kind", "Category of organisation"),
        "What sort of organisation this is.",
        "Vendor",
    ),
    Column(
        "ein",
        "EIN",
        ("Tax ID", "TIN", "FEIN", "Federal tax ID", "Employer identification number"),
        "text",
        "Federal employer identification number. Kept exactly as typed, leading zeros too.",
        "12-3456789",
    ),
    Column(
        "duns",
        "DUNS",
        ("DUNS number", "D-U-N-S", "D-U-N-S number"),
        "text",
        "Dun & Bradstreet number, if the organisation has one.",
        "001234567",
    ),
    Column(
        "state_registration",
        "State registration",
        ("State registration number", "State ID", "Registration number", "Entity number"),
        "text",
        "The Secretary of State entity number.",
        "C1234567",
    ),
    Column(
        "address_line1",
        "Address line 1",
        ("Address", "Street", "Street address", "Address 1"),
        "text",
        "Street address.",
        "100 Market Street",
    ),
    Column(
        "address_line2",
        "Address line 2",
        ("Address 2", "Suite", "Unit"),
        "text",
        "Suite, floor or unit.",
        "Suite 400",
    ),
    Column("city", "City", ("Town",), "text", "City or town.", "San Jose"),
    Column(
        "region",
        "State or region",
        ("State", "Region", "Province"),
        "text",
        "State, province or region.",
        "CA",
    ),
    Column(
        "postal_code",
        "Postal code",
        ("ZIP", "ZIP code", "Zipcode", "Postcode"),
        "text",
        "ZIP or postal code. Leading zeros are kept.",
        "95113",
    ),
    Column(
        "country",
        "Country",
        ("Country code",),
        "text",
        "Two-letter country code. Blank means US.",
        "US",
    ),
    Column(
        "website",
        "Website",
        ("Web site", "URL", "Homepage"),
        "text",
        "Home page address.",
        "https://acme.example",
    ),
    Column(
        "privacy_policy_url",
        "Privacy policy URL",
        ("Privacy policy", "Privacy notice"),
        "text",
        "Address of the organisation's privacy policy.",
        "https://acme.example/privacy",
    ),
    Column(
        "dpa_url",
        "DPA URL",
        ("DPA", "Data processing agreement", "Data processing agreement URL"),
        "text",
        "Address of the organisation's standard data processing terms.",
        "https://acme.example/dpa",
    ),
    Column(
        "subprocessor_list_url",
        "Subprocessor list URL",
        ("Subprocessor list", "Sub-processor list URL"),
        "text",
        "Address of the organisation's published list of subprocessors.",
        "https://acme.example/subprocessors",
    ),
    Column(
        "certifications",
        "Certifications",
        ("Certification", "Attestations", "Audits"),
        "list",
        "Security certifications, separated by semicolons.",
        "SOC 2 Type II; ISO 27001",
    ),
    _enum_column(
        "status",
        "Status",
        OrganisationStatus,
        ("Organisation status", "Vendor status"),
        "Where the relationship stands. Blank means prospective for a new organisation.",
        "Active",
    ),
    Column("notes", "Notes", ("Comments", "Remarks"), "text", "Anything else worth knowing.", ""),
)


# Flows ---------------------------------------------------------------------------------


def _org_name(flow) -> str:
    return flow.organisation.legal_name


def _org_ein(flow) -> str | None:
    return flow.organisation.ein


def _department_code(flow) -> str:
    return flow.department.code


def _subprocessors(flow) -> str:
    return join_list([format_subprocessor(item) for item in flow.subprocessors or []])


def _parse_subprocessors(text: str) -> list[dict]:
    return [parse_subprocessor(item) for item in split_list(text)]


def _yes_no(name: str, header: str, synonyms: tuple[str, ...], help_text: str) -> Column:
    return Column(name, header, synonyms, "bool", help_text, "No")


FLOW_COLUMNS: tuple[Column, ...] = (
    Column(
        "organisation",
        "Organisation",
        (
            "Organisation name",
            "Legal name",
            "Vendor",
            "Vendor name",
            "Recipient",
            "Company",
            "Supplier",
        ),
        "text",
        "Legal name of the organisation, as on the Organisations sheet or already registered.",
        "Acme Transit Analytics, Inc.",
        required=True,
        getter=_org_name,
    ),
    Column(
        "organisation_ein",
        "Organisation EIN",
        ("EIN", "Vendor EIN", "Tax ID", "FEIN", "Organisation tax ID"),
        "text",
        "Optional: the organisation's EIN, used to find it when names differ slightly.",
        "12-3456789",
        getter=_org_ein,
    ),
    Column(
        "department",
        "Department",
        ("Department code", "Dept", "City department", "Owning department", "Business owner"),
        "text",
        "The city department that owns the flow: its code or its full name.",
        "DOT",
        required=True,
        getter=_department_code,
    ),
    Column(
        "system_name",
        "System name",
        ("System", "Application", "Service", "Product", "System or service", "Flow name"),
        "text",
        "The system, product or service the data goes to or comes from.",
        "Parking sensor platform",
        required=True,
    ),
    Column(
        "description",
        "Description",
        ("Flow description", "Summary", "Details"),
        "text",
        "What is shared, in plain words.",
        "Occupancy readings from street parking sensors.",
    ),
    _enum_column(
        "direction",
        "Direction",
        Direction,
        ("Flow direction", "Sharing direction"),
        "Outbound: the city sends data; inbound: the city receives it; both.",
        "Outbound",
    ),
    Column(
        "purposes",
        "Purposes",
        ("Purpose", "Purpose of sharing", "Why"),
        "text",
        "Why the data is shared.",
        "Set parking prices by demand.",
    ),
    Column(
        "legal_authority",
        "Legal authority",
        ("Legal basis", "Authority", "Authorisation"),
        "text",
        "The law, ordinance or contract clause that permits the sharing.",
        "Municipal Code 11.20",
    ),
    Column(
        "data_subjects",
        "Data subjects",
        ("Subjects", "Whose data", "People affected"),
        "text",
        "Whose information it is.",
        "Drivers parking on city streets",
    ),
    _yes_no("includes_minors", "Includes minors", ("Minors", "Children"), "Yes or No."),
    _yes_no(
        "includes_vulnerable",
        "Includes vulnerable people",
        ("Vulnerable people", "Vulnerable", "Includes vulnerable"),
        "Yes or No.",
    ),
    Column(
        "estimated_records",
        "Estimated records",
        ("Records", "Record count", "Number of records", "Volume"),
        "int",
        "About how many people's records are involved. A whole number.",
        "25000",
    ),
    _enum_column(
        "frequency",
        "Frequency",
        Frequency,
        ("How often", "Cadence"),
        "How often data moves.",
        "Daily",
    ),
    _enum_column(
        "transfer_method",
        "Transfer method",
        TransferMethod,
        ("Method", "Transfer", "How transferred"),
        "How the data moves.",
        "API",
    ),
    Column(
        "started_on",
        "Sharing started on",
        (
            "Started on",
            "Start date",
            "Date started",
            "Go-live date",
            "Go live date",
            "Go-live",
            "Live date",
            "Sharing start date",
            "Sharing started",
        ),
        "date",
        "When personal information first flowed, or is planned to. YYYY-MM-DD; other common "
        "formats and Excel dates are also read. Optional.",
        "2026-03-01",
    ),
    Column(
        "storage_location",
        "Storage location",
        ("Hosting", "Hosted at", "Where stored", "Storage"),
        "text",
        "Where the recipient keeps the data (provider, region).",
        "AWS us-west-2",
    ),
    Column(
        "storage_country",
        "Storage country",
        ("Hosting country", "Country of storage", "Data location"),
        "text",
        "Two-letter country code of storage. Blank means US.",
        "US",
    ),
    Column(
        "retention_days",
        "Retention (days)",
        ("Retention", "Retention days", "Retention period", "Retention period (days)"),
        "int",
        "How many days the recipient keeps the data. A whole number.",
        "365",
    ),
    Column(
        "disposal_method",
        "Disposal method",
        ("Disposal", "Destruction method"),
        "text",
        "How the data is destroyed at the end of retention.",
        "Secure deletion with certificate",
    ),
    Column(
        "subprocessors",
        "Subprocessors",
        ("Sub-processors", "Subcontractors", "Third parties"),
        "list",
        "Name (service, country code), separated by semicolons.",
        "CloudCo (hosting, US); MailCo (email delivery, IE)",
        getter=_subprocessors,
        parser=_parse_subprocessors,
    ),
    _yes_no("notice_given", "Notice given", ("Notice", "Notice provided"), "Yes or No."),
    Column(
        "notice_method",
        "Notice method",
        ("How notice is given", "Notice how"),
        "text",
        "How people are told about the sharing.",
        "Signs at each meter",
    ),
    _yes_no(
        "automated_decisions",
        "Automated decisions",
        ("Automated decision-making", "ADM"),
        "Yes or No: are decisions about people made automatically?",
    ),
    Column(
        "automated_decision_description",
        "Automated decision description",
        ("ADM description", "Automated decision details"),
        "text",
        "What the automated decisions are.",
        "",
    ),
    Column(
        "human_oversight",
        "Human oversight",
        ("Human review", "Oversight"),
        "text",
        "Who reviews automated results, and how.",
        "",
    ),
    Column(
        "equity_considerations",
        "Equity considerations",
        ("Equity", "Equity impact"),
        "text",
        "Effects on communities that deserve attention.",
        "",
    ),
    _yes_no(
        "published",
        "Published",
        ("Public register", "Published in register", "Publish"),
        "Yes or No: listed in the public register.",
    ),
    Column(
        "publication_exemption",
        "Publication exemption",
        ("Exemption", "Reason not published"),
        "text",
        "Why the flow is kept off the public register, if it is.",
        "",
    ),
    Column(
        "categories",
        "Data categories",
        ("Categories", "Personal data", "Data elements", "Data types", "Category"),
        "list",
        "Names from the category vocabulary, separated by semicolons.",
        "Licence-plate reads; Vehicle location",
        getter=_category_names,
    ),
    Column(
        "category_justifications",
        "Category justifications",
        ("Justifications", "Justification", "Minimisation", "Why each category"),
        "text",
        "Category: why it is needed; one entry per category, separated by semicolons.",
        "Licence-plate reads: to match paid sessions; Vehicle location: to find the meter",
        getter=_category_justifications,
        parser=parse_justifications,
    ),
    _enum_column(
        "status",
        "Flow status",
        FlowStatus,
        ("Review status", "Workflow status"),
        "Set by the review workflow; shown in exports and ignored on import.",
        "Draft",
        read_only=True,
    ),
    _enum_column(
        "risk_tier",
        "Risk tier",
        RiskTier,
        ("Risk", "Tier"),
        "Computed from the flow; shown in exports and ignored on import.",
        "Medium",
        read_only=True,
    ),
)

SHEETS: dict[str, tuple[Column, ...]] = {
    "organisations": ORGANISATION_COLUMNS,
    "flows": FLOW_COLUMNS,
}
SHEET_TITLES = {"organisations": "Organisations", "flows": "Flows"}


def export_loaders() -> dict[str, list]:
    """Loader options for each sheet's query, so that value_of never triggers a query per row."""
    return {
        "organisations": [],
        "flows": [
            selectinload(DataFlow.organisation),
            selectinload(DataFlow.department),
            selectinload(DataFlow.categories).selectinload(FlowCategory.category),
        ],
    }
