"""Algorithm record use cases: drafting and editing a record, and the checks of meaning it
must pass. The review steps live in workflow.py; what the pages read, in queries.py."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from sharing.algorithms.models import Algorithm, AlgorithmFlow, AlgorithmStatus, ModelKind
from sharing.audit import services as audit
from sharing.auth.models import Department
from sharing.core.database import commit_or_conflict
from sharing.core.models import utcnow
from sharing.errors import Conflict, NotFound, ValidationFailed
from sharing.extensions import db
from sharing.flows.models import DataFlow, RiskTier
from sharing.vendors.models import Organisation

# Every column the form edits, in the form's order.
FIELDS: tuple[str, ...] = (
    "name",
    "organisation_id",
    "department_id",
    "summary",
    "summary_es",
    "summary_vi",
    "purpose",
    "decisions",
    "decision_maker",
    "human_oversight",
    "contest_route",
    "legal_basis",
    "legal_basis_url",
    "model_kind",
    "model_name",
    "training_data",
    "accuracy_metrics",
    "bias_groups_tested",
    "last_tested_on",
    "tested_by",
    "limitations",
    "risk_tier",
    "equity_groups",
    "equity_mitigations",
    "deployed_on",
    "retired_on",
    "contact_email",
    "owner_name",
    "internal_notes",
    "published",
)
TEXT_LIMITS = {
    "name": 200,
    "legal_basis_url": 500,
    "model_name": 200,
    "tested_by": 200,
    "contact_email": 254,
    "owner_name": 120,
}
MAX_TEXT = 10_000
NOT_TEXT = frozenset(
    {
        "organisation_id",
        "department_id",
        "model_kind",
        "risk_tier",
        "last_tested_on",
        "deployed_on",
        "retired_on",
        "published",
    }
)
TEXT_FIELDS = tuple(name for name in FIELDS if name not in NOT_TEXT)
# Records the form may change in place; an approved one goes back to draft when edited.
EDITABLE = (AlgorithmStatus.DRAFT, AlgorithmStatus.CHANGES_REQUESTED, AlgorithmStatus.APPROVED)
STALE_MESSAGE = "This record was changed by someone else while you were saving it."
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def get_algorithm(algorithm_id: int) -> Algorithm:
    algorithm = db.session.get(Algorithm, algorithm_id)
    if algorithm is None:
        raise NotFound("That algorithm record does not exist.")
    return algorithm


def create_algorithm(
    *, actor: Any, values: dict[str, Any], flows: list[int], today: date
) -> Algorithm:
    """Save a new draft record linked to the given flows (by lineage)."""
    clean = checked_values(values, flows=flows, today=today, current=None)
    algorithm = Algorithm(status=AlgorithmStatus.DRAFT, created_by_id=actor.id, **clean)
    algorithm.flows = [AlgorithmFlow(flow_lineage_id=lineage) for lineage in sorted(set(flows))]
    db.session.add(algorithm)
    db.session.flush()
    audit.record(
        actor=actor,
        action="algorithm.created",
        object_type="algorithm",
        object_id=algorithm.id,
        organisation_id=algorithm.organisation_id,
        changes=audit.created(snapshot(algorithm)),
        summary=f"Drafted the algorithm record {algorithm.name}",
    )
    commit_or_conflict(STALE_MESSAGE)
    return algorithm


def update_algorithm(
    *,
    actor: Any,
    algorithm: Algorithm,
    values: dict[str, Any],
    flows: list[int] | None,
    expected_version: int | None,
    today: date,
) -> Algorithm:
    """Save changes. An approved record returns to draft: the public keeps reading the
    snapshot taken at its approval until the privacy office approves the new values.
    `values` may hold only some fields; `flows=None` keeps the linked flows."""
    if expected_version is not None and expected_version != algorithm.version:
        raise Conflict(
            "Someone else changed this record after you opened it, so nothing was saved. "
            "Reload the page to see their changes, then apply yours again."
        )
    if algorithm.status not in EDITABLE:
        raise Conflict(locked_message(algorithm))
    lineages = linked_lineages(algorithm) if flows is None else flows
    merged = {**current_values(algorithm), **values}
    clean = checked_values(merged, flows=lineages, today=today, current=algorithm)
    before, version, status = snapshot(algorithm), algorithm.version, algorithm.status
    for name, value in clean.items():
        setattr(algorithm, name, value)
    if flows is not None:
        _relink(algorithm, flows)
    if algorithm.status == AlgorithmStatus.APPROVED:
        algorithm.status = AlgorithmStatus.DRAFT
    algorithm.updated_at = utcnow()
    changes = audit.diff(before, snapshot(algorithm))
    if algorithm.status != status:
        changes["status"] = {"before": status.value, "after": algorithm.status.value}
    changes["version"] = {"before": version, "after": version + 1}
    audit.record(
        actor=actor,
        action="algorithm.updated",
        object_type="algorithm",
        object_id=algorithm.id,
        organisation_id=algorithm.organisation_id,
        changes=changes,
        summary=f"Edited the algorithm record {algorithm.name}"
        + ("; back to draft until approved again" if algorithm.status != status else ""),
    )
    commit_or_conflict(STALE_MESSAGE)
    return algorithm


def locked_message(algorithm: Algorithm) -> str:
    if algorithm.status == AlgorithmStatus.RETIRED:
        return "A retired record cannot be edited; it stays on the register as no longer in use."
    return (
        f"This record is {algorithm.status.label.lower()} and locked while under review. "
        "The privacy office can request changes if something needs correcting."
    )


def _relink(algorithm: Algorithm, flows: list[int]) -> None:
    wanted = set(flows)
    algorithm.flows = [link for link in algorithm.flows if link.flow_lineage_id in wanted]
    have = {link.flow_lineage_id for link in algorithm.flows}
    for lineage in sorted(wanted - have):
        algorithm.flows.append(AlgorithmFlow(flow_lineage_id=lineage))


def linked_lineages(algorithm: Algorithm) -> list[int]:
    return sorted(link.flow_lineage_id for link in algorithm.flows)


def current_values(algorithm: Algorithm) -> dict[str, Any]:
    return {name: getattr(algorithm, name) for name in FIELDS}


def snapshot(algorithm: Algorithm) -> dict[str, Any]:
    """The record's editable values and linked flow lineages, for the audit trail."""
    values = audit.snapshot(algorithm, FIELDS)
    values["flows"] = linked_lineages(algorithm)
    return values


