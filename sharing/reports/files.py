"""What an import may be (IMPORT: a CSV or an Excel workbook, judged by content in
sharing.files before pandas or openpyxl see it), and the import's own check on top: rows no
wider than an import can use."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from flask import current_app

from sharing.files import Inspected, Kind, RejectedUpload, Source, UploadPolicy, inspect_path
from sharing.files import text_encoding as _text_encoding

# Real imports have about twenty columns; pandas takes minutes over a header of 100,000.
MAX_COLUMNS = 1000
SAMPLE = 64 * 1024

IMPORT = UploadPolicy(
    noun="import",
    accepts=frozenset({Kind.CSV, Kind.XLSX}),
    max_bytes=20 * 1024 * 1024,
    hint="Upload the import as an Excel workbook (.xlsx) or a CSV file.",
)


def max_import_bytes() -> int:
    return int(current_app.config.get("IMPORT_MAX_BYTES", 20 * 1024 * 1024))


def check_upload(path: Path, name: str, *, max_bytes: int) -> Inspected:
    """The stored upload judged by content, then as an import; raises RejectedUpload."""
    checked = inspect_path(path, name, replace(IMPORT, max_bytes=max_bytes))
    if checked.kind is Kind.CSV:
        _check_width(path)
    return checked


def csv_encoding(path: Path) -> str:
    """The codec to read an accepted CSV with: UTF-8 (BOM or not), else Windows-1252."""
    return _text_encoding(Source(path=path)) or "cp1252"


def _check_width(path: Path) -> None:
    """Refuse absurdly wide rows from the first chunk, before pandas spends minutes on them."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE).decode(csv_encoding(path), errors="ignore")
    columns = max(line.count(sep) for line in sample.split("\n") for sep in ",;\t") + 1
    if columns > MAX_COLUMNS:
        raise RejectedUpload(
            f"The import file has a row of {columns:,} or more columns; an import has at most "
            f"{MAX_COLUMNS:,}. Keep only the template's columns and upload it again.",
            code="too_many_columns",
        )
