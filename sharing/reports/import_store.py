"""An import's files under UPLOAD_DIR/imports: the upload, copied under a random name and
capped at the size limit, then the parsed rows (JSON beside it) that wait for confirmation."""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path
from typing import IO

from flask import current_app

from sharing.errors import Conflict
from sharing.reports.models import ImportJob
from sharing.reports.reading import ReadResult, Table


def import_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_path(job: ImportJob) -> Path:
    return import_dir() / job.stored_path


def store_upload(stream: IO[bytes], limit: int) -> Path:
    """Copy the upload to a random name, stopping as soon as it passes the limit."""
    path = import_dir() / secrets.token_hex(16)
    with path.open("wb") as out:
        shutil.copyfileobj(_Capped(stream, limit + 1), out)
    return path


class _Capped:
    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream, self.left = stream, limit

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        chunk = self.stream.read(min(self.left, size if size > 0 else self.left))
        self.left -= len(chunk)
        return chunk


def discard(job: ImportJob) -> None:
    """Delete the job's upload and parsed rows, if any."""
    path = import_dir() / job.stored_path if job.stored_path else None
    if path is not None:
        path.unlink(missing_ok=True)
        path.with_suffix(".rows.json").unlink(missing_ok=True)
    job.stored_path = None


def save_rows(job: ImportJob, result: ReadResult) -> None:
    """Keep the parsed rows for the confirmation (they replace the uploaded file), with the
    column mapping and the confirmed department suggestions, which the user may change."""
    data = {
        "tables": [
            {
                "sheet": t.sheet,
                "kinds": list(t.kinds),
                "headers": t.headers,
                "mapping": t.mapping,
                "choices": t.choices,
                "remembered": t.remembered,
                "rows": t.rows,
            }
            for t in result.tables
        ],
        "departments": result.confirmed_departments,
    }
    rows_path = import_dir() / f"{job.stored_path}.rows.json"
    with rows_path.open("w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
    upload_path(job).unlink(missing_ok=True)


def load_rows(job: ImportJob) -> ReadResult:
    path = import_dir() / f"{job.stored_path}.rows.json" if job.stored_path else None
    if path is None or not path.exists():
        raise Conflict("The uploaded file is no longer available. Upload it again.")
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    tables = [
        Table(
            t["sheet"],
            tuple(t["kinds"]),
            t["headers"],
            t["mapping"],
            [(number, tuple(cells)) for number, cells in t["rows"]],
            t.get("choices", []),
            bool(t.get("remembered")),
        )
        for t in data["tables"]
    ]
    return ReadResult(tables=tables, confirmed_departments=data.get("departments", {}))
