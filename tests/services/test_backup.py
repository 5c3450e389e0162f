"""`flask backup` and `flask restore`: a consistent snapshot taken while the app writes, a
restore into a fresh database that matches it, and refusals that change nothing."""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import make_url

from sharing import create_app
from sharing.audit import services as audit
from sharing.audit.models import AuditEvent
from sharing.backup import engines
from sharing.backup.manifest import MANIFEST_NAME, BackupInvalid, Manifest
from sharing.backup.restore import RestoreRefused, restore_backup
from sharing.backup.snapshot import take_backup
from sharing.core.database import normalise_database_url
from sharing.core.file_store import write_new
from sharing.errors import DomainError
from sharing.extensions import db
from tests.conftest import POSTGRES_URL, USING_POSTGRES, base_config
from tests.factories import make_flow, make_organisation, make_user

NOW = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
WRITER_ACTION = "test.file_written"


# -- helpers -----------------------------------------------------------------------------------


def upload_dir(application: Flask) -> Path:
    return Path(application.config["UPLOAD_DIR"])


def file_hashes(folder: Path) -> dict[str, str]:
    """Every file under `folder` by relative path, with its SHA-256."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def current_state() -> engines.DatabaseState:
    db.session.remove()
    with db.engine.connect() as connection:
        return engines.read_state(connection)


def fill_source(application: Flask) -> None:
    """Rows in several tables and files in two folders of the file store."""
    organisation = make_organisation()
    make_flow(organisation)
    make_user("privacy")
    db.session.commit()
    for folder, suffix in (("evidence", ".pdf"), ("agreements", ".docx")):
        target = upload_dir(application) / folder
        target.mkdir(parents=True, exist_ok=True)
        write_new(target, secrets.token_bytes(2048), suffix)


class Writer(threading.Thread):
    """Writes a file, then commits an audit event naming it, as the app does, until stopped."""

    def __init__(self, application: Flask) -> None:
        super().__init__(daemon=True)
        self.application = application
        self.stop = threading.Event()
        self.written = 0
        self.progress = threading.Condition()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.application.app_context():
                folder = upload_dir(self.application) / "evidence"
                folder.mkdir(parents=True, exist_ok=True)
                while not self.stop.is_set():
                    name = write_new(folder, secrets.token_bytes(512), ".pdf")
                    audit.record(
                        actor=audit.SYSTEM, action=WRITER_ACTION, object_type="file", object_id=name
                    )
                    db.session.commit()
                    with self.progress:
                        self.written += 1
                        self.progress.notify_all()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.error = error
            with self.progress:
                self.progress.notify_all()

    def wait_for(self, count: int) -> None:
        with self.progress:
            reached = self.progress.wait_for(
                lambda: self.written >= count or self.error is not None, timeout=60
            )
        assert reached and self.error is None, self.error


@pytest.fixture
def target(empty_database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on a brand-new empty database and file store, to restore into."""
    application = create_app(base_config(empty_database_url, tmp_path / "target"))
    try:
        yield application
    finally:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


def back_up(tmp_path: Path) -> Path:
    return take_backup(output=tmp_path / "backups", now=NOW).folder


def read_manifest_json(folder: Path) -> dict:
    return json.loads((folder / MANIFEST_NAME).read_text())


# -- backup while writing, restore into a fresh target ---------------------------------------


def test_backup_taken_during_writes_restores_to_exactly_the_snapshot(app, tmp_path, target):
    """Rows and files written during the backup leave a snapshot whose restore has the
    recorded row counts and file hashes, and every file its rows name."""
    fill_source(app)
    writer = Writer(app)
    writer.start()
    try:
        writer.wait_for(5)
        result = take_backup(output=tmp_path / "backups", now=NOW)
        writer.wait_for(writer.written + 3)
    finally:
        writer.stop.set()
        writer.join(timeout=60)
    manifest = result.manifest
    assert manifest.row_counts["audit_events"] >= 5
    assert current_state().row_counts["audit_events"] > manifest.row_counts["audit_events"]

    with target.app_context():
        restore_backup(folder=result.folder, confirmed=False, now=NOW)
        restored = current_state()
        named = db.session.scalars(
            select(AuditEvent.object_id).where(AuditEvent.action == WRITER_ACTION)
        ).all()
        restored_event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "backup.restored")
        ).one()

    expected_counts = dict(manifest.row_counts)
    expected_counts["audit_events"] += 1  # the restore's own event
    assert restored.row_counts == expected_counts
    assert restored.revision == manifest.alembic_revision is not None
    recorded = {e.path[len("files/") :]: e.sha256 for e in manifest.files if e.path[:6] == "files/"}
    restored_files = file_hashes(upload_dir(target))
    assert restored_files == recorded
    assert len(named) >= 5
    assert {f"evidence/{name}" for name in named} <= set(restored_files)
    assert restored_event.actor_role == "system"


def test_restore_runs_the_integrity_check_on_the_restored_database(app, tmp_path, target):
    """After a restore the database passes its check (SQLite integrity_check, PostgreSQL a
    query), and its Alembic revision is the one the backup recorded."""
    fill_source(app)
    folder = back_up(tmp_path)
    manifest = read_manifest_json(folder)
    with target.app_context():
        restore_backup(folder=folder, confirmed=True, now=NOW)
        state = engines.check_restored()
    assert state.revision == manifest["alembic_revision"]
    assert state.row_counts["organisations"] == manifest["row_counts"]["organisations"] == 1


