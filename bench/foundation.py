"""Foundation benchmarks: SQLite writers under BEGIN IMMEDIATE, and the sign-in hash cost.

Run: python -m bench.foundation   (prints a Markdown table to paste into docs/PERFORMANCE.md)
"""

from __future__ import annotations

import multiprocessing as mp
import platform
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

WRITERS = (1, 2, 4, 8)
TRANSACTIONS = 200


def _writer(url: str, instance: str, count: int, ready, start, out) -> None:
    from sqlalchemy import select

    from sharing import create_app
    from sharing.core.models import Setting
    from sharing.extensions import db

    app = create_app(
        {"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url, "UPLOAD_DIR": instance}
    )
    errors = 0
    with app.app_context():
        db.session.execute(select(1))  # connect before the clock starts
        db.session.rollback()
        ready.put(True)
        start.wait()
        for _ in range(count):
            try:
                row = db.session.scalar(select(Setting).where(Setting.key == "counter"))
                row.value = str(int(row.value) + 1)
                db.session.commit()
            except Exception:  # noqa: BLE001 - counted and reported
                db.session.rollback()
                errors += 1
    out.put(errors)


def sqlite_writers(processes: int, workdir: Path) -> dict:
    from flask_migrate import upgrade

    from sharing import create_app
    from sharing.core.models import Setting
    from sharing.extensions import db

    path = workdir / f"bench-{processes}.db"
    url = f"sqlite:///{path}"
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url, "UPLOAD_DIR": str(workdir)}
    )
    with app.app_context():
        upgrade()
        db.session.add(Setting(key="counter", value="0"))
        db.session.commit()
        db.engine.dispose()

    ctx = mp.get_context("spawn")
    queue, ready, start = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [
        ctx.Process(target=_writer, args=(url, str(workdir), TRANSACTIONS, ready, start, queue))
        for _ in range(processes)
    ]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get()  # every writer has started and connected: time only the transactions
    started = time.perf_counter()
    start.set()
    errors = sum(queue.get() for _ in procs)
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - started

    with app.app_context():
        final = int(db.session.get(Setting, "counter").value)
        db.engine.dispose()
    expected = processes * TRANSACTIONS
    return {
        "processes": processes,
        "transactions": expected,
        "seconds": elapsed,
        "per_second": expected / elapsed,
        "lost": expected - final,
        "errors": errors,
    }


def hash_cost(samples: int = 5) -> dict:
    from argon2 import PasswordHasher, Type

    from sharing.auth.passwords import PRODUCTION_PARAMETERS

    ph = PasswordHasher(type=Type.ID, **PRODUCTION_PARAMETERS)
    stored = ph.hash("a benchmark password")
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        ph.verify(stored, "a benchmark password")
        timings.append(time.perf_counter() - started)
    return {"median_ms": statistics.median(timings) * 1000, "samples": samples}


def main() -> None:
    print(
        f"date {date.today()} · {platform.node()} · {platform.processor() or platform.machine()}"
        f" · {mp.cpu_count()} cores · Python {platform.python_version()}"
    )
    print("command: python -m bench.foundation\n")
    print("| writer processes | transactions | seconds | transactions/s | lost updates | errors |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in WRITERS:
            r = sqlite_writers(n, Path(tmp))
            print(
                f"| {r['processes']} | {r['transactions']} | {r['seconds']:.2f} | "
                f"{r['per_second']:.0f} | {r['lost']} | {r['errors']} |"
            )
    h = hash_cost()
    print(
        f"\nargon2id verify with production parameters: median {h['median_ms']:.0f} ms "
        f"over {h['samples']} runs"
    )


if __name__ == "__main__":
    main()
