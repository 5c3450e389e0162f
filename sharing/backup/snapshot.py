"""Taking a backup: the database snapshot, the file store around it, and the manifest.

Order, and why every file the database snapshot refers to is in the backup: files are written
once under new random names (core.file_store.write_new) and a row naming a file is committed
only after the file is in place. So the file store is copied once before the database
snapshot and once after it (the second pass adds only names the first did not see). A file
the snapshot refers to was on disk before the snapshot: the first pass saw it unless it was
written after that pass began, and then the second pass sees it unless the app deleted it in
the seconds between the snapshot and that pass. Files newer than the snapshot, which no row
in it names, are harmless extras.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path

from flask import current_app

from sharing.audit import services as audit
from sharing.backup import engines
from sharing.backup.manifest import DATABASE_NAMES, FILES_DIR, Manifest, write_manifest
from sharing.core.database import commit_or_conflict
from sharing.errors import DomainError
from sharing.extensions import db


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    manifest: Manifest

    @property
    def total_bytes(self) -> int:
        return sum(entry.size for entry in self.manifest.files)


def app_version() -> str:
    try:
        return metadata.version("sharing")
    except metadata.PackageNotFoundError:
        return "unknown"


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def default_output() -> Path:
    return Path(current_app.instance_path) / "backups"


def is_partial_write(name: str) -> bool:
    """A temporary file that file_store.write_new has not yet renamed into place."""
    return name.startswith(".") and name.endswith(".part")


def copy_file_store(source: Path, destination: Path) -> int:
    """Copy every finished file not already in `destination`; return how many were copied.
    Files deleted while the copy runs are skipped: only their absence is a race."""
    copied = 0
    if not source.is_dir():
        return copied
    for folder, _subfolders, names in os.walk(source):
        for name in names:
            path = Path(folder) / name
            if is_partial_write(name) or path.is_symlink():
                continue
            target = destination / path.relative_to(source)
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copy2(path, target)
            except FileNotFoundError:
                continue
            copied += 1
    return copied


def take_backup(*, output: Path, now: datetime) -> BackupResult:
    """Write a new backup folder under `output`, named after `now`, and record it."""
    folder = _new_folder(output, now)
    partial = folder.with_name(f".{folder.name}.partial")
    partial.mkdir(parents=True)
    try:
        manifest = _fill(partial, now)
        os.replace(partial, folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    audit.record(
        actor=audit.SYSTEM,
        action="backup.created",
        object_type="backup",
        object_id=folder.name,
        changes=audit.created(
            {
                "folder": str(folder),
                "files": len(manifest.files),
                "revision": manifest.alembic_revision,
            }
        ),
        summary=f"Backup written to {folder}.",
    )
    commit_or_conflict()
    return BackupResult(folder=folder, manifest=manifest)


def _new_folder(output: Path, now: datetime) -> Path:
    output = output.resolve()
    store = upload_dir().resolve()
    if output == store or store in output.parents:
        raise DomainError(f"The backup cannot go inside the file store ({store}).")
    folder = output / f"sharing-backup-{now.strftime('%Y%m%dT%H%M%SZ')}"
    if folder.exists():
        raise DomainError(f"{folder} already exists; wait a second and try again.")
    return folder


def _fill(partial: Path, now: datetime) -> Manifest:
    kind = engines.kind()
    files = partial / FILES_DIR
    files.mkdir()
    copy_file_store(upload_dir(), files)
    database = partial / DATABASE_NAMES[kind]
    db.session.remove()  # no transaction of ours may hold a lock or an old snapshot
    state = engines.dump_sqlite(database) if kind == "sqlite" else engines.dump_postgres(database)
    copy_file_store(upload_dir(), files)
    manifest = Manifest(
        created_at=now.isoformat(),
        app_version=app_version(),
        alembic_revision=state.revision,
        database_kind=kind,
        row_counts=state.row_counts,
    )
    write_manifest(partial, manifest)
    return manifest
