"""SQL statements per dashboard at 1× and 100× data: the count must not grow with the rows.

Run: python -m bench.dashboard   (prints a Markdown table to paste into docs/PERFORMANCE.md;
exits 1 if any dashboard sends a different number of statements at different scales)

Each scale gets a fresh migrated SQLite database filled by bench/data.py (40 organisations
per scale, three flows each, one agreement each), plus, per organisation, two attestation
requests (one overdue, one returned), an evidence file expiring soon, and every fourth one an
incident past its notice deadline; a tenth of the agreements expire within 90 days and some
are past their cancel-by date, and every flow is in a department. A privacy officer and a
procurement user sign in through the test client; each dashboard (and one chart) is fetched
once to warm up, then counted with a `before_cursor_execute` listener and timed (median of 5).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert, select, update

SCALES = (1, 100)
REPEATS = 5
PAGES = (
    ("Privacy office dashboard", "privacy", "/"),
    ("Procurement dashboard", "procurement", "/"),
    ("Chart: attestation completion", "privacy", "/charts/attestations.svg"),
    ("Chart: attestation completion, drawn anew", "privacy", "/charts/attestations.svg"),
)
COLD = "drawn anew"  # pages whose label ends so are timed with the drawing cache emptied
PASSWORD = "bench password 2026"


def bench_app(url: str, workdir: Path):
    """A benchmark app over `url`: CSRF off and a cheap password hash, files in `workdir`."""
    from sharing import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "DATABASE_URL": url,
            "UPLOAD_DIR": str(workdir / "files"),
            "WTF_CSRF_ENABLED": False,
            "ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
        }
    )


def add_dashboard_rows(today: date) -> dict[str, int]:
    """The rows the dashboards count, for every organisation bench/data.py made."""
    from sharing.agreements.models import Agreement, AgreementStatus
    from sharing.attestations.models import AttestationRequest, AttestationStatus, EvidenceFile
    from sharing.disclosures.models import Incident
    from sharing.extensions import db
    from sharing.reports import tallies as status_tallies

    agreements = list(db.session.execute(select(Agreement.id, Agreement.organisation_id)))
    soon = [row.id for row in agreements if row.id % 10 == 0]
    db.session.execute(
        update(Agreement)
        .where(Agreement.id.in_(soon))
        .values(status=AgreementStatus.ACTIVE, expiry_date=today + timedelta(days=45))
    )
    requests, evidence, incidents = [], [], []
    moment = datetime.now(UTC)
    for agreement_id, org_id in agreements:
        for offset, status in ((-3, AttestationStatus.PENDING), (10, AttestationStatus.RETURNED)):
            requests.append(
                {
                    "agreement_id": agreement_id,
                    "organisation_id": org_id,
                    "due_date": today + timedelta(days=offset),
                    "status": status,
                    "questionnaire": [],
                    "round": 1,
                    "version": 1,
                }
            )
        evidence.append(
            {
                "organisation_id": org_id,
                "original_name": f"soc2-{org_id}.pdf",
                "stored_name": f"{org_id:032x}.pdf",
                "content_type": "application/pdf",
                "size": 1,
                "sha256": "0" * 64,
                "valid_until": today + timedelta(days=org_id % 60),
            }
        )
        if org_id % 4 == 0:
            incidents.append(
                {
                    "reference": f"INC-B-{org_id:07d}",
                    "organisation_id": org_id,
                    "title": "Lost laptop",
                    "description": "A laptop was lost.",
                    "discovered_at": moment - timedelta(days=4),
                    "reported_at": moment - timedelta(days=4),
                    "notice_deadline": moment - timedelta(days=1),
                    "version": 1,
                }
            )
    for model, rows in (
        (AttestationRequest, requests),
        (EvidenceFile, evidence),
        (Incident, incidents),
    ):
        for begin in range(0, len(rows), 2000):
            db.session.execute(insert(model), rows[begin : begin + 2000])
    status_tallies.rebuild(db.session.connection())  # bulk writes bypass the flush events
    db.session.commit()
    return {"requests": len(requests), "evidence": len(evidence), "incidents": len(incidents)}


def _users() -> None:
    from sharing.auth.models import Department, Role, User
    from sharing.auth.passwords import hash_password
    from sharing.extensions import db

    department = db.session.scalar(select(Department.id).order_by(Department.id))
    for role, extra in ((Role.PRIVACY, {}), (Role.PROCUREMENT, {"department_id": department})):
        db.session.add(
            User(
                email=f"bench-{role.value}@example.org",
                name=f"Bench {role.label}",
                role=role,
                password_hash=hash_password(PASSWORD),
                active=True,
                **extra,
            )
        )
    db.session.commit()


def measure(scale: int, workdir: Path) -> tuple[dict[str, int], dict[str, float], dict]:
    """Statements and median milliseconds per page at `scale`, and the rows written."""
    from flask_migrate import upgrade

    from bench.data import populate
    from sharing.core.clock import today
    from sharing.extensions import db
    from sharing.reports.charts import render_svg

    app = bench_app(f"sqlite:///{workdir / f'dashboard-{scale}.db'}", workdir)
    with app.app_context():
        upgrade()
        counts = populate(scale=scale)
        counts.update(add_dashboard_rows(today()))
        _users()
        statements = {"n": 0}

        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(*_args, **_kwargs):
            statements["n"] += 1

    per_page, timings = {}, {}
    for label, role, path in PAGES:
        client = app.test_client()
        signed_in = client.post(
            "/auth/sign-in", data={"email": f"bench-{role}@example.org", "password": PASSWORD}
        )
        assert signed_in.status_code == 302, signed_in.status_code
        assert client.get(path).status_code == 200, path  # warm-up
        statements["n"] = 0
        assert client.get(path).status_code == 200, path
        per_page[label] = statements["n"]
        runs = []
        for _ in range(REPEATS):
            if label.endswith(COLD):
                render_svg.cache_clear()
            started = time.perf_counter()
            client.get(path)
            runs.append((time.perf_counter() - started) * 1000)
        timings[label] = statistics.median(runs)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return per_page, timings, counts


def run(scales: tuple[int, ...], workdir: Path) -> dict[int, tuple]:
    return {scale: measure(scale, workdir) for scale in scales}


def constant(results: dict[int, tuple]) -> bool:
    """True when every page sent the same number of statements at every scale."""
    return all(len({results[s][0][label] for s in results}) == 1 for label, _, _ in PAGES)


def report(results: dict[int, tuple]) -> None:
    scales = list(results)
    for scale in scales:
        counts = results[scale][2]
        print(f"{scale}×: " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items()))
    head = " | ".join(f"statements at {s}×" for s in scales)
    times = " | ".join(f"ms at {s}×" for s in scales)
    print(f"\n| page | {head} | {times} |")
    print("|---|" + "---|" * (2 * len(scales)))
    for label, _, _ in PAGES:
        counts = " | ".join(str(results[s][0][label]) for s in scales)
        ms = " | ".join(f"{results[s][1][label]:.0f}" for s in scales)
        print(f"| {label} | {counts} | {ms} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=list(SCALES))
    scales = tuple(parser.parse_args(argv).scales)
    print(f"date {date.today()} · {platform.node()} · Python {platform.python_version()} · SQLite")
    print(f"command: python -m bench.dashboard --scales {' '.join(map(str, scales))}\n")
    with tempfile.TemporaryDirectory() as tmp:
        results = run(scales, Path(tmp))
    report(results)
    if not constant(results):
        print("\nFAIL: a dashboard's statement count changes with the data size.")
        return 1
    print("\nOK: every dashboard sends the same number of statements at every scale.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
