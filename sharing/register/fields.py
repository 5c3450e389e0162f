"""The one declared list of public fields: the register's pages, CSV and JSON show these and
nothing else, so that no other column can leak onto the public register."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

# A minor version adds fields only (at the end of the list, so CSV readers that go by column
# position keep working); a major version renames or removes one. docs/REGISTER.md keeps the
# changelog of the schema.
SCHEMA_VERSION = "1.2"


@dataclass(frozen=True)
class PublicField:
    name: str  # the CSV column and JSON key; stable, see docs/REGISTER.md
    label: str  # the heading on the public pages
    description: str
    type: str  # "integer", "text", "date", "yes or no", "list of text", "list of algorithms"
    sources: tuple[str, ...]  # the "table.column" values it is built from
    since: str = "1.0"  # the schema version that added it (docs/REGISTER.md's changelog)


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
    PublicField(
        "legal_authority",
        "Legal authority",
        "The law, ordinance or agreement that allows the City to share the information.",
        "text",
        ("data_flows.legal_authority",),
        since="1.1",
    ),
    PublicField(
        "data_subjects",
        "Whose information",
        "The people the information is about, for example permit applicants.",
        "text",
        ("data_flows.data_subjects",),
        since="1.1",
    ),
    PublicField(
        "includes_minors",
        "Includes children",
        "“yes” when the information includes people under 18, otherwise “no”.",
        "yes or no",
        ("data_flows.includes_minors",),
        since="1.1",
    ),
    PublicField(
        "automated_decisions",
        "Automated decisions",
        "“yes” when a computer system makes or informs decisions about people, otherwise “no”.",
        "yes or no",
        ("data_flows.automated_decisions",),
        since="1.1",
    ),
    PublicField(
        "automated_decision_description",
        "What is decided automatically",
        "The decisions a computer system makes or informs; empty when there are none.",
        "text",
        ("data_flows.automated_decision_description",),
        since="1.1",
    ),
    PublicField(
        "human_oversight",
        "Human oversight",
        "How people check the system's output before anything is decided.",
        "text",
        ("data_flows.human_oversight",),
        since="1.1",
    ),
    PublicField(
        "public_summary",
        "Summary",
        "A short summary in plain English written by the privacy office.",
        "text",
        ("data_flows.public_summary",),
        since="1.1",
    ),
    PublicField(
        "public_summary_es",
        "Summary in Spanish",
        "The same summary in Spanish, when written.",
        "text",
        ("data_flows.public_summary_es",),
        since="1.1",
    ),
    PublicField(
        "public_summary_vi",
        "Summary in Vietnamese",
        "The same summary in Vietnamese, when written.",
        "text",
        ("data_flows.public_summary_vi",),
        since="1.1",
    ),
    PublicField(
        "algorithms",
        "Algorithms it feeds",
        "The public algorithm records using this information, each as its number "
        "(algorithm_id, page /register/algorithms/<algorithm_id>) and name.",
        "list of algorithms",
        # The name comes from the record as last approved, never from its current columns.
        ("algorithm_flows.flow_lineage_id", "algorithms.approved_snapshot"),
        since="1.1",
    ),
    PublicField(
        "base_agreement_number",
        "Adopted under agreement",
        "When the department adopted the terms of an agreement the City already had with the "
        "organization instead of signing one of its own, that agreement's number; empty "
        "otherwise.",
        "text",
        ("agreements.number", "agreement_adoptions.base_id"),
        since="1.2",
    ),
)

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in PUBLIC_FIELDS)
PUBLIC_SOURCES: frozenset[str] = frozenset(s for f in PUBLIC_FIELDS for s in f.sources)

CHANGE_FIELDS: tuple[PublicField, ...] = (
    PublicField("changed_on", "Date", "The day of the change (YYYY-MM-DD).", "date", ()),
    PublicField(
        "change",
        "Change",
        "“added”, “removed” or “disposed” (the City’s data returned or destroyed).",
        "text",
        (),
    ),
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


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def arrangement_record(
    flow: Any,
    agreement: Any,
    algorithms: list[dict[str, Any]] | None = None,
    base_number: str | None = None,
) -> dict[str, Any]:
    """The public values of one arrangement, keyed by PUBLIC_FIELDS names and nothing else.
    `algorithms` are the public algorithm records fed by it, as {"algorithm_id", "name"}
    (register.public.algorithms_by_lineage); `base_number` is the number of the agreement
    whose terms the covering agreement adopts, when it is an adoption."""
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
        "legal_authority": flow.legal_authority,
        "data_subjects": flow.data_subjects,
        "includes_minors": yes_no(flow.includes_minors),
        "automated_decisions": yes_no(flow.automated_decisions),
        # A description left over from an earlier answer would contradict "no".
        "automated_decision_description": (
            flow.automated_decision_description if flow.automated_decisions else ""
        ),
        "human_oversight": flow.human_oversight,
        "public_summary": flow.public_summary,
        "public_summary_es": flow.public_summary_es,
        "public_summary_vi": flow.public_summary_vi,
        "algorithms": [
            {"algorithm_id": a["algorithm_id"], "name": a["name"]} for a in algorithms or []
        ],
        "base_agreement_number": base_number,
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


def text_item(value: Any) -> str:
    """One item of a list as a CSV cell shows it: an algorithm as “name (number)”."""
    if isinstance(value, dict):
        return f"{value.get('name', '')} ({value.get('algorithm_id', '')})"
    return str(value)


def json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
