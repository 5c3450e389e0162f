"""The one declared list of an algorithm's public fields. Approval copies these, and nothing
else, into the record's `approved_snapshot`; the public pages and feeds read only that
snapshot, so no other column (the owner's name, internal notes, the review conversation, the
fact sheets and their files) can reach the public.

Tier 1 is the short summary for everyone; tier 2 the details for those who want them, as in
the UK Algorithmic Transparency Recording Standard. docs/ALGORITHMS.md maps each field to
that standard and to the Dutch algorithm register's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class AlgorithmField:
    name: str  # the CSV column and JSON key; stable, see docs/REGISTER.md
    label: str  # the heading on the public pages
    description: str
    type: str  # "integer", "text", "date", "list of text", "list of integers"
    tier: int  # 1: the summary for everyone; 2: the details
    sources: tuple[str, ...]  # the "table.column" values it is built from


F = AlgorithmField

ALGORITHM_FIELDS: tuple[AlgorithmField, ...] = (
    F(
        "algorithm_id",
        "Algorithm number",
        "A stable number for the system.",
        "integer",
        1,
        ("algorithms.id",),
    ),
    F("name", "Name", "The name the City uses for the system.", "text", 1, ("algorithms.name",)),
    F(
        "summary",
        "Summary",
        "What the system does, in plain words.",
        "text",
        1,
        ("algorithms.summary",),
    ),
    F(
        "summary_es",
        "Summary in Spanish",
        "The summary in Spanish, where written.",
        "text",
        1,
        ("algorithms.summary_es",),
    ),
    F(
        "summary_vi",
        "Summary in Vietnamese",
        "The summary in Vietnamese, where written.",
        "text",
        1,
        ("algorithms.summary_vi",),
    ),
    F(
        "purpose",
        "Why the City uses it",
        "The public task the system supports.",
        "text",
        1,
        ("algorithms.purpose",),
    ),
    F(
        "provider",
        "Provided by",
        "The vendor or partner whose system it is.",
        "text",
        1,
        ("organisations.common_name", "organisations.legal_name"),
    ),
    F(
        "department",
        "City department",
        "The department that uses the system.",
        "text",
        1,
        ("departments.name",),
    ),
    F(
        "in_use",
        "In use",
        "“yes” while the City uses the system, “no” once it is retired.",
        "text",
        1,
        ("algorithms.status", "algorithms.retired_on"),
    ),
    F(
        "contest_route",
        "How to challenge a decision",
        "How a person can ask for a decision the system informed to be looked at again.",
        "text",
        1,
        ("algorithms.contest_route",),
    ),
    F(
        "contact_email",
        "Contact",
        "The team mailbox that answers questions about the system.",
        "text",
        1,
        ("algorithms.contact_email",),
    ),
    F(
        "decisions",
        "Decisions it informs",
        "What the system's output is used to decide.",
        "text",
        2,
        ("algorithms.decisions",),
    ),
    F(
        "decision_maker",
        "Who decides",
        "Who makes those decisions.",
        "text",
        2,
        ("algorithms.decision_maker",),
    ),
    F(
        "human_oversight",
        "Human oversight",
        "How people check the output before and after a decision.",
        "text",
        2,
        ("algorithms.human_oversight",),
    ),
    F(
        "legal_basis",
        "Legal authority",
        "The law or authority under which the City acts.",
        "text",
        2,
        ("algorithms.legal_basis",),
    ),
    F(
        "legal_basis_url",
        "Legal authority (link)",
        "A link to the text of that law.",
        "text",
        2,
        ("algorithms.legal_basis_url",),
    ),
    F(
        "model_kind",
        "Kind of system",
        "How the system reaches its output.",
        "text",
        2,
        ("algorithms.model_kind",),
    ),
    F(
        "model_name",
        "Product or model",
        "The product, model and version.",
        "text",
        2,
        ("algorithms.model_name",),
    ),
    F(
        "categories",
        "Kinds of information used",
        "The kinds of personal information the system uses, from the arrangements that feed it.",
        "list of text",
        2,
        ("data_categories.name",),
    ),
    F(
        "arrangements",
        "Arrangements",
        "The register's arrangement numbers that feed the system.",
        "list of integers",
        2,
        ("algorithm_flows.flow_lineage_id",),
    ),
    F(
        "training_data",
        "Training data",
        "What data the model learned from, and where it came from.",
        "text",
        2,
        ("algorithms.training_data",),
    ),
    F(
        "accuracy_metrics",
        "Accuracy",
        "How accuracy was measured, and the results.",
        "text",
        2,
        ("algorithms.accuracy_metrics",),
    ),
    F(
        "bias_groups_tested",
        "Groups tested for bias",
        "Which groups of people the bias testing compared.",
        "text",
        2,
        ("algorithms.bias_groups_tested",),
    ),
    F(
        "last_tested_on",
        "Last tested for bias",
        "The date of the last bias test (YYYY-MM-DD).",
        "date",
        2,
        ("algorithms.last_tested_on",),
    ),
    F("tested_by", "Tested by", "Who carried out that test.", "text", 2, ("algorithms.tested_by",)),
    F(
        "limitations",
        "Known limitations",
        "Where the system is known to be weak or wrong.",
        "text",
        2,
        ("algorithms.limitations",),
    ),
    F(
        "risk_tier",
        "Risk tier",
        "The privacy office's assessment: low, medium, high or critical.",
        "text",
        2,
        ("algorithms.risk_tier",),
    ),
    F(
        "equity_groups",
        "Groups affected",
        "The groups of people the system may affect most.",
        "text",
        2,
        ("algorithms.equity_groups",),
    ),
    F(
        "equity_mitigations",
        "What the City does about it",
        "The steps taken to prevent unfair effects on those groups.",
        "text",
        2,
        ("algorithms.equity_mitigations",),
    ),
    F(
        "deployed_on",
        "In use since",
        "The date the City started using it (YYYY-MM-DD).",
        "date",
        2,
        ("algorithms.deployed_on",),
    ),
    F(
        "retired_on",
        "Retired on",
        "The date the City stopped using it (YYYY-MM-DD).",
        "date",
        2,
        ("algorithms.retired_on",),
    ),
    F(
        "approved_on",
        "Record approved on",
        "The date the privacy office approved this version of the record (YYYY-MM-DD).",
        "date",
        2,
        ("algorithms.approved_at",),
    ),
)

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in ALGORITHM_FIELDS)
TIER_1: tuple[AlgorithmField, ...] = tuple(f for f in ALGORITHM_FIELDS if f.tier == 1)
TIER_2: tuple[AlgorithmField, ...] = tuple(f for f in ALGORITHM_FIELDS if f.tier == 2)
PUBLIC_SOURCES: frozenset[str] = frozenset(s for f in ALGORITHM_FIELDS for s in f.sources)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def public_record(
    algorithm: Any, *, categories: list[str], arrangements: list[int], approved_on: date
) -> dict[str, Any]:
    """The public values of a record, JSON-ready, keyed by ALGORITHM_FIELDS and nothing else.
    The caller passes what comes from the linked flows (their categories' names and lineage
    numbers), so this stays a pure function of what it is given."""
    retired = algorithm.status == "retired" or algorithm.retired_on is not None
    record = {
        "algorithm_id": algorithm.id,
        "name": algorithm.name,
        "summary": algorithm.summary,
        "summary_es": algorithm.summary_es,
        "summary_vi": algorithm.summary_vi,
        "purpose": algorithm.purpose,
        "provider": algorithm.organisation.display_name if algorithm.organisation else "",
        "department": algorithm.department.name if algorithm.department else "",
        "in_use": "no" if retired else "yes",
        "contest_route": algorithm.contest_route,
        "contact_email": algorithm.contact_email,
        "decisions": algorithm.decisions,
        "decision_maker": algorithm.decision_maker,
        "human_oversight": algorithm.human_oversight,
        "legal_basis": algorithm.legal_basis,
        "legal_basis_url": algorithm.legal_basis_url,
        "model_kind": algorithm.model_kind.label if algorithm.model_kind else "",
        "model_name": algorithm.model_name,
        "categories": sorted(categories),
        "arrangements": sorted(arrangements),
        "training_data": algorithm.training_data,
        "accuracy_metrics": algorithm.accuracy_metrics,
        "bias_groups_tested": algorithm.bias_groups_tested,
        "last_tested_on": _day(algorithm.last_tested_on),
        "tested_by": algorithm.tested_by,
        "limitations": algorithm.limitations,
        "risk_tier": algorithm.risk_tier.value if algorithm.risk_tier else None,
        "equity_groups": algorithm.equity_groups,
        "equity_mitigations": algorithm.equity_mitigations,
        "deployed_on": _day(algorithm.deployed_on),
        "retired_on": _day(algorithm.retired_on),
        "approved_on": approved_on.isoformat(),
    }
    assert tuple(record) == FIELD_NAMES, "public_record must match ALGORITHM_FIELDS"
    return record
