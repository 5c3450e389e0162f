"""The rules every flow write goes through (forms, import, services); no database access.

Two levels:
- `check_flow` / `normalise_flow`: what any saved revision, even a draft, must satisfy.
- `submission_problems`: what a revision must also satisfy before it goes to review.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sharing.core import clock
from sharing.core.countries import UNKNOWN_COUNTRY, country_code
from sharing.flows.models import DataFlow, Direction, Frequency, TransferMethod

FLOW_FIELDS: tuple[str, ...] = (
    "organisation_id",
    "department_id",
    "system_name",
    "description",
    "direction",
    "purposes",
    "legal_authority",
    "data_subjects",
    "includes_minors",
    "includes_vulnerable",
    "estimated_records",
    "frequency",
    "transfer_method",
    "started_on",
    "storage_location",
    "storage_country",
    "retention_days",
    "disposal_method",
    "subprocessors",
    "notice_given",
    "notice_method",
    "automated_decisions",
    "automated_decision_description",
    "human_oversight",
    "equity_considerations",
    "published",
    "publication_exemption",
)

FIELD_LABELS: dict[str, str] = {
    "organisation_id": "Organization",
    "department_id": "Department",
    "system_name": "System or service",
    "description": "Description",
    "direction": "Direction",
    "purposes": "Purposes",
    "legal_authority": "Legal authority",
    "data_subjects": "Data subjects",
    "includes_minors": "Includes minors",
    "includes_vulnerable": "Includes vulnerable people",
    "estimated_records": "Estimated records",
    "frequency": "Frequency",
    "transfer_method": "Transfer method",
    "started_on": "Sharing started on",
    "storage_location": "Storage location",
    "storage_country": "Storage country",
    "retention_days": "Retention (days)",
    "disposal_method": "Disposal method",
    "subprocessors": "Subprocessors",
    "notice_given": "Notice given to people",
    "notice_method": "How notice is given",
    "automated_decisions": "Automated decisions",
    "automated_decision_description": "Automated decisions made",
    "human_oversight": "Human oversight",
    "equity_considerations": "Equity considerations",
    "published": "Published on the public register",
    "publication_exemption": "Reason for not publishing",
    "categories": "Data categories",
    "risk_tier": "Risk tier",
    "status": "Status",
    # Written on the register's publication page (register/forms.py), audited on the flow.
    "public_summary": "Public summary in English",
    "public_summary_es": "Public summary in Spanish",
    "public_summary_vi": "Public summary in Vietnamese",
}

REQUIRED = ("organisation_id", "department_id", "system_name", "purposes")
TEXT_LIMITS = {
    "system_name": 200,
    "storage_location": 200,
    "disposal_method": 200,
    "description": 10_000,
    "purposes": 10_000,
    "legal_authority": 10_000,
    "data_subjects": 10_000,
    "notice_method": 10_000,
    "automated_decision_description": 10_000,
    "human_oversight": 10_000,
    "equity_considerations": 10_000,
    "publication_exemption": 10_000,
}
ENUMS: dict[str, type[enum.Enum]] = {
    "direction": Direction,
    "frequency": Frequency,
    "transfer_method": TransferMethod,
}
BOOLEANS = (
    "includes_minors",
    "includes_vulnerable",
    "notice_given",
    "automated_decisions",
    "published",
)
MAX_RETENTION_DAYS = 36_500  # one hundred years: anything longer is a typing mistake
MAX_RECORDS = 2_000_000_000  # fits the INTEGER column
TRUE_WORDS = {"true", "yes", "y", "1", "on", "x"}
FALSE_WORDS = {"false", "no", "n", "0", "off", ""}
MAX_SUBPROCESSORS = 50
# A start date outside these bounds is a typing mistake, not a plan.
EARLIEST_START = date(1990, 1, 1)
MAX_YEARS_AHEAD = 5


def check_flow(values: dict[str, Any], *, today: date | None = None) -> dict[str, str]:
    """Every reason `values` cannot be saved, by field; empty when they can."""
    return normalise_flow(values, today=today)[1]


def normalise_flow(
    values: dict[str, Any], *, today: date | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The values as column values (enums, ints, dates, trimmed text) and the errors found.

    Only the keys present are checked, except the required ones, which must be present.
    Enum fields take a member or its value; booleans take True/False or yes/no words; dates
    take a date or ISO text. `today` bounds the start date (the city's today by default).
    """
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in REQUIRED:
        if _blank(values.get(name)):
            errors[name] = f"Enter the {FIELD_LABELS[name].lower()}."
    for name, raw in values.items():
        if name not in FLOW_FIELDS or name in errors:
            continue
        try:
            if name == "started_on":
                clean[name] = _start_date(raw, today=today)
            else:
                clean[name] = _clean(name, raw)
        except ValueError as error:
            errors[name] = str(error)
    _check_together(clean, errors)
    return clean, errors


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean(name: str, raw: Any) -> Any:
    if name in ("organisation_id", "department_id"):
        return _integer(raw, name, minimum=1, maximum=None)
    if name in ENUMS:
        return _enum(ENUMS[name], raw)
    if name in BOOLEANS:
        return _boolean(raw)
    if name == "retention_days":
        return _integer(raw, name, minimum=1, maximum=MAX_RETENTION_DAYS, optional=True)
    if name == "estimated_records":
        return _integer(raw, name, minimum=0, maximum=MAX_RECORDS, optional=True)
    if name == "storage_country":
        return _country(raw, required=True)
    if name == "subprocessors":
        return _subprocessors(raw)
    return _text(name, raw)


