"""Load on loopback: gunicorn with production settings, and locust headless against it.

Run: python -m bench.load [--users 25 --minutes 10 --workers 3]

A 1× database (bench/volume.py) is built in a temporary directory, with staff and vendor
accounts hashed with the production argon2 parameters. gunicorn serves it on a free port of
127.0.0.1 with SHARING_ENV=production and a freshly generated secret key. The one change
from production: the session and remember cookies drop their Secure flag, because this
run speaks plain HTTP on loopback and a Secure cookie would never come back (the change
is made on this app object only, never in the app's defaults). Locust runs for the given
minutes and stops by itself; gunicorn's process group is then ended. The summary gives
errors, page p95, and throughput against the static file served in the same run: the
mean time a request spent inside a worker (gunicorn's access log, %(D)s) gives how many
pages, or static files, one worker serves per second.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load test password 2026"
STAFF = (("privacy", 3), ("procurement", 2))
VENDOR_ORGS = (1, 3, 5, 7, 9)  # odd: their agreements are active
KINDS = ("page", "export", "upload", "static", "signin")
ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(D)s"  # method, path, status, microseconds in the worker


def kind_of(method: str, path: str) -> str:
    """The locustfile's request kinds, told apart by method and path in the access log."""
    if path.startswith("/static/"):
        return "static"
    if path.startswith("/auth/sign-in"):
        return "signin"
    if "/export/" in path:
        return "export"
    return "upload" if method == "POST" else "page"


def service_times(log: Path) -> dict[str, list[float]]:
    """Milliseconds each request spent in a worker (queueing before it excluded), by kind."""
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for line in log.read_text().splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3].isdigit():
            times[kind_of(parts[0], parts[1])].append(int(parts[3]) / 1000)
    return times


def loopback_app():
    """The production app, with cookies that plain HTTP on 127.0.0.1 can carry back."""
    from sharing import create_app

    app = create_app()
    app.config["SESSION_COOKIE_SECURE"] = False
    app.config["REMEMBER_COOKIE_SECURE"] = False
    return app


def build_database(workdir: Path) -> dict:
    """Fill a 1× SQLite database; return the plan locust reads (accounts and ids)."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from bench.volume import build
    from sharing import create_app
    from sharing.auth.models import Department, Role, User
    from sharing.auth.passwords import hash_password
    from sharing.extensions import db
    from sharing.flows.models import DataFlow

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "build",
            "DATABASE_URL": f"sqlite:///{workdir / 'load.db'}",
            "UPLOAD_DIR": str(workdir / "files"),
        }
    )
    with app.app_context():
        upgrade()
        build(scale=1, today=date.today())
        secret = hash_password(PASSWORD)  # production parameters: sign-in costs what it will
        department = db.session.scalar(select(Department.id).order_by(Department.id))
        staff, vendors = [], []
        for role, count in STAFF:
            for n in range(count):
                staff.append({"email": f"load-{role}-{n}@example.org", "role": role})
                db.session.add(
                    User(
                        email=staff[-1]["email"],
                        name=f"Load {role} {n}",
                        role=Role(role),
                        department_id=department,
                        password_hash=secret,
                        active=True,
                    )
                )
        for org_id in VENDOR_ORGS:
            email = f"load-vendor-{org_id}@example.org"
            db.session.add(
                User(
                    email=email,
                    name=f"Load vendor {org_id}",
                    role=Role.VENDOR,
                    organisation_id=org_id,
                    password_hash=secret,
                    active=True,
                )
            )
            flow = db.session.scalar(
                select(func.min(DataFlow.id)).where(DataFlow.organisation_id == org_id)
            )
            vendors.append({"email": email, "flow": flow})
        db.session.commit()
        ids = {"org": 5, "flow": vendors[2]["flow"], "agreement": 1}
        db.engine.dispose()
    return {"password": PASSWORD, "staff": staff, "vendors": vendors, "ids": ids}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(workdir: Path, port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "SHARING_ENV": "production",
        "SHARING_SECRET_KEY": secrets.token_hex(32),
        "SHARING_DATABASE_URL": f"sqlite:///{workdir / 'load.db'}",
        "SHARING_UPLOAD_DIR": str(workdir / "files"),
        "PYTHONPATH": str(ROOT),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "--log-level",
        "warning",
        "--access-logfile",
        str(workdir / "access.log"),
        "--access-logformat",
        ACCESS_FORMAT,
        "bench.load:loopback_app()",
    ]
    log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True
    )


def wait_until_up(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def stop(process: subprocess.Popen) -> None:
    """End gunicorn's whole process group: TERM, then KILL if it lingers."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def run_locust(workdir: Path, port: int, users: int, minutes: float) -> dict:
    env = {
        **os.environ,
        "BENCH_LOAD_PLAN": str(workdir / "plan.json"),
        "BENCH_LOAD_SUMMARY": str(workdir / "summary.json"),
    }
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--only-summary",
        "-u",
        str(users),
        "-r",
        "5",
        "-t",
        f"{int(minutes * 60)}s",
        "--stop-timeout",
        "10",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(workdir / "locust"),
    ]
    seconds = minutes * 60
    subprocess.run(command, env=env, cwd=ROOT, check=False, timeout=seconds + 120)
    summary = json.loads((workdir / "summary.json").read_text())
    summary["_seconds"] = seconds
    return summary


def report(summary: dict, served: dict, *, users: int, minutes: float, workers: int) -> bool:
    """Print the Markdown table; return True when no request failed."""
    seconds = summary.pop("_seconds")
    print(f"date {date.today()} · {platform.node()} · Python {platform.python_version()}")
    print(
        f"command: python -m bench.load --users {users} --minutes {minutes:g} --workers {workers}\n"
    )
    print(
        "| requests | count | errors | median ms | p95 ms | max ms | per second "
        "| mean ms in a worker |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for kind in KINDS:
        row, worker = summary.get(kind), served.get(kind)
        if row:
            in_worker = f"{statistics.fmean(worker):.0f}" if worker else "–"
            print(
                f"| {kind} | {row['requests']} | {row['failures']} | {row['median_ms']:.0f} "
                f"| {row['p95_ms']:.0f} | {row['max_ms']:.0f} | {row['requests'] / seconds:.2f} "
                f"| {in_worker} |"
            )
    errors = sum(row["failures"] for row in summary.values())
    print(f"\nerrors: {errors} (goal 0)")
    if "page" in summary:
        print(f"page p95 (as locust saw it, queueing included): {summary['page']['p95_ms']:.0f} ms")
    if served.get("page") and served.get("static"):
        page, static = statistics.fmean(served["page"]), statistics.fmean(served["static"])
        print(
            f"throughput, pages against the static file: {static / page:.3f}× "
            f"(a worker serves 1000/{page:.1f} = {1000 / page:.0f} pages/s "
            f"or 1000/{static:.1f} = {1000 / static:.0f} static files/s)"
        )
    return errors == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=25)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--workers", type=int, default=3, choices=(2, 3, 4))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        plan = build_database(workdir)
        (workdir / "plan.json").write_text(json.dumps(plan))
        port = free_port()
        server = start_gunicorn(workdir, port, args.workers)
        try:
            wait_until_up(port)
            summary = run_locust(workdir, port, args.users, args.minutes)
        finally:
            stop(server)
            log = (workdir / "gunicorn.log").read_text()
        served = service_times(workdir / "access.log")
        if log.strip():
            print("gunicorn log (warnings and errors):\n" + log[-3000:] + "\n")
    ok = report(summary, served, users=args.users, minutes=args.minutes, workers=args.workers)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
