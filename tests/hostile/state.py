"""What a hostile request must leave alone: the row count of every table and a SHA-256 over
the whole file store (relative paths and contents)."""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from sharing.extensions import db

_ERROR_BLOCK = re.compile(r'id="([\w-]+)-error"[^>]*>(.*?)</div>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Snapshot:
    rows: dict[str, int]
    files: dict[str, str]  # relative path: sha256 of its content
    digest: str  # one SHA-256 over every path and content, in order


def row_counts() -> dict[str, int]:
    # One statement of scalar subqueries (plain SQL on SQLite and PostgreSQL alike): a
    # query per table made the snapshot the slowest part of a hostile case.
    db.session.expire_all()
    tables = db.metadata.sorted_tables
    counts = select(
        *(select(func.count()).select_from(table).scalar_subquery() for table in tables)
    )
    return dict(
        zip((table.name for table in tables), db.session.execute(counts).one(), strict=True)
    )


def storage(app: Flask) -> tuple[dict[str, str], str]:
    root = Path(app.config["UPLOAD_DIR"])
    files: dict[str, str] = {}
    overall = hashlib.sha256()
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            relative = path.relative_to(root).as_posix()
            content = path.read_bytes()
            files[relative] = hashlib.sha256(content).hexdigest()
            overall.update(relative.encode() + b"\0" + content + b"\0")
    return files, overall.hexdigest()


def snapshot(app: Flask) -> Snapshot:
    files, digest = storage(app)
    return Snapshot(row_counts(), files, digest)


def changed_tables(before: Snapshot, after: Snapshot) -> dict[str, int]:
    """Each table whose row count moved, with the difference."""
    return {
        name: after.rows[name] - before.rows.get(name, 0)
        for name in after.rows
        if after.rows[name] != before.rows.get(name, 0)
    }


def field_errors(page: str) -> dict[str, str]:
    """The text of each `<field>-error` block the forms macro rendered, by field id."""
    return {
        field: html.unescape(" ".join(_TAG.sub(" ", body).split()))
        for field, body in _ERROR_BLOCK.findall(page)
    }
