"""The obligation library's data files: reading, checking, and turning one into a policy version."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sharing.obligations.clauses import check_obligation_text
from sharing.obligations.models import Obligation, PolicyStatus, PolicyVersion
from sharing.obligations.rules import RuleError, check_rule

DATA_DIR = Path(__file__).parent / "data"
# The newest shipped library; every shipped file stays, because published versions never change.
DEFAULT_FILE = DATA_DIR / "policy-2026.2.json"

CODE = re.compile(r"^[A-Z]{2,5}-[0-9]{1,3}$")
LABEL = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$")
TEXT_FIELDS = {
    "source_document": 200,
    "source_reference": 200,
    "title": 200,
    "summary": 5000,
    "attestation_question": 2000,
}
ENTRY_FIELDS = ("code", *TEXT_FIELDS, "clause_template", "parameters", "applicability")


class LibraryError(ValueError):
    """The data file is not a valid library; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Library:
    label: str
    effective_date: date
    notes: str
    obligations: tuple[dict[str, Any], ...]
    sha256: str
    path: Path


def check_entry(entry: dict[str, Any]) -> dict[str, str]:
    """{field: reason} for one obligation, as written in the data file or the edit form."""
    errors: dict[str, str] = {}
    if not CODE.match(str(entry.get("code") or "")):
        errors["code"] = "Use a code such as RET-1: capital letters, a hyphen, a number."
    for name, limit in TEXT_FIELDS.items():
        value = entry.get(name)
        if not isinstance(value, str) or not value.strip():
            errors[name] = "This is required."
        elif len(value) > limit:
            errors[name] = f"Keep this under {limit} characters."
    try:
        check_rule(entry.get("applicability"))
    except RuleError as error:
        errors["applicability"] = str(error)
    errors.update(check_obligation_text(entry))
    return errors


def read_library(path: Path = DEFAULT_FILE) -> Library:
    """Read and check a data file; raise LibraryError listing every problem found."""
    raw = path.read_bytes()
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise LibraryError([f"{path.name} is not valid JSON: {error}"]) from None
    problems: list[str] = []
    label = str(data.get("label") or "")
    if not LABEL.match(label):
        problems.append("The label must be 1-32 letters, digits, dots or hyphens.")
    try:
        effective = date.fromisoformat(str(data.get("effective_date")))
    except ValueError:
        problems.append("The effective date must be written YYYY-MM-DD.")
        effective = date.min
    entries = data.get("obligations") or []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        code = entry.get("code") if isinstance(entry, dict) else None
        where = code or f"entry {position}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be an object.")
            continue
        if code in seen:
            problems.append(f"{where}: the code is used twice.")
        seen.add(code)
        unknown = set(entry) - set(ENTRY_FIELDS)
        if unknown:
            problems.append(f"{where}: unknown fields {', '.join(sorted(unknown))}.")
        problems.extend(
            f"{where}: {field}: {reason}" for field, reason in check_entry(entry).items()
        )
    if not entries:
        problems.append("The library has no obligations.")
    if problems:
        raise LibraryError(problems)
    return Library(
        label=label,
        effective_date=effective,
        notes=str(data.get("notes") or ""),
        obligations=tuple(entries),
        sha256=hashlib.sha256(raw).hexdigest(),
        path=path,
    )


def label_key(label: str) -> tuple:
    """Sorts labels as people read them: 2026.2 before 2026.10."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"[.-]", label)
    )


def shipped_libraries(directory: Path = DATA_DIR) -> list[Library]:
    """Every library data file in the folder, read and checked, in label order."""
    libraries = [read_library(path) for path in directory.glob("policy-*.json")]
    return sorted(libraries, key=lambda library: label_key(library.label))


def build_version(
    library: Library, status: PolicyStatus = PolicyStatus.PUBLISHED, **columns: Any
) -> PolicyVersion:
    """A PolicyVersion holding the library's obligations in file order (not added); published
    unless `status` says otherwise."""
    version = PolicyVersion(
        label=library.label,
        status=status,
        effective_date=library.effective_date,
        notes=library.notes,
        source_sha256=library.sha256,
        **columns,
    )
    version.obligations = [
        Obligation(sort_order=position, **{name: entry[name] for name in ENTRY_FIELDS})
        for position, entry in enumerate(library.obligations, start=1)
    ]
    return version
