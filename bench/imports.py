"""Import benchmarks: a 10k-row XLSX end to end against pandas.read_excel, and 50k-row peak memory.

Run: python -m bench.imports   (prints Markdown to paste into docs/PERFORMANCE.md)

- "end to end" is what a user waits for: the upload check, reading, checking every row
  (the preview), then confirming (planning again and writing every row with its audit event)
  into a freshly migrated SQLite database.
- The baseline is pandas.read_excel on the same file with the same options (every sheet,
  every cell as text), which the import itself calls.
- Peak memory is the maximum resident set size of a child process that runs one 50k-row
  import end to end (resource.getrusage(RUSAGE_CHILDREN).ru_maxrss).
"""

from __future__ import annotations

import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from openpyxl import Workbook

ORG_HEADERS = ["Legal name", "Kind", "EIN", "DUNS", "City", "Postal code", "Status", "Website"]
FLOW_HEADERS = [
    "Organisation",
    "Department",
    "System name",
    "Description",
    "Purposes",
    "Legal authority",
    "Data subjects",
    "Estimated records",
    "Frequency",
    "Transfer method",
    "Storage country",
    "Retention (days)",
    "Subprocessors",
    "Data categories",
    "Category justifications",
]
CATEGORIES = ("Full name", "Email address", "Home address", "Phone number")


def build_workbook(path: Path, rows: int) -> None:
    """One row in ten is an organisation; the rest are flows spread across them."""
    orgs = max(1, rows // 10)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Organisations")
    sheet.append(ORG_HEADERS)
    for n in range(1, orgs + 1):
        sheet.append(
            [
                f"Bench Vendor {n:06d} LLC",
                "Vendor",
                f"{10 + n % 89:02d}-{n:07d}",
                f"{n:09d}",
                "San José",
                f"{n % 99999:05d}",
                "Active",
                f"https://vendor{n}.example",
            ]
        )
    sheet = workbook.create_sheet("Flows")
    sheet.append(FLOW_HEADERS)
    for n in range(1, rows - orgs + 1):
        chosen = CATEGORIES[: 1 + n % len(CATEGORIES)]
        sheet.append(
            [
                f"Bench Vendor {1 + n % orgs:06d} LLC",
                "DOT",
                f"System {n}",
                "Readings from street sensors, sent nightly.",
                "Plan street maintenance",
                "Municipal Code 11.20",
                "Residents who report problems",
                1000 + n,
                "Daily",
                "API",
                "US",
                365,
                "CloudCo (hosting, US)",
                "; ".join(chosen),
                "; ".join(f"{c}: to reply to the resident" for c in chosen),
            ]
        )
    workbook.save(path)


def _app(workdir: Path):
    from flask_migrate import upgrade

    from sharing import create_app
    from sharing.auth.models import Department, Role, User
    from sharing.extensions import db
    from sharing.flows.vocabulary import ensure_vocabulary

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
            "UPLOAD_DIR": str(workdir / "files"),
            "IMPORT_MAX_BYTES": 100 * 1024 * 1024,
            "IMPORT_BACKGROUND": False,  # time the work itself, start to finish
        }
    )
    with app.app_context():
        upgrade()
        ensure_vocabulary(db.session)
        db.session.add(Department(name="Transportation", code="DOT"))
        db.session.add(User(email="bench@example.org", name="Bench", role=Role.PROCUREMENT))
        db.session.commit()
    return app


def import_once(workdir: Path, workbook: Path) -> dict:
    """Upload, preview and confirm the workbook; the timings of each step."""
    from sqlalchemy import func, select

    from sharing.auth.models import User
    from sharing.core.clock import now
    from sharing.extensions import db
    from sharing.flows.models import DataFlow
    from sharing.reports import importing

    app = _app(workdir)
    with app.app_context():
        user = db.session.scalar(select(User))
        started = time.perf_counter()
        with workbook.open("rb") as handle:
            job = importing.upload_import(
                actor=user, stream=handle, filename=workbook.name, now=now()
            )
        previewed = time.perf_counter()
        assert job.error_count == 0, job.file_errors
        job = importing.confirm_import(actor=user, job=job, now=now())
        finished = time.perf_counter()
        assert job.status.value == "committed", job.message
        flows = db.session.scalar(select(func.count()).select_from(DataFlow))
        db.engine.dispose()
    return {
        "preview": previewed - started,
        "commit": finished - previewed,
        "total": finished - started,
        "flows": flows,
    }


def read_excel_seconds(workbook: Path) -> float:
    import pandas as pd

    started = time.perf_counter()
    pd.read_excel(
        workbook,
        sheet_name=None,
        header=None,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        engine="openpyxl",
    )
    return time.perf_counter() - started


def _child(rows: int) -> None:
    """Runs in a subprocess: one import of `rows` rows, so its peak RSS is measured alone."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        workbook = workdir / "bench.xlsx"
        build_workbook(workbook, rows)
        result = import_once(workdir, workbook)
        print(f"{result['total']:.1f} {result['flows']}")


def peak_memory(rows: int) -> tuple[float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run(
        [sys.executable, "-m", "bench.imports", "--child", str(rows)],
        check=True,
        capture_output=True,
        text=True,
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(peak, before) / 1024, done.stdout.strip()  # ru_maxrss is in KiB on Linux


def main() -> None:
    print(
        f"date {date.today()} · {platform.node()} · {platform.machine()}"
        f" · Python {platform.python_version()}"
    )
    print("command: python -m bench.imports\n")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        workbook = workdir / "bench.xlsx"
        build_workbook(workbook, 10_000)
        size = workbook.stat().st_size
        baseline = min(read_excel_seconds(workbook) for _ in range(2))
        result = import_once(workdir, workbook)
    ratio = result["total"] / baseline
    print("| 10,000-row XLSX | seconds |")
    print("|---|---|")
    print(f"| file size | {size / 1024:.0f} KiB |")
    print(f"| pandas.read_excel (best of 2) | {baseline:.2f} |")
    print(f"| import: upload check, read, preview | {result['preview']:.2f} |")
    print(f"| import: confirm (plan again, write, audit) | {result['commit']:.2f} |")
    print(f"| import end to end | {result['total']:.2f} |")
    print(f"| ratio to read_excel | {ratio:.2f}× (goal ≤ 3×) |")
    megabytes, output = peak_memory(50_000)
    seconds, flows = output.split()
    print(
        f"\n50,000-row import end to end in a child process: {seconds} s, {flows} flows written, "
        f"peak RSS {megabytes:.0f} MB (goal ≤ 300 MB)"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(int(sys.argv[2]))
    else:
        main()