def test_backup_manifest_lists_every_file_with_hash_and_no_credentials(app, tmp_path):
    """The manifest records format, time, versions and a hash and size for every file in the
    backup, and never the database password."""
    fill_source(app)
    folder = back_up(tmp_path)
    data = read_manifest_json(folder)
    assert data["format_version"] == 1
    assert data["created_at"] == NOW.isoformat()
    assert data["database_kind"] == ("postgresql" if USING_POSTGRES else "sqlite")
    listed = {entry["path"]: entry["sha256"] for entry in data["files"]}
    assert listed == {
        path: digest for path, digest in file_hashes(folder).items() if path != MANIFEST_NAME
    }
    password = make_url(normalise_database_url(POSTGRES_URL or "sqlite://")).password
    if password:
        assert password not in (folder / MANIFEST_NAME).read_text()


def test_backup_is_audited_as_the_system(app, tmp_path):
    """Each backup records one audit event by the system actor, naming the folder."""
    folder = back_up(tmp_path)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "backup.created")
    ).one()
    assert (event.actor_role, event.object_id) == ("system", folder.name)


def test_backup_refuses_to_write_inside_the_file_store(app):
    """A backup inside UPLOAD_DIR would back itself up; it is refused."""
    with pytest.raises(DomainError, match="inside the file store"):
        take_backup(output=upload_dir(app) / "backups", now=NOW)


# -- refusals change nothing -------------------------------------------------------------------


def _tamper(folder: Path, how: str) -> None:
    files = sorted(p for p in (folder / "files").rglob("*") if p.is_file())
    if how == "changed file":
        files[0].write_bytes(files[0].read_bytes() + b"x")
    elif how == "missing file":
        database = next(p for p in folder.iterdir() if p.name.startswith("database."))
        database.unlink()
    elif how == "extra file":
        (folder / "files" / "evidence" / "planted.pdf").write_bytes(b"%PDF-1.4")
    else:
        data = read_manifest_json(folder)
        if how == "format version":
            data["format_version"] = 2
        else:  # a schema from a newer version of the app
            data["alembic_revision"] = "9999_from_the_future"
        (folder / MANIFEST_NAME).write_text(json.dumps(data))


@pytest.mark.parametrize(
    "how", ["changed file", "missing file", "extra file", "format version", "unknown revision"]
)
def test_restore_refuses_a_damaged_backup_and_changes_nothing(app, tmp_path, how):
    """A changed, missing or extra file, an unknown format version or a schema revision this
    app does not know stops the restore before the database or the file store is touched."""
    fill_source(app)
    folder = back_up(tmp_path)
    _tamper(folder, how)
    make_organisation(common_name="Added after the backup")
    db.session.commit()
    before_state, before_files = current_state(), file_hashes(upload_dir(app))

    with pytest.raises(BackupInvalid):
        restore_backup(folder=folder, confirmed=True, now=NOW)

    assert current_state() == before_state
    assert file_hashes(upload_dir(app)) == before_files


def test_restore_without_confirmation_refuses_a_target_with_data(app, tmp_path):
    """Restoring over a database that holds data needs --yes; without it nothing changes."""
    fill_source(app)
    folder = back_up(tmp_path)
    make_organisation(common_name="Added after the backup")
    db.session.commit()
    before_state, before_files = current_state(), file_hashes(upload_dir(app))

    with pytest.raises(RestoreRefused):
        restore_backup(folder=folder, confirmed=False, now=NOW)

    assert current_state() == before_state
    assert file_hashes(upload_dir(app)) == before_files


def test_a_folder_without_manifest_is_not_a_backup(app, tmp_path):
    """Pointing restore at an ordinary folder is refused."""
    (tmp_path / "not-a-backup").mkdir()
    with pytest.raises(BackupInvalid, match="not a backup"):
        restore_backup(folder=tmp_path / "not-a-backup", confirmed=True, now=NOW)


def test_manifest_round_trips_through_json(tmp_path):
    """A manifest written and read back is the same manifest."""
    from sharing.backup.manifest import FileEntry, read_manifest

    manifest = Manifest(
        created_at=NOW.isoformat(),
        app_version="1.0",
        alembic_revision="0007",
        database_kind="sqlite",
        row_counts={"users": 2},
        files=[FileEntry(path="database.sqlite3", sha256="ab" * 32, size=10)],
    )
    (tmp_path / MANIFEST_NAME).write_text(manifest.to_json())
    assert read_manifest(tmp_path) == manifest


# -- the commands ------------------------------------------------------------------------------


def test_backup_and_restore_commands_round_trip(app, tmp_path, target):
    """`flask backup --output DIR` then `flask restore DIR` into an empty target succeed; a
    second restore over the now-filled target needs --yes."""
    fill_source(app)
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "out").iterdir()

    runner = target.test_cli_runner()
    with target.app_context():  # the commands run against whichever app is current
        restored = runner.invoke(args=["restore", str(folder)])
        refused = runner.invoke(args=["restore", str(folder)])
        again = runner.invoke(args=["restore", str(folder), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "row counts match" in restored.output
    assert refused.exit_code == 1
    assert "--yes" in refused.output
    assert again.exit_code == 0, again.output
