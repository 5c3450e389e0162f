"""The one declared list of public fields: the register's pages, CSV and JSON show these and
nothing else, so that no other column can leak onto the public register."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class PublicField:
    name: str  # the CSV column and JSON key; stable, see docs/REGISTER.md
    label: str  # the heading on the public pages
    description: str
    type: str  # "integer", "text", "date", "list of text"
    sources: tuple[str, ...]  # the "table.column" values it is built from


PUBLIC_FIELDS: tuple[PublicField, ...] = (
    PublicField(
        "arrangement_id",
        "Arrangement number",
        "A stable number for the arrangement; it stays the same when the arrangement is revised.",
        "integer",
        ("data_flows.lineage_id",),
    ),
    PublicField(
        "service",
        "Service",
        "The service or system the information is shared for.",
        "text",
        ("data_flows.system_name",),
    ),
    PublicField(
        "organisation",
        "Organization",
        "The organization that receives or provides the information.",
        "text",
        ("organisations.common_name", "organisations.legal_name"),
    ),
    PublicField(
        "department",
        "City department",
        "The city department responsible for the arrangement.",
        "text",
        ("departments.name",),
    ),
    PublicField(
        "purpose",
        "Purpose",
        "Why the information is shared.",
        "text",
        ("data_flows.purposes",),
    ),
    PublicField(
        "categories",
        "Kinds of information",
        "The kinds of personal information shared, by name only (never the information itself).",
        "list of text",
        ("data_categories.name",),
    ),
    PublicField(
        "retention_days",
        "Kept for (days)",
        "How many days the organization keeps the information.",
        "integer",
        ("data_flows.retention_days",),
    ),
    PublicField(
        "storage_country",
        "Stored in (country)",
        "The two-letter code of the country where the information is stored.",
        "text",
        ("data_flows.storage_country",),
    ),
    PublicField(
        "subprocessors",
        "Other companies involved",
        "Subprocessors that handle the information, as “name (service, country)”.",
        "list of text",
        ("data_flows.subprocessors",),
    ),
    PublicField(
        "agreement_effective_on",
        "Agreement in effect from",
        "The date the data-sharing agreement took effect (YYYY-MM-DD).",
        "date",
        ("agreements.effective_date",),
    ),
    PublicField(
        "agreement_expires_on",
        "Agreement ends on",
        "The date the data-sharing agreement ends unless renewed (YYYY-MM-DD).",
        "date",
        ("agreements.expiry_date",),
    ),
)

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in PUBLIC_FIELDS)
PUBLIC_SOURCES: frozenset[str] = frozenset(s for f in PUBLIC_FIELDS for s in f.sources)

CHANGE_FIELDS: tuple[PublicField, ...] = (
    PublicField("changed_on", "Date", "The day of the change (YYYY-MM-DD).", "date", ()),
    PublicField("change", "Change", "“added” or “removed”.", "text", ()),
    PublicField("arrangement_id", "Arrangement number", "As in the register.", "integer", ()),
    PublicField(
        "summary",
        "What changed",
        "The organization and service, then in plain words why it changed.",
        "text",
        (),
    ),
)


def _subprocessor(entry: Any) -> str:
    """Only the name, service and country of a subprocessor are public."""
    if not isinstance(entry, dict):
        return ""
    name = str(entry.get("name") or "").strip()
    details = ", ".join(
        str(entry.get(key) or "").strip() for key in ("service", "country") if entry.get(key)
    )
    return f"{name} ({details})" if details else name


def arrangement_record(flow: Any, agreement: Any) -> dict[str, Any]:
    """The public values of one arrangement, keyed by PUBLIC_FIELDS names and nothing else."""
    record = {
        "arrangement_id": flow.lineage_id or flow.id,
        "service": flow.system_name,
        "organisation": flow.organisation.display_name,
        "department": flow.department.name,
        "purpose": flow.purposes,
        "categories": sorted(fc.category.name for fc in flow.categories),
        "retention_days": flow.retention_days,
        "storage_country": flow.storage_country,
        "subprocessors": [s for s in map(_subprocessor, flow.subprocessors or []) if s],
        "agreement_effective_on": agreement.effective_date if agreement else None,
        "agreement_expires_on": agreement.expiry_date if agreement else None,
    }
    assert tuple(record) == FIELD_NAMES, "arrangement_record must match PUBLIC_FIELDS"
    return record


def change_record(change: Any) -> dict[str, Any]:
    """The public values of one changelog entry."""
    return {
        "changed_on": change.changed_on,
        "change": change.kind.value,
        "arrangement_id": change.flow_lineage_id,
        "summary": change.summary,
    }


def json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
