"""Concurrent writers: 8 processes × 100 read-modify-write transactions lose no update.

On SQLite this relies on sharing/core/database.py beginning write transactions with
BEGIN IMMEDIATE (the read below is a plain SELECT). When the suite runs on PostgreSQL the same
check runs there, with SELECT ... FOR UPDATE, so the test is never skipped.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback

from sqlalchemy import select

from sharing.core.models import Setting
from tests.conftest import base_config

PROCESSES = 8
INCREMENTS = 100
COUNTER = "concurrency-counter"


def increment_counter(database_url: str, tmp_dir: str, start, results) -> None:
    """Child process: its own app on the shared database, 100 separate increments."""
    from pathlib import Path

    from sharing import create_app
    from sharing.extensions import db

    try:
        app = create_app(base_config(database_url, Path(tmp_dir)))
        with app.app_context():
            stmt = select(Setting).where(Setting.key == COUNTER)
            if db.engine.dialect.name == "postgresql":
                stmt = stmt.with_for_update()
            start.wait(timeout=60)
            for _ in range(INCREMENTS):
                setting = db.session.scalars(stmt).one()
                setting.value = str(int(setting.value) + 1)
                db.session.commit()
            db.session.remove()
            db.engine.dispose()
        results.put(("ok", ""))
    except BaseException:  # noqa: BLE001 - every failure must reach the parent
        results.put(("error", traceback.format_exc()))


def test_concurrent_read_modify_write_transactions_lose_no_update(app, db, database_url, tmp_path):
    """8 processes each increment one row 100 times: the total is 800 and nobody hits a lock."""
    db.session.add(Setting(key=COUNTER, value="0"))
    db.session.commit()
    db.session.remove()

    context = multiprocessing.get_context("spawn")
    start = context.Barrier(PROCESSES)
    results = context.Queue()
    workers = [
        context.Process(
            target=increment_counter, args=(database_url, str(tmp_path), start, results)
        )
        for _ in range(PROCESSES)
    ]
    began = time.monotonic()
    try:
        for worker in workers:
            worker.start()
        outcomes = [results.get(timeout=120) for _ in workers]
        for worker in workers:
            worker.join(timeout=30)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
    elapsed = time.monotonic() - began

    errors = [detail for status, detail in outcomes if status != "ok"]
    assert errors == []
    assert all(worker.exitcode == 0 for worker in workers)
    final = db.session.scalar(select(Setting.value).where(Setting.key == COUNTER))
    assert int(final) == PROCESSES * INCREMENTS
    assert elapsed < 60