# Checks of meaning ------------------------------------------------------------------------


def checked_values(
    values: dict[str, Any], *, flows: list[int], today: date, current: Algorithm | None
) -> dict[str, Any]:
    """The values cleaned and checked, or ValidationFailed with every reason by field."""
    clean, errors = _normalised(values)
    errors.update(_date_problems(clean, today=today))
    url = clean.get("legal_basis_url") or ""
    if url and not _is_web_link(url):
        errors["legal_basis_url"] = "Give a web address starting with http:// or https://."
    email = clean.get("contact_email") or ""
    if email and not _EMAIL.fullmatch(email):
        errors["contact_email"] = "Give a mailbox address, such as algorithms@example.org."
    errors.update(_reference_problems(clean, current=current))
    if "organisation_id" not in errors:
        errors.update(_flow_problems(flows, organisation_id=clean.get("organisation_id")))
    if errors:
        raise ValidationFailed(errors)
    return clean


def _normalised(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in FIELDS:
        value = values.get(name)
        if isinstance(value, str):
            value = value.strip()
            limit = TEXT_LIMITS.get(name, MAX_TEXT)
            if len(value) > limit:
                errors[name] = f"Use at most {limit} characters."
        clean[name] = value
    for name in TEXT_FIELDS:
        if clean[name] is None:
            clean[name] = ""
    if not clean.get("name"):
        errors["name"] = "Give the name the City uses for the system."
    clean["contact_email"] = (clean.get("contact_email") or "").lower()
    clean["published"] = bool(clean.get("published"))
    clean["model_kind"], problem = _enum(clean.get("model_kind"), ModelKind, ModelKind.OTHER)
    if problem:
        errors["model_kind"] = problem
    clean["risk_tier"], problem = _enum(clean.get("risk_tier"), RiskTier, None)
    if problem:
        errors["risk_tier"] = problem
    return clean, errors


def _enum(value: Any, kind: type, default: Any) -> tuple[Any, str]:
    if value in (None, ""):
        return default, ""
    try:
        return kind(getattr(value, "value", value)), ""
    except ValueError:
        return default, "Choose one of the listed options."


def _date_problems(clean: dict[str, Any], *, today: date) -> dict[str, str]:
    errors = {}
    tested, deployed, retired = clean["last_tested_on"], clean["deployed_on"], clean["retired_on"]
    if tested and tested > today:
        errors["last_tested_on"] = "The last test cannot be in the future."
    if retired and deployed and retired < deployed:
        errors["retired_on"] = "The retirement date must be on or after the date it came into use."
    return errors


def _is_web_link(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _reference_problems(clean: dict[str, Any], *, current: Algorithm | None) -> dict[str, str]:
    errors = {}
    if not clean.get("organisation_id") or not db.session.get(
        Organisation, clean["organisation_id"]
    ):
        errors["organisation_id"] = "Choose the provider from the listed organizations."
    department_id = clean.get("department_id")
    if department_id:
        department = db.session.get(Department, department_id)
        keeps = current is not None and current.department_id == department_id
        if department is None or not (department.active or keeps):
            errors["department_id"] = "Choose one of the active departments."
    return errors


def _flow_problems(flows: list[int], *, organisation_id: int | None) -> dict[str, str]:
    """Every linked flow must be one of the provider's: the record says which of its data
    the system uses, and a flow of another organisation would put a stranger's data there."""
    if len(set(flows)) != len(flows):
        return {"flows": "Choose each flow once."}
    if not flows:
        return {}
    owners = dict(
        db.session.execute(
            select(DataFlow.lineage_id, DataFlow.organisation_id).where(
                DataFlow.lineage_id.in_(flows)
            )
        ).all()
    )
    if set(flows) - set(owners):
        return {"flows": "Choose flows from the list."}
    if any(owner != organisation_id for owner in owners.values()):
        return {"flows": "Choose only flows with the provider organization."}
    return {}
