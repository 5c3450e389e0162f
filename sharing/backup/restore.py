"""Restoring a backup: check it against its manifest, then replace the database and the file
store, then check the result. Nothing is changed until the whole backup has been verified."""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app

from sharing.audit import services as audit
from sharing.backup import engines
from sharing.backup.manifest import FILES_DIR, BackupInvalid, Manifest, verify_backup
from sharing.backup.snapshot import copy_file_store, upload_dir
from sharing.core.database import commit_or_conflict
from sharing.errors import DomainError
from sharing.extensions import db


class RestoreRefused(DomainError):
    """The restore would overwrite data and was not confirmed; nothing was changed."""


class RestoreCheckFailed(DomainError):
    """The restored database does not match what the backup recorded."""


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    head_revision: str | None

    @property
    def needs_upgrade(self) -> bool:
        return self.manifest.alembic_revision != self.head_revision


def restore_backup(*, folder: Path, confirmed: bool, now: datetime) -> RestoreResult:
    """Replace the configured database and file store with the backup in `folder`."""
    manifest = verify_backup(folder)
    head = _check_compatible(manifest)
    if not confirmed and target_has_data():
        raise RestoreRefused(
            "The database or the file store already holds data, which the restore would "
            "replace. Stop the app, then confirm with --yes."
        )
    db.session.remove()
    staged = _stage_file_store(folder)
    try:
        source = folder / manifest.database_name
        if manifest.database_kind == "sqlite":
            engines.restore_sqlite(source)
        else:
            engines.restore_postgres(source)
        _check_matches(manifest)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    _swap_into_place(staged)
    _record(folder, manifest, now)
    return RestoreResult(manifest=manifest, head_revision=head)


def target_has_data() -> bool:
    store = upload_dir()
    has_files = store.is_dir() and any(path.is_file() for path in store.rglob("*"))
    return has_files or engines.has_data()


def _check_compatible(manifest: Manifest) -> str | None:
    """Same database engine, and a schema revision this version of the app knows."""
    kind = engines.kind()
    if manifest.database_kind != kind:
        raise BackupInvalid(
            f"The backup holds a {manifest.database_kind} database; this app uses {kind}."
        )
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    if manifest.alembic_revision is not None:
        try:
            known = script.get_revision(manifest.alembic_revision)
        except CommandError:
            known = None
        if known is None:
            raise BackupInvalid(
                f"The backup's schema revision {manifest.alembic_revision} is unknown to this "
                "version of the app (a backup from a newer version?)."
            )
    return script.get_current_head()


def _stage_file_store(folder: Path) -> Path:
    """Copy the backup's files beside UPLOAD_DIR, so that the swap is a rename."""
    store = upload_dir()
    store.parent.mkdir(parents=True, exist_ok=True)
    staged = store.with_name(f".{store.name}.restore-{secrets.token_hex(4)}")
    staged.mkdir()
    try:
        copy_file_store(folder / FILES_DIR, staged)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged


def _check_matches(manifest: Manifest) -> None:
    state = engines.check_restored()
    if state.revision != manifest.alembic_revision:
        raise RestoreCheckFailed(
            f"The restored schema revision is {state.revision}, the backup recorded "
            f"{manifest.alembic_revision}."
        )
    different = sorted(
        name
        for name in set(state.row_counts) | set(manifest.row_counts)
        if state.row_counts.get(name) != manifest.row_counts.get(name)
    )
    if different:
        raise RestoreCheckFailed(
            "The restored row counts differ from the backup's in: " + ", ".join(different)
        )


def _swap_into_place(staged: Path) -> None:
    store = upload_dir()
    old = store.with_name(f".{store.name}.old-{secrets.token_hex(4)}")
    if store.exists():
        os.replace(store, old)
    os.replace(staged, store)
    shutil.rmtree(old, ignore_errors=True)


def _record(folder: Path, manifest: Manifest, now: datetime) -> None:
    """The restore's audit event goes into the restored database, after the checks."""
    audit.record(
        actor=audit.SYSTEM,
        action="backup.restored",
        object_type="backup",
        object_id=folder.name[:64],
        changes=audit.created(
            {
                "folder": str(folder),
                "backup_created_at": manifest.created_at,
                "restored_at": now.isoformat(),
                "revision": manifest.alembic_revision,
            }
        ),
        summary=f"Restored the backup from {folder}, taken {manifest.created_at}.",
    )
    commit_or_conflict()
