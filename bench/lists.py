"""SQL statements per list page at 1× and 100× data: the count must not grow with the rows.

Run: python -m bench.lists   (prints a Markdown table to paste into docs/PERFORMANCE.md)

Each scale gets a fresh migrated SQLite database filled by bench/data.py; an admin signs
in through the test client and every list page is fetched once to warm up, then counted.
"""

from __future__ import annotations

import platform
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import event

SCALES = (1, 100)
PAGES = (
    ("Organisations", "/vendors/"),
    ("Organisations, searched and filtered", "/vendors/?q=Civic&kind=vendor&sort=-legal_name"),
    ("Data flows", "/flows/"),
    ("Data flows, filtered", "/flows/?status=approved&risk=high&sort=system_name"),
    ("Data categories", "/flows/categories"),
    ("Import jobs", "/reports/imports"),
    ("Audit trail", "/audit/"),
    ("Users", "/auth/users"),
)
PASSWORD = "bench password 2026"


def measure(scale: int, workdir: Path) -> tuple[dict[str, int], dict[str, float], dict]:
    from flask_migrate import upgrade

    from bench.data import populate
    from sharing import create_app
    from sharing.auth.models import Role, User
    from sharing.auth.passwords import hash_password
    from sharing.extensions import db

    url = f"sqlite:///{workdir / f'lists-{scale}.db'}"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "DATABASE_URL": url,
            "UPLOAD_DIR": str(workdir / "files"),
            "WTF_CSRF_ENABLED": False,
            "ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
        }
    )
    with app.app_context():
        upgrade()
        counts = populate(scale=scale)
        db.session.add(
            User(
                email="bench-admin@example.org",
                name="Bench Admin",
                role=Role.ADMIN,
                password_hash=hash_password(PASSWORD),
                active=True,
            )
        )
        db.session.commit()

        statements = {"n": 0}

        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(*_args, **_kwargs):
            statements["n"] += 1

    client = app.test_client()
    response = client.post(
        "/auth/sign-in", data={"email": "bench-admin@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    per_page, timings = {}, {}
    for label, path in PAGES:
        assert client.get(path).status_code == 200, path  # warm-up
        statements["n"] = 0
        started = time.perf_counter()
        response = client.get(path)
        timings[label] = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, path
        per_page[label] = statements["n"]
    return per_page, timings, counts


def main() -> None:
    print(f"date {date.today()} · {platform.node()} · Python {platform.python_version()} · SQLite")
    print("command: python -m bench.lists\n")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for scale in SCALES:
            results[scale] = measure(scale, Path(tmp))
    for scale in SCALES:
        counts = results[scale][2]
        print(f"{scale}×: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()))
    head = " | ".join(f"statements at {s}×" for s in SCALES)
    times = " | ".join(f"ms at {s}×" for s in SCALES)
    print(f"\n| page | {head} | {times} |")
    print("|---|" + "---|" * (2 * len(SCALES)))
    for label, _ in PAGES:
        counts = " | ".join(str(results[s][0][label]) for s in SCALES)
        ms = " | ".join(f"{results[s][1][label]:.0f}" for s in SCALES)
        print(f"| {label} | {counts} | {ms} |")


if __name__ == "__main__":
    main()
