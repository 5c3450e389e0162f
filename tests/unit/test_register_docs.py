"""docs/REGISTER.md's field tables match the declared public field lists, so the documented
open-data schema is the one the feeds publish."""

from __future__ import annotations

import re
from pathlib import Path

from sharing.algorithms.public import ALGORITHM_FIELDS
from sharing.algorithms.public import SCHEMA_VERSION as ALGORITHM_VERSION
from sharing.register.fields import CHANGE_FIELDS, PUBLIC_FIELDS, SCHEMA_VERSION

DOC = Path(__file__).resolve().parents[2] / "docs" / "REGISTER.md"
ROW = re.compile(r"^\| `(?P<name>[a-z_0-9]+)` \| (?P<cells>.*) \|$")


def _table(heading: str) -> list[tuple[str, ...]]:
    """(name, type, ...) of each row of the table under the heading that starts so."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(f"\n## {heading}") :]
    section = section[: section.find("\n## ", 4) if "\n## " in section[4:] else None]
    rows = []
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            cells = [cell.strip() for cell in match["cells"].split(" | ")]
            rows.append((match["name"], *cells))
    return rows


def test_the_arrangement_table_lists_public_fields_with_their_type_and_version():
    """Same names in the same order, same types, same `since` versions."""
    assert f"## Arrangement fields (schema version {SCHEMA_VERSION})" in DOC.read_text("utf-8")
    documented = [row[:3] for row in _table("Arrangement fields")]
    assert documented == [(f.name, f.type, f.since) for f in PUBLIC_FIELDS]


def test_the_algorithm_table_lists_the_algorithm_fields_with_their_type_and_tier():
    """Same names in the same order, same types, same tiers."""
    assert f"## Algorithm fields (schema version {ALGORITHM_VERSION})" in DOC.read_text("utf-8")
    documented = [row[:3] for row in _table("Algorithm fields")]
    assert documented == [(f.name, f.type, str(f.tier)) for f in ALGORITHM_FIELDS]


def test_the_changelog_table_lists_the_change_fields():
    """Same names in the same order, same types."""
    documented = [row[:2] for row in _table("Changelog fields")]
    assert documented == [(f.name, f.type) for f in CHANGE_FIELDS]
