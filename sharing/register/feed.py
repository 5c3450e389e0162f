"""The open-data feed: the register and its changelog as CSV and JSON, with the fields of
sharing/register/fields.py and nothing else (schema in docs/REGISTER.md).

The CSV has no byte-order mark by default, as programs reading the feed expect; `?bom=1` asks
for the variant for Excel, which needs the mark to read UTF-8 accents correctly."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from flask import Response

from sharing.algorithms.public import ALGORITHM_FIELDS
from sharing.algorithms.public import SCHEMA_VERSION as ALGORITHM_SCHEMA_VERSION
from sharing.core.downloads import content_disposition
from sharing.core.spreadsheets import BOM, CSV_CONTENT_TYPE, csv_value
from sharing.register.fields import (
    CHANGE_FIELDS,
    PUBLIC_FIELDS,
    SCHEMA_VERSION,
    json_value,
    text_item,
)

LIST_SEPARATOR = "; "


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return csv_value(LIST_SEPARATOR.join(text_item(v) for v in value))
    return csv_value(value)


def wants_bom(args: Any) -> bool:
    """Whether the query string asks for the CSV for Excel (`?bom=1`)."""
    return args.get("bom") == "1"


def csv_response(
    records: Iterable[dict[str, Any]],
    fields: Sequence[Any],
    filename: str,
    *,
    bom: bool = False,
) -> Response:
    """A formula-safe UTF-8 CSV with a header row of the field names, led by a byte-order
    mark when `bom` asks for the variant for Excel."""
    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f.name for f in fields])
    for record in records:
        writer.writerow([_cell(record[f.name]) for f in fields])
    return _download(out.getvalue(), CSV_CONTENT_TYPE, filename)


def json_response(
    records: Iterable[dict[str, Any]],
    fields: Sequence[Any],
    *,
    key: str,
    generated_on: date,
    filename: str,
    schema_version: str = SCHEMA_VERSION,
    described_by: str,
) -> Response:
    """{"describedBy", "schema_version", "generated_on", key: [...]} with only the declared
    fields; describedBy is the URL of the JSON Schema of this very version."""
    body = {
        "describedBy": described_by,
        "schema_version": schema_version,
        "generated_on": generated_on.isoformat(),
        key: [{f.name: json_value(record[f.name]) for f in fields} for record in records],
    }
    text = json.dumps(body, ensure_ascii=False, indent=2)
    return _download(text, "application/json", filename)


def json_document(body: dict[str, Any], *, content_type: str = "application/json") -> Response:
    """A JSON document to read in place (a schema, the catalog), open to other sites' scripts
    like the feeds."""
    response = Response(json.dumps(body, ensure_ascii=False, indent=2), content_type=content_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _download(text: str, content_type: str, filename: str) -> Response:
    # content_type is sent as given: a mimetype would get a second charset from Flask.
    response = Response(text, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def register_csv(records: list[dict[str, Any]], *, bom: bool = False) -> Response:
    return csv_response(records, PUBLIC_FIELDS, "register.csv", bom=bom)


def register_json(records: list[dict[str, Any]], *, today: date, described_by: str) -> Response:
    return json_response(
        records,
        PUBLIC_FIELDS,
        key="arrangements",
        generated_on=today,
        filename="register.json",
        described_by=described_by,
    )


def changes_csv(records: list[dict[str, Any]], *, bom: bool = False) -> Response:
    return csv_response(records, CHANGE_FIELDS, "register-changes.csv", bom=bom)


def changes_json(records: list[dict[str, Any]], *, today: date, described_by: str) -> Response:
    return json_response(
        records,
        CHANGE_FIELDS,
        key="changes",
        generated_on=today,
        filename="register-changes.json",
        described_by=described_by,
    )


def algorithms_csv(records: list[dict[str, Any]], *, bom: bool = False) -> Response:
    return csv_response(records, ALGORITHM_FIELDS, "algorithms.csv", bom=bom)


def algorithms_json(records: list[dict[str, Any]], *, today: date, described_by: str) -> Response:
    return json_response(
        records,
        ALGORITHM_FIELDS,
        key="algorithms",
        generated_on=today,
        filename="algorithms.json",
        schema_version=ALGORITHM_SCHEMA_VERSION,
        described_by=described_by,
    )
