"""The columns of the Flows sheet, in export order, with the getters and parsers of the
columns that name other records (organisation, department, categories, subprocessors) and
the cell text of subprocessors and category justifications."""

from __future__ import annotations

import re

from sharing.core.columns import Column, enum_column, join_list, split_list
from sharing.core.countries import UNKNOWN_COUNTRY, country_code
from sharing.flows.models import (
    DataFlow,
    Direction,
    FlowCategory,
    FlowStatus,
    Frequency,
    RiskTier,
    TransferMethod,
)

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
    elif len(parts) == 2 and (code := country_code(parts[-1])):
        country = code  # "Name (service, Vietnam)"
        parts.pop()
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


def _org_name(flow) -> str:
    return flow.organisation.legal_name


def _org_ein(flow) -> str | None:
    return flow.organisation.ein


def _department_code(flow) -> str:
    return flow.department.code


def _subprocessors(flow) -> str:
    return join_list([format_subprocessor(item) for item in flow.subprocessors or []])


def parse_country(text: str) -> str:
    """A country cell, by name or code, as its two-letter code ("" for a blank cell)."""
    if not text.strip():
        return ""
    code = country_code(text)
    if code is None:
        raise ValueError(f"“{text}” is not a country name or code. {UNKNOWN_COUNTRY}")
    return code


def _parse_subprocessors(text: str) -> list[dict]:
    items = [parse_subprocessor(item) for item in split_list(text)]
    for item, typed in zip(items, split_list(text), strict=True):
        if item["name"] and not item["country"]:
            inside = typed[typed.find("(") + 1 : typed.rfind(")")] if "(" in typed else ""
            last = inside.rsplit(",", 1)[-1].strip()
            shown = f"“{last}” is not a country name or code" if last else "no country is given"
            raise ValueError(
                f"Subprocessor “{item['name']}”: {shown}. Write Name (service, country), "
                "such as CloudCo (hosting, United States) or CloudCo (hosting, US)."
            )
    return items


def _yes_no(name: str, header: str, synonyms: tuple[str, ...], help_text: str) -> Column:
    return Column(name, header, synonyms, "bool", help_text, "No")


FLOW_COLUMNS: tuple[Column, ...] = (
    Column(
        "organisation",
        "Organization",
        (
            "Organization name",
            "Legal name",
            "Vendor",
            "Vendor name",
            "Recipient",
            "Company",
            "Supplier",
        ),
        "text",
        "Legal name of the organization, as on the Organizations sheet or already registered.",
        "Acme Transit Analytics, Inc.",
        required=True,
        getter=_org_name,
    ),
    Column(
        "organisation_ein",
        "Organization EIN",
        ("EIN", "Vendor EIN", "Tax ID", "FEIN", "Organization tax ID"),
        "text",
        "Optional: the organization's EIN, used to find it when names differ slightly.",
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
    enum_column(
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
        ("Legal basis", "Authority", "Authorization", "Authorisation"),
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
    enum_column(
        "frequency",
        "Frequency",
        Frequency,
        ("How often", "Cadence"),
        "How often data moves.",
        "Daily",
    ),
    enum_column(
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
        "Country of storage, by name or two-letter code. Blank means US.",
        "US",
        parser=parse_country,
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
        "Name (service, country name or code), separated by semicolons.",
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
        "License-plate reads; Vehicle location",
        getter=_category_names,
    ),
    Column(
        "category_justifications",
        "Category justifications",
        ("Justifications", "Justification", "Minimization", "Minimisation", "Why each category"),
        "text",
        "Category: why it is needed; one entry per category, separated by semicolons.",
        "License-plate reads: to match paid sessions; Vehicle location: to find the meter",
        getter=_category_justifications,
        parser=parse_justifications,
    ),
    enum_column(
        "status",
        "Flow status",
        FlowStatus,
        ("Review status", "Workflow status"),
        "Set by the review workflow; shown in exports and ignored on import.",
        "Draft",
        read_only=True,
    ),
    enum_column(
        "risk_tier",
        "Risk tier",
        RiskTier,
        ("Risk", "Tier"),
        "Computed from the flow; shown in exports and ignored on import.",
        "Medium",
        read_only=True,
    ),
)
