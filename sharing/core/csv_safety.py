"""Neutralising spreadsheet formulas in text written to CSV files (OWASP's CSV injection advice).

XLSX needs no escape character: core/spreadsheets.py types its text cells as strings instead.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
BOM = "\ufeff"  # leads a CSV meant for Excel, which reads UTF-8 correctly only after it


def escape_cell(value: str) -> str:
    """Text a spreadsheet could run as a formula, or already starting with an apostrophe,
    gets one leading apostrophe; everything else is left alone."""
    if value.startswith((ESCAPE, *FORMULA_PREFIXES)):
        return ESCAPE + value
    return value


def is_escaped(value: str) -> bool:
    """Whether the text carries escape_cell's apostrophe: one apostrophe before something
    escape_cell escapes. Text such as "'Ohana" never came out of escape_cell that way."""
    return value.startswith(ESCAPE) and value[1:].startswith((ESCAPE, *FORMULA_PREFIXES))


def unescape_cell(value: str) -> str:
    """The exact inverse of escape_cell: remove the apostrophe escape_cell adds, and only it."""
    return value[1:] if is_escaped(value) else value


def safe_cell(value: object) -> object:
    """A cell value made formula-safe: text is escaped, other values pass through."""
    return escape_cell(value) if isinstance(value, str) else value


def csv_lines(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """Stream CSV text one line at a time, each cell made formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(header)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
        yield buffer.getvalue()