def _text(name: str, raw: Any) -> str:
    text = "" if raw is None else str(raw).strip()
    limit = TEXT_LIMITS.get(name, 10_000)
    if len(text) > limit:
        raise ValueError(f"Use at most {limit} characters.")
    return text


def _integer(
    raw: Any, name: str, *, minimum: int, maximum: int | None, optional: bool = False
) -> int | None:
    if _blank(raw):
        if optional:
            return None
        raise ValueError(f"Enter the {FIELD_LABELS[name].lower()}.")
    if isinstance(raw, bool):
        raise ValueError("Enter a whole number.")
    try:
        number = int(str(raw).strip().replace(",", "")) if not isinstance(raw, int) else raw
    except ValueError:
        raise ValueError("Enter a whole number.") from None
    if name in ("organisation_id", "department_id"):
        if number < minimum:
            raise ValueError(f"Choose the {FIELD_LABELS[name].lower()}.")
        return number
    if number < minimum:
        raise ValueError(f"Enter a number of at least {minimum}.")
    if maximum is not None and number > maximum:
        raise ValueError(f"Enter a number no greater than {maximum:,}.")
    return number


def _enum(enum_cls: type[enum.Enum], raw: Any) -> enum.Enum:
    if isinstance(raw, enum_cls):
        return raw
    text = str(raw or "").strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return enum_cls(text)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_cls)  # type: ignore[attr-defined]
        raise ValueError(f"Choose one of: {allowed}.") from None


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if raw is None:
        return False
    text = str(raw).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError("Answer yes or no.")


def _start_date(raw: Any, *, today: date | None) -> date | None:
    """An optional date from 1990 to five years ahead; a date object or YYYY-MM-DD text."""
    if _blank(raw):
        return None
    if isinstance(raw, datetime):
        value = raw.date()
    elif isinstance(raw, date):
        value = raw
    else:
        try:
            value = date.fromisoformat(str(raw).strip())
        except ValueError:
            raise ValueError("Enter a real date as YYYY-MM-DD, for example 2026-03-01.") from None
    if value < EARLIEST_START:
        raise ValueError(f"Enter a date from {EARLIEST_START.isoformat()} on.")
    latest = years_after(today or clock.today(), MAX_YEARS_AHEAD)
    if value > latest:
        raise ValueError(
            f"Enter a date no more than {MAX_YEARS_AHEAD} years ahead (by {latest.isoformat()})."
        )
    return value


def years_after(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _country(raw: Any, *, required: bool) -> str:
    text = str(raw or "").strip()
    if not text and not required:
        return ""
    code = country_code(text)
    if code is None:
        raise ValueError(UNKNOWN_COUNTRY)
    return code


def _subprocessors(raw: Any) -> list[dict[str, str]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list | tuple):
        raise ValueError("List each subprocessor with its name, service and country.")
    rows = []
    for position, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"Subprocessor {position}: give a name, service and country.")
        row = {key: str(item.get(key) or "").strip() for key in ("name", "service", "country")}
        if not any(row.values()):
            continue  # a blank row of the form
        if not row["name"]:
            raise ValueError(f"Subprocessor {position}: enter its name.")
        if len(row["name"]) > 200 or len(row["service"]) > 200:
            raise ValueError(f"Subprocessor {position}: use at most 200 characters.")
        try:
            row["country"] = _country(row["country"], required=True)
        except ValueError:
            raise ValueError(
                f"Subprocessor {position}: enter a country name or its two-letter code."
            ) from None
        rows.append(row)
    if len(rows) > MAX_SUBPROCESSORS:
        raise ValueError(f"List at most {MAX_SUBPROCESSORS} subprocessors.")
    return rows


def _check_together(clean: dict[str, Any], errors: dict[str, str]) -> None:
    """Rules that relate two fields; only checked when both were given."""
    if clean.get("automated_decisions") and not clean.get("automated_decision_description"):
        errors.setdefault(
            "automated_decision_description", "Describe the decisions made automatically."
        )
    if clean.get("published") and clean.get("publication_exemption"):
        errors.setdefault(
            "publication_exemption", "Leave this empty when the flow is published on the register."
        )


def submission_problems(flow: DataFlow) -> dict[str, str]:
    """What a saved revision still lacks before it can be submitted for review."""
    problems: dict[str, str] = {}
    if not flow.legal_authority.strip():
        problems["legal_authority"] = "Give the legal authority for sharing this data."
    if not flow.data_subjects.strip():
        problems["data_subjects"] = "Describe whose data is shared."
    if flow.retention_days is None:
        problems["retention_days"] = "Say how many days the data is kept."
    if not flow.categories:
        problems["categories"] = "Choose at least one data category."
    else:
        missing = missing_justifications(flow)
        if missing:
            problems["categories"] = "Justify each category against the purpose: " + ", ".join(
                missing
            )
    if flow.notice_given and not flow.notice_method.strip():
        problems["notice_method"] = "Say how people are told about this sharing."
    if not flow.published and not flow.publication_exemption.strip():
        problems["publication_exemption"] = (
            "Give the reason the flow stays off the public register, or publish it."
        )
    return problems


def missing_justifications(flow: DataFlow) -> list[str]:
    """Names of the flow's categories that have no justification."""
    return sorted(fc.category.name for fc in flow.categories if not fc.justification.strip())
