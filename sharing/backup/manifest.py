"""The backup's manifest: what a backup holds, and the check that a folder still matches it.

A backup is a folder: `manifest.json`, the database (`database.sqlite3` or `database.pgdump`)
and the file store under `files/`. The manifest records the SHA-256 and size of every other
file, so a restore can refuse a backup that was damaged, truncated or added to.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sharing.errors import DomainError

FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
FILES_DIR = "files"
DATABASE_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
_CHUNK = 1024 * 1024


class BackupInvalid(DomainError):
    """The backup folder does not match its manifest; nothing was restored."""


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative to the backup folder, with forward slashes
    sha256: str
    size: int


@dataclass
class Manifest:
    created_at: str
    app_version: str
    alembic_revision: str | None
    database_kind: str
    row_counts: dict[str, int]
    files: list[FileEntry] = field(default_factory=list)
    format_version: int = FORMAT_VERSION

    @property
    def database_name(self) -> str:
        return DATABASE_NAMES[self.database_kind]

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "format_version": self.format_version,
            "created_at": self.created_at,
            "app_version": self.app_version,
            "alembic_revision": self.alembic_revision,
            "database_kind": self.database_kind,
            "row_counts": dict(sorted(self.row_counts.items())),
            "files": [vars(entry) for entry in sorted(self.files, key=lambda e: e.path)],
        }
        return json.dumps(data, indent=2) + "\n"


def hash_file(path: Path) -> FileEntry:
    """The SHA-256 and size of a file, read in chunks (files can be large)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return FileEntry(path=path.name, sha256=digest.hexdigest(), size=size)


def list_files(folder: Path) -> list[str]:
    """Every regular file under `folder` except the manifest, as relative POSIX paths."""
    names = []
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        relative = path.relative_to(folder).as_posix()
        if relative != MANIFEST_NAME:
            names.append(relative)
    return sorted(names)


def write_manifest(folder: Path, manifest: Manifest) -> None:
    manifest.files = [_entry(folder, relative) for relative in list_files(folder)]
    (folder / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")


def _entry(folder: Path, relative: str) -> FileEntry:
    entry = hash_file(folder / relative)
    return FileEntry(path=relative, sha256=entry.sha256, size=entry.size)


def read_manifest(folder: Path) -> Manifest:
    """Parse the manifest; a missing, unreadable or foreign one is refused."""
    path = folder / MANIFEST_NAME
    if not folder.is_dir():
        raise BackupInvalid(f"{folder} is not a folder.")
    if not path.is_file():
        raise BackupInvalid(f"{folder} has no {MANIFEST_NAME}: it is not a backup.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupInvalid(f"{MANIFEST_NAME} cannot be read: {error}") from None
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        found = data.get("format_version") if isinstance(data, dict) else None
        raise BackupInvalid(
            f"Backup format version {found!r} is not supported (this version reads "
            f"{FORMAT_VERSION})."
        )
    try:
        return _manifest_from(data)
    except (KeyError, TypeError, ValueError) as error:
        raise BackupInvalid(f"{MANIFEST_NAME} is incomplete: {error}") from None


def _manifest_from(data: dict[str, Any]) -> Manifest:
    kind = str(data["database_kind"])
    if kind not in DATABASE_NAMES:
        raise ValueError(f"unknown database kind {kind!r}")
    return Manifest(
        created_at=str(data["created_at"]),
        app_version=str(data["app_version"]),
        alembic_revision=data["alembic_revision"],
        database_kind=kind,
        row_counts={str(k): int(v) for k, v in data["row_counts"].items()},
        files=[
            FileEntry(path=str(f["path"]), sha256=str(f["sha256"]), size=int(f["size"]))
            for f in data["files"]
        ],
    )


def verify_backup(folder: Path) -> Manifest:
    """Check that the folder holds exactly the manifest's files with their hashes; return the
    manifest. Raises BackupInvalid naming every problem found."""
    manifest = read_manifest(folder)
    expected = {entry.path: entry for entry in manifest.files}
    present = set(list_files(folder))
    problems = [f"missing: {name}" for name in sorted(set(expected) - present)]
    problems += [f"not in the manifest: {name}" for name in sorted(present - set(expected))]
    for name in sorted(present & set(expected)):
        actual = hash_file(folder / name)
        if (actual.sha256, actual.size) != (expected[name].sha256, expected[name].size):
            problems.append(f"changed since the backup: {name}")
    if manifest.database_name not in expected:
        problems.append(f"missing: {manifest.database_name}")
    if problems:
        shown = "; ".join(problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise BackupInvalid(f"The backup in {folder} does not match its manifest: {shown}{more}.")
    return manifest
