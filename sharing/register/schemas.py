"""JSON Schemas (draft 2020-12) of the open-data JSON feeds, generated from the declared field
lists (register/fields.py, algorithms/public.py) so the feeds and their schemas cannot
disagree. Each feed's schema is published for every version it has had: a minor version only
adds fields, and each field names the version that added it (`since`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sharing.algorithms.public import ALGORITHM_FIELDS
from sharing.algorithms.public import SCHEMA_VERSION as ALGORITHM_SCHEMA_VERSION
from sharing.register.fields import CHANGE_FIELDS, PUBLIC_FIELDS, SCHEMA_VERSION

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# The record's own number is never empty; every other value may be missing (null).
KEYS = frozenset({"arrangement_id", "algorithm_id"})
_NAME = re.compile(r"^(?P<feed>[a-z]+)(?:-(?P<version>\d+\.\d+))?$")


@dataclass(frozen=True)
class Feed:
    name: str  # in the schema's URL: /register/schemas/<name>-<version>.json
    title: str
    key: str  # the JSON key holding the records
    fields: Sequence[Any]
    version: str  # the current version

    @property
    def versions(self) -> tuple[str, ...]:
        found = {getattr(f, "since", "1.0") for f in self.fields} | {self.version}
        return tuple(sorted(found, key=_number))


FEEDS: dict[str, Feed] = {
    feed.name: feed
    for feed in (
        Feed(
            "register",
            "Public register of data-sharing arrangements",
            "arrangements",
            PUBLIC_FIELDS,
            SCHEMA_VERSION,
        ),
        Feed(
            "changes",
            "Changes to the public register of data-sharing arrangements",
            "changes",
            CHANGE_FIELDS,
            SCHEMA_VERSION,
        ),
        Feed(
            "algorithms",
            "Public register of algorithms",
            "algorithms",
            ALGORITHM_FIELDS,
            ALGORITHM_SCHEMA_VERSION,
        ),
    )
}


def _number(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def find(name: str) -> tuple[Feed, str] | None:
    """The feed and version a schema name asks for ("register-1.0"; "register" alone is the
    latest), or None when there is no such feed or version."""
    match = _NAME.match(name)
    feed = FEEDS.get(match["feed"]) if match else None
    if feed is None:
        return None
    version = match["version"] or feed.version
    return (feed, version) if version in feed.versions else None


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def value_schema(field: Any) -> dict[str, Any]:
    """The JSON Schema of one field's value, from its declared type."""
    algorithm = {
        "type": "object",
        "properties": {"algorithm_id": {"type": "integer"}, "name": {"type": "string"}},
        "required": ["algorithm_id", "name"],
        "additionalProperties": False,
    }
    by_type: dict[str, dict[str, Any]] = {
        "integer": {"type": "integer"},
        "text": {"type": "string"},
        "date": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "yes or no": {"enum": ["yes", "no"]},
        "list of text": {"type": "array", "items": {"type": "string"}},
        "list of integers": {"type": "array", "items": {"type": "integer"}},
        "list of algorithms": {"type": "array", "items": algorithm},
    }
    schema = dict(by_type[field.type])
    if field.type in {"integer", "text", "date"} and field.name not in KEYS:
        schema = _nullable(schema)
    return {"title": field.label, "description": field.description, **schema}


def feed_schema(feed: Feed, version: str, *, schema_id: str) -> dict[str, Any]:
    """The schema of `feed` as it stood at `version`: its fields then, and no other."""
    fields = [f for f in feed.fields if _number(getattr(f, "since", "1.0")) <= _number(version)]
    record = {
        "type": "object",
        "properties": {f.name: value_schema(f) for f in fields},
        "required": [f.name for f in fields],
        "additionalProperties": False,
    }
    return {
        "$schema": DRAFT,
        "$id": schema_id,
        "title": f"{feed.title} (schema version {version})",
        "type": "object",
        "properties": {
            "describedBy": {
                "description": "The URL of this schema.",
                "type": "string",
                "format": "uri",
            },
            "schema_version": {"const": version},
            "generated_on": {"type": "string", "format": "date"},
            feed.key: {"type": "array", "items": {"$ref": "#/$defs/record"}},
        },
        "required": ["schema_version", "generated_on", feed.key],
        "additionalProperties": False,
        "$defs": {"record": record},
    }
