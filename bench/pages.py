"""SQL statements and server time per page at 1× and 100× data.

Run: python -m bench.pages [--scales 1 100] [--repeats 5]
(prints a Markdown table for docs/PERFORMANCE.md; exits 1 when a page misses a goal)

Each scale gets a fresh migrated SQLite database in a temporary directory, filled by
bench/volume.py (1× = 50 organisations, 100× = 5,000 and the rest in proportion). Staff,
vendor and anonymous clients sign in through the Flask test client. Each page is fetched
once to warm up, once more while a `before_cursor_execute` listener counts its statements,
then `repeats` times for the median server time. Detail pages show the same organisation's
rows at both sizes, so only the tables around them grow. Exports are listed apart: they
(and the accountability report, which builds the whole year's sheets) read every row
by design: they are fetched once, without a warm-up, and have no goal.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from bench import dashboard

SCALES = (1, 100)
REPEATS = 21
# The privacy office's home page reads one statement per kind of waiting work (flows,
# algorithm records, attestations, fact sheets, incidents, concerns, signatures, ...), so
# it is the page closest to this ceiling; what must never change is that the count stays
# the same whatever the number of rows.
MAX_STATEMENTS = 20
MAX_RATIO = 1.5
PASSWORD = "bench password 2026"
VENDOR_ORG = 5  # odd (its agreements are active) and a multiple of 5 (it has an incident)


@dataclass(frozen=True)
class Page:
    label: str
    who: str  # admin, privacy, procurement, vendor or anonymous
    path: str  # may name {org}, {flow}, {agreement}, {request}, {disclosure}, {incident}, {public}
    export: bool = False  # reads every row in scope by design: no goal, figures shown


PAGES = (
    Page("Privacy office dashboard", "privacy", "/"),
    Page("Procurement dashboard", "procurement", "/"),
    Page("Chart: attestation completion", "privacy", "/charts/attestations.svg"),
    Page("Organisations", "admin", "/vendors/"),
    Page("Organisation", "admin", "/vendors/{org}"),
    Page("Data flows", "admin", "/flows/"),
    Page("Data flow", "admin", "/flows/{flow}"),
    Page("Data categories", "admin", "/flows/categories"),
    Page("Agreements", "admin", "/agreements/"),
    Page("Agreement", "admin", "/agreements/{agreement}"),
    Page("Bulk renewals", "admin", "/agreements/renewals"),
    Page("Attestation requests", "admin", "/attestations/"),
    Page("Attestation request", "admin", "/attestations/{request}"),
    Page("Evidence", "admin", "/attestations/evidence"),
    Page("Disclosure log", "admin", "/disclosures/log"),
    Page("Disclosure", "admin", "/disclosures/log/{disclosure}"),
    Page("Accounting of disclosures", "admin", "/disclosures/accounting"),
    Page("Accounting: by flow", "admin", "/disclosures/accounting?view=flow"),
    Page("Accounting: by category", "admin", "/disclosures/accounting?view=category"),
    Page("Accounting: entries", "admin", "/disclosures/accounting?view=entries"),
    Page("Incidents", "admin", "/disclosures/incidents"),
    Page("Incident", "admin", "/disclosures/incidents/{incident}"),
    Page("Reminders", "admin", "/renewals/reminders"),
    Page("Renewals calendar", "admin", "/renewals/calendar"),
    Page("Audit trail", "admin", "/audit/"),
    Page("Users", "admin", "/auth/users"),
    Page("Import jobs", "admin", "/reports/imports"),
    Page("Mail outbox", "admin", "/mail/outbox"),
    Page("Portal home", "vendor", "/portal/"),
    Page("Portal agreement", "vendor", "/portal/agreements/{agreement}"),
    Page("Portal flow", "vendor", "/portal/flows/{flow}"),
    Page("Portal incident", "vendor", "/portal/incidents/{incident}"),
    Page("Portal attestation requests", "vendor", "/attestations/"),
    Page("Portal attestation request", "vendor", "/attestations/{request}"),
    Page("Portal evidence", "vendor", "/attestations/evidence"),
    Page("Public register", "anonymous", "/register/"),
    Page("Public register, searched", "anonymous", "/register/?q=system"),
    Page("Public arrangement", "anonymous", "/register/{public}"),
    Page("Public register changes", "anonymous", "/register/changes"),
    Page("Accountability report (the whole year)", "admin", "/reports/accountability", True),
    Page("Export: organisations (CSV)", "admin", "/reports/export/organisations.csv", True),
    Page("Export: flows (XLSX)", "admin", "/reports/export/flows.xlsx", True),
    Page("Export: audit trail (CSV)", "admin", "/audit/export.csv", True),
    Page("Export: accounting (CSV)", "admin", "/disclosures/accounting.csv", True),
    Page("Feed: register (JSON)", "anonymous", "/register/register.json", True),
    Page("Feed: register changes (CSV)", "anonymous", "/register/changes.csv", True),
)


@dataclass
class Result:
    statements: int
    ms: float
    status: int


def make_app(url: str, workdir: Path):
    """The app over `url`, as the dashboard bench builds it (CSRF off, a cheap hash)."""
    return dashboard.bench_app(url, workdir)


def add_users(vendor_org: int) -> None:
    """One signed-in user per role; the vendor belongs to `vendor_org`."""
    from sharing.auth.models import Department, Role, User
    from sharing.auth.passwords import hash_password
    from sharing.extensions import db

    department = db.session.scalar(select(Department.id).order_by(Department.id))
    extra = {
        Role.PROCUREMENT: {"department_id": department},
        Role.VENDOR: {"organisation_id": vendor_org},
    }
    secret = hash_password(PASSWORD)
    for role in (Role.ADMIN, Role.PRIVACY, Role.PROCUREMENT, Role.VENDOR):
        db.session.add(
            User(
                email=f"bench-{role.value}@example.org",
                name=f"Bench {role.value.title()}",
                role=role,
                password_hash=secret,
                active=True,
                **extra.get(role, {}),
            )
        )
    db.session.commit()


def object_ids(org_id: int) -> dict[str, int]:
    """The ids the detail pages show: the first of each kind that belongs to `org_id`."""
    from sharing.agreements.models import Agreement
    from sharing.attestations.models import AttestationRequest, AttestationStatus
    from sharing.disclosures.models import Disclosure, Incident
    from sharing.extensions import db
    from sharing.flows.models import DataFlow
    from sharing.register.queries import public_clause

    def first(model, *where):
        return db.session.scalar(select(db.func.min(model.id)).where(*where))

    return {
        "org": org_id,
        "flow": first(DataFlow, DataFlow.organisation_id == org_id),
        "agreement": first(Agreement, Agreement.organisation_id == org_id),
        "request": first(
            AttestationRequest,
            AttestationRequest.organisation_id == org_id,
            AttestationRequest.status == AttestationStatus.SUBMITTED,
        ),
        "disclosure": first(Disclosure, Disclosure.organisation_id == org_id),
        "incident": first(Incident, Incident.organisation_id == org_id),
        "public": first(DataFlow, public_clause()),
    }


def signed_in_clients(app) -> dict:
    clients = {"anonymous": app.test_client()}
    for role in ("admin", "privacy", "procurement", "vendor"):
        client = app.test_client()
        response = client.post(
            "/auth/sign-in", data={"email": f"bench-{role}@example.org", "password": PASSWORD}
        )
        assert response.status_code == 302, (role, response.status_code)
        clients[role] = client
    return clients


def _timed_get(client, path: str) -> tuple[float, Any]:
    """One request, timed as timeit does: garbage collected before, collector off during.

    A full collection walks every object the process holds (this one holds the data
    builder's leftovers as well as the app) and lands on whichever request happens to
    trigger it, which made the medians jump between runs by more than the data changed."""
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        response = client.get(path)
        response.get_data()  # a streamed export runs its queries while the body is read
        return (time.perf_counter() - started) * 1000, response
    finally:
        gc.enable()


@dataclass
class Site:
    """One size's database, served by its own app, with signed-in clients, ready to measure."""

    scale: int
    app: Any
    clients: dict
    ids: dict[str, int]
    counter: dict
    counts: dict


def open_site(scale: int, workdir: Path) -> Site:
    """A fresh migrated database at `scale`, filled by bench/volume.py, and its app."""
    from flask_migrate import upgrade

    from bench.volume import build
    from sharing.extensions import db

    app = make_app(f"sqlite:///{workdir / f'pages-{scale}.db'}", workdir)
    with app.app_context():
        upgrade()
        counts = build(scale=scale, today=date.today())
        add_users(VENDOR_ORG)
        ids = object_ids(VENDOR_ORG)
        counter = {"n": 0}

        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(*_args, **_kwargs):
            counter["n"] += 1

    return Site(scale, app, signed_in_clients(app), ids, counter, counts)


def close_site(site: Site) -> None:
    from sharing.extensions import db

    with site.app.app_context():
        db.session.remove()
        db.engine.dispose()


def measure_sites(sites: list[Site], repeats: int, pages=PAGES) -> dict[int, dict[str, Result]]:
    """Per size, per page label, a Result. The sizes are measured interleaved: for each page,
    a warm-up and a counted request at every size, then `repeats` rounds of one timed request
    per size (the order of the sizes alternating by round). A change in the machine's speed
    while the pages are measured (another tenant of the VM, say) then falls on every size
    alike instead of on whichever size happened to be measured then. Exports, slow by
    design, get one request per size, without a warm-up."""
    results: dict[int, dict[str, Result]] = {site.scale: {} for site in sites}
    for page in pages:
        runs: dict[int, list[float]] = {}
        for site in sites:
            client, path = site.clients[page.who], page.path.format(**site.ids)
            if not page.export:
                client.get(path).get_data()  # warm-up: caches, first-use imports, look-ups
            site.counter["n"] = 0
            first, response = _timed_get(client, path)
            runs[site.scale] = [first] if page.export else []
            results[site.scale][page.label] = Result(site.counter["n"], 0.0, response.status_code)
        for round_ in range(0 if page.export else repeats):
            for site in sites if round_ % 2 == 0 else reversed(sites):
                path = page.path.format(**site.ids)
                runs[site.scale].append(_timed_get(site.clients[page.who], path)[0])
        for site in sites:
            counted = results[site.scale][page.label]
            median = statistics.median(runs[site.scale])
            results[site.scale][page.label] = Result(counted.statements, median, counted.status)
    return results


def measure(scale: int, workdir: Path, repeats: int, pages=PAGES) -> tuple[dict, dict]:
    """Per page label, a Result at `scale` alone; and the rows written."""
    site = open_site(scale, workdir)
    try:
        return measure_sites([site], repeats, pages)[scale], site.counts
    finally:
        close_site(site)


def verdicts(page: Page, low: Result, high: Result) -> tuple[bool, bool]:
    """(statements goal met, time goal met); exports stream every row, so have neither."""
    statements_ok = page.export or (
        low.statements == high.statements and high.statements <= MAX_STATEMENTS
    )
    time_ok = page.export or high.ms <= MAX_RATIO * max(low.ms, 0.001)
    return statements_ok, time_ok


def report(results: dict[int, tuple], pages=PAGES) -> bool:
    """Print the Markdown tables; return True when every page meets its goals."""
    low_scale, high_scale = min(results), max(results)
    for scale, (_, counts) in sorted(results.items()):
        print(f"{scale}×: " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items()))
    all_ok = True
    groups = (("Pages", False), ("Exports, feeds and the yearly report (grow with the data)", True))
    for title, exports in groups:
        if not any(p.export == exports for p in pages):
            continue
        print(f"\n{title}\n")
        print(
            f"| page | who | statements {low_scale}× | statements {high_scale}× | goal "
            f"| ms {low_scale}× | ms {high_scale}× | ratio | goal |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for page in (p for p in pages if p.export == exports):
            low, high = results[low_scale][0][page.label], results[high_scale][0][page.label]
            ok_statements, ok_time = verdicts(page, low, high)
            good = low.status == high.status == 200
            all_ok = all_ok and ok_statements and ok_time and good
            ratio = high.ms / max(low.ms, 0.001)
            status = "" if good else f" (HTTP {low.status}/{high.status})"
            goal_s = "n/a" if page.export else ("ok" if ok_statements else "MISS")
            goal_t = "n/a" if page.export else ("ok" if ok_time else "MISS")
            print(
                f"| {page.label}{status} | {page.who} | {low.statements} | {high.statements} "
                f"| {goal_s} | {low.ms:.1f} | {high.ms:.1f} | {ratio:.2f}× | {goal_t} |"
            )
    return all_ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs=2, default=list(SCALES))
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--only", default="", help="only pages whose label contains this")
    parser.add_argument("--no-exports", action="store_true", help="leave out the exports")
    args = parser.parse_args(argv)
    pages = tuple(
        p
        for p in PAGES
        if args.only.lower() in p.label.lower() and not (args.no_exports and p.export)
    )
    print(f"date {date.today()} · {platform.node()} · Python {platform.python_version()} · SQLite")
    only = (f" --only {args.only!r}" if args.only else "") + (
        " --no-exports" if args.no_exports else ""
    )
    print(f"command: python -m bench.pages --scales {args.scales[0]} {args.scales[1]}{only}")
    print(
        f"method: statements of one request after a warm-up; median ms of {args.repeats}, "
        "the sizes interleaved, garbage collected between requests\n"
    )
    with tempfile.TemporaryDirectory() as tmp:
        sites = [open_site(scale, Path(tmp)) for scale in args.scales]
        try:
            measured = measure_sites(sites, args.repeats, pages)
        finally:
            for site in sites:
                close_site(site)
        results = {site.scale: (measured[site.scale], site.counts) for site in sites}
    if report(results, pages):
        print(f"\nOK: every page meets both goals (≤ {MAX_STATEMENTS} statements, ratio ≤ 1.5×).")
        return 0
    print("\nMISS: at least one page misses a goal (see the table).")
    return 1


if __name__ == "__main__":
    sys.exit(main())
