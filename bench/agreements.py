"""Agreement benchmarks: generation end to end against raw docxtpl, and the bulk renewal zip.

Run: python -m bench.agreements   (prints Markdown to paste into docs/PERFORMANCE.md)
(`python -m bench agreements pdfs` runs this and the PDF conversions, bench/pdfs.py.)

- Generation: an organisation with 1, 50 and 1,000 approved flows (2-3 categories, a
  subprocessor or two, a department each) and a draft over all of them with the shipped vendor
  DPA template. "End to end" is `generation.generate_agreement` on a fresh session: the plan,
  the context from the database, the sandboxed render, the deterministic zip, storing the file,
  the audit event and the commit. "Raw" renders the same template bytes with the same context
  (built once, outside the timing) through docxtpl's defaults: `DocxTemplate(...).render(
  context, autoescape=True)` then `save`. One warm-up, then the median of 7 runs (5 at 1,000
  rows), the end-to-end and raw runs interleaved so that a busy machine slows both alike,
  each after a `gc.collect()` so that no run pays for the garbage of the one before. The
  SQL statements of one generation are counted with an engine listener. The whole
  measurement runs RUNS (3) times, each on a fresh database, and every run's ratios are
  printed: the goal is met only when it holds in all of them.
- Bulk renewal zip: N agreements (20, 100) in force expiring inside a window, each over 1-3
  approved flows; `bulk.renewal_zip` over `bulk.plan_renewals(...)` consumed fully into a file.
  Each size runs in a fresh child process (`--bulk-child N workdir`); its peak memory is
  `resource.getrusage(RUSAGE_CHILDREN).ru_maxrss` once it has exited.
"""

from __future__ import annotations

import cProfile
import gc
import io
import json
import os
import platform
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import event, insert, select

SIZES = ((1, 7), (50, 7), (1000, 5))  # exhibit rows, repetitions
RUNS = 3  # the generation benchmark runs this often, each on a fresh database
BULK_SIZES = (20, 100, 200)
GOAL = 1.3
TODAY = date(2026, 6, 1)
WINDOW = (TODAY, TODAY + timedelta(days=90))
TEMPLATE_LIMITS = {"render_seconds": 60, "render_memory_mb": 1024}
BULK_TIMEOUT = 1800  # seconds for one bulk child, a generous ceiling
SYSTEMS = (
    "Parking permits",
    "Library accounts",
    "311 requests",
    "Transit passes",
    "Utility billing",
)
PURPOSES = (
    "Issue & renew residential parking permits",
    "Lend books and notify borrowers of holds",
    "Route service requests to the responsible crew",
    "Sell and reload fare cards",
    "Bill and collect water and sewer charges",
)
SUBPROCESSORS = (
    {"name": "CloudCo", "service": "hosting", "country": "US"},
    {"name": "Ocampo's Mail & Print", "service": "printing", "country": "US"},
    {"name": "Trần Logistics", "service": "courier", "country": "CA"},
    {"name": "Sendwell", "service": "email delivery", "country": "IE"},
)


# -- data ------------------------------------------------------------------------------------


def _app(workdir: Path):
    """A fresh migrated SQLite database with the vocabulary, five departments, a procurement
    user, the policy library and the shipped agreement templates."""
    from flask_migrate import upgrade

    from sharing import create_app
    from sharing.agreements.template_library import install_shipped_templates
    from sharing.auth.models import Department, Role, User
    from sharing.core.clock import now
    from sharing.extensions import db
    from sharing.flows.vocabulary import ensure_vocabulary
    from sharing.obligations.services import load_library

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
            "UPLOAD_DIR": str(workdir / "files"),
        }
    )
    with app.app_context():
        upgrade()
        ensure_vocabulary(db.session)
        for code, name in (
            ("DOT", "Department of Transportation"),
            ("LIB", "Public Library"),
            ("ESD", "Environmental Services"),
            ("PRNS", "Parks, Recreation & Neighborhood Services"),
            ("IT", "Information Technology"),
        ):
            db.session.add(Department(name=name, code=code, active=True))
        user = User(email="bench@example.org", name="Bench", role=Role.PROCUREMENT, active=True)
        db.session.add(user)
        db.session.commit()
        load_library(actor=user, now=now())
        install_shipped_templates(actor=user, **TEMPLATE_LIMITS)
    return app


def add_organisation(name: str, *, flows: int, seed: int) -> tuple[int, list[int]]:
    """An organisation with a signatory and `flows` approved flows, bulk inserted; returns
    the organisation's id and its flows' ids (lineage = id, revision 1)."""
    from sharing.auth.models import Department
    from sharing.extensions import db
    from sharing.flows.models import DataCategory, DataFlow, FlowCategory, FlowStatus, RiskTier
    from sharing.vendors.models import Contact, ContactRole, Organisation, OrganisationKind

    rng = random.Random(seed)
    organisation = Organisation(
        kind=OrganisationKind.VENDOR,
        legal_name=name,
        common_name=name.split()[0],
        address_line1="1 O'Farrell Street",
        city="San Francisco",
        region="CA",
        postal_code="94108",
        country="US",
    )
    db.session.add(organisation)
    db.session.flush()
    db.session.add(
        Contact(
            organisation_id=organisation.id,
            name="José Ángel Muñoz",
            title="Director of Operations",
            email=f"signatory{organisation.id}@example.org",
            role=ContactRole.SIGNATORY,
        )
    )
    categories = list(db.session.scalars(select(DataCategory.id)))
    # Plate and biometric data kept past LPR-1's 30 days would be a conflict that stops
    # generation, so flows sharing such a category keep it 30 days, as the policy asks.
    surveillance = set(
        db.session.scalars(
            select(DataCategory.id).where(DataCategory.is_licence_plate | DataCategory.is_biometric)
        )
    )
    # Criminal-justice data must stay in the United States (CJI-2), subprocessors included.
    justice = set(
        db.session.scalars(select(DataCategory.id).where(DataCategory.is_criminal_justice))
    )
    at_home = [sub for sub in SUBPROCESSORS if sub["country"] == "US"]
    departments = list(db.session.scalars(select(Department.id)))
    start = (db.session.scalar(select(db.func.max(DataFlow.id))) or 0) + 1
    rows, links = [], []
    for index in range(flows):
        flow_id = start + index
        kind = index % len(SYSTEMS)
        shared = rng.sample(categories, rng.randint(2, 3))
        retention = rng.choice((365, 730, 1825))
        rows.append(
            {
                "id": flow_id,
                "lineage_id": flow_id,
                "revision": 1,
                "organisation_id": organisation.id,
                "department_id": rng.choice(departments),
                "system_name": f"{SYSTEMS[kind]} {flow_id:05d}",
                "description": "Records sent nightly over SFTP and kept in the vendor's system.",
                "purposes": PURPOSES[kind],
                "legal_authority": "Municipal Code 11.20",
                "data_subjects": "Residents who apply for the service",
                "estimated_records": rng.randint(1_000, 500_000),
                "storage_location": "AWS us-west-2",
                "storage_country": "US",
                "retention_days": 30 if surveillance.intersection(shared) else retention,
                "disposal_method": "secure deletion",
                "subprocessors": rng.sample(
                    at_home if justice.intersection(shared) else SUBPROCESSORS, rng.randint(1, 2)
                ),
                "status": FlowStatus.APPROVED,
                "risk_tier": rng.choice(list(RiskTier)),
                "risk_factors": [],
                "version": 1,
            }
        )
        links.extend(
            {"flow_id": flow_id, "category_id": category, "justification": "To provide it"}
            for category in shared
        )
    for begin in range(0, len(rows), 1000):
        db.session.execute(insert(DataFlow), rows[begin : begin + 1000])
    for begin in range(0, len(links), 1000):
        db.session.execute(insert(FlowCategory), links[begin : begin + 1000])
    db.session.commit()
    return organisation.id, [row["id"] for row in rows]


def draft_over(organisation_id: int, flow_ids: list[int], *, title: str) -> int:
    """A vendor DPA draft over the given flows, through the service; returns its id."""
    from sharing.agreements import drafting, template_library
    from sharing.agreements.models import TemplateKind
    from sharing.auth.models import User
    from sharing.extensions import db
    from sharing.flows.models import DataFlow
    from sharing.vendors.models import Organisation

    actor = db.session.scalar(select(User))
    flows = list(db.session.scalars(select(DataFlow).where(DataFlow.id.in_(flow_ids))))
    agreement = drafting.draft_agreement(
        actor=actor,
        organisation=db.session.get(Organisation, organisation_id),
        flows=flows,
        template=template_library.active_templates(TemplateKind.VENDOR_DPA)[0],
        terms=drafting.Terms(
            title=title, effective_date=TODAY, department_id=flows[0].department_id
        ),
        today=TODAY,
    )
    return agreement.id


# -- generation against raw docxtpl -----------------------------------------------------------


class StatementCounter:
    """Counts the SQL statements the engine sends while `on`."""

    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args, **_kwargs) -> None:
        self.count += 1


STEPS = (
    # (module, attribute, label); rendering's steps nest inside render_docx
    ("sharing.agreements.generation", "_check_flows_in_force", "check the flows are in force"),
    ("sharing.agreements.generation", "covered_flows", "read flows, categories, departments"),
    ("sharing.agreements.generation", "plan_agreement", "plan: rules and clause text"),
    ("sharing.agreements.generation", "build_context", "context from the rows"),
    ("sharing.agreements.template_library", "read_version", "read the template file"),
    ("sharing.agreements.rendering", "render_docx", "render_docx, of which:"),
    ("sharing.agreements.rendering", "plain_context", "· plain_context copy"),
    ("sharing.agreements.rendering", "deterministic_zip", "· deterministic_zip"),
    ("sharing.agreements.files", "store", "store the file"),
)
NESTED = {"plain_context", "deterministic_zip"}


class StepTimer:
    """Wraps the generation's steps (module attributes, looked up at call time) to add up the
    seconds each takes in one run; far cheaper than a profiler, so the totals stay true."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._saved: list[tuple[object, str, object]] = []

    def __enter__(self) -> StepTimer:
        import importlib

        for module_name, attribute, _ in STEPS:
            module = importlib.import_module(module_name)
            original = getattr(module, attribute)
            self._saved.append((module, attribute, original))
            setattr(module, attribute, self._wrap(attribute, original))
        return self

    def __exit__(self, *_exc) -> None:
        for module, attribute, original in reversed(self._saved):
            setattr(module, attribute, original)

    def _wrap(self, name, function):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                self.seconds[name] = self.seconds.get(name, 0.0) + elapsed

        return timed


def generate_once(agreement_id: int, steps: dict[str, float] | None = None) -> float:
    """One regeneration as a request makes it: a fresh session, the agreement loaded by id.
    With `steps`, the seconds of each step are added to it."""
    from sharing.agreements import generation
    from sharing.agreements.models import Agreement
    from sharing.auth.models import User
    from sharing.extensions import db

    db.session.remove()
    actor = db.session.scalar(select(User))
    timer = StepTimer()
    with timer if steps is not None else _nothing():
        started = time.perf_counter()
        agreement = db.session.get(Agreement, agreement_id)
        generation.generate_agreement(
            actor=actor, agreement=agreement, today=TODAY, expected_version=None
        )
        total = time.perf_counter() - started
    if steps is not None:
        steps.update(timer.seconds)
    return total


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_exc) -> None:
        return None


def raw_inputs(agreement_id: int) -> tuple[bytes, dict]:
    """The agreement's template bytes and its complete context, as generation builds them."""
    from sharing.agreements import plans, template_library
    from sharing.agreements.models import Agreement
    from sharing.extensions import db

    agreement = db.session.get(Agreement, agreement_id)
    data = template_library.read_version(agreement.template_version)
    return data, plans.build_context(agreement, generated_on=TODAY)


def raw_once(template: bytes, context: dict) -> float:
    from docxtpl import DocxTemplate

    started = time.perf_counter()
    document = DocxTemplate(io.BytesIO(template))
    document.render(context, autoescape=True)
    document.save(io.BytesIO())
    return time.perf_counter() - started


def render_docx_once(template: bytes, context: dict) -> float:
    from sharing.agreements import rendering

    started = time.perf_counter()
    rendering.render_docx(template, context)
    return time.perf_counter() - started


def measure_generation(agreement_id: int, repeats: int, counter: StatementCounter) -> dict:
    """Medians of end-to-end and raw renders after one warm-up each; the median seconds of
    each step; the SQL statements of one generation."""
    from sharing.agreements.models import Agreement
    from sharing.extensions import db

    generate_once(agreement_id)  # warm-up
    counter.count = 0
    generate_once(agreement_id)
    statements = counter.count
    template, context = raw_inputs(agreement_id)
    raw_once(template, context)  # warm-up
    runs, steps, raws, renders = [], [], [], []
    for _ in range(repeats):  # interleaved, so that a busy machine slows all three alike
        seconds: dict[str, float] = {}
        gc.collect()  # each run starts clean, not paying for the garbage of the one before
        runs.append(generate_once(agreement_id, seconds))
        steps.append(seconds)
        gc.collect()
        raws.append(raw_once(template, context))
        gc.collect()
        renders.append(render_docx_once(template, context))
    raw, render = statistics.median(raws), statistics.median(renders)
    agreement = db.session.get(Agreement, agreement_id)
    end_to_end = statistics.median(runs)
    return {
        "rows": len(context["flows"]),
        "clauses": len(context["clauses"]),
        "end_to_end": end_to_end,
        "raw": raw,
        "render_docx": render,
        "ratio": end_to_end / raw,
        "statements": statements,
        "steps": {name: statistics.median(s.get(name, 0.0) for s in steps) for _, name, _ in STEPS},
        "status": agreement.status.value,
        "size": len(_generated_bytes(agreement)),
    }


def _generated_bytes(agreement) -> bytes:
    from sharing.agreements import files

    return files.read(agreement.generated_file)


def profile_generation(agreement_id: int, top: int = 8) -> list[tuple[str, float, float]]:
    """The functions with the most own time in one generation under cProfile:
    (where, own seconds, cumulative seconds). cProfile slows the run, so these are shares."""
    profiler = cProfile.Profile()
    profiler.enable()
    generate_once(agreement_id)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # (file, line, name) -> (cc, nc, tt, ct, callers)
    rows = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    return [
        (f"{_short(path)}:{function}", entry[2], entry[3]) for (path, _, function), entry in rows
    ]


def _short(path: str) -> str:
    parts = Path(path).parts
    for anchor in ("sharing", "docxtpl", "jinja2", "sqlalchemy", "lxml", "docx"):
        if anchor in parts:
            return "/".join(parts[parts.index(anchor) :])
    return parts[-1] if parts else path


def generation_bench(workdir: Path) -> tuple[list[dict], dict[int, list]]:
    """Each size's figures, and a cProfile summary for each size over the goal."""
    from sharing.extensions import db

    app = _app(workdir)
    results, profiles = [], {}
    with app.app_context():
        counter = StatementCounter(db.engine)
        for rows, repeats in SIZES:
            organisation, flows = add_organisation(
                f"Peña & Hijos {rows} LLC", flows=rows, seed=rows
            )
            agreement = draft_over(organisation, flows, title=f"Data protection, {rows} flows")
            result = measure_generation(agreement, repeats, counter)
            results.append(result)
            if result["ratio"] > GOAL:
                profiles[rows] = profile_generation(agreement)
        db.session.remove()
        db.engine.dispose()
    return results, profiles


# -- the bulk renewal zip --------------------------------------------------------------------


def add_expiring_agreements(count: int, *, seed: int = 2026) -> None:
    """`count` active agreements, two per organisation, each over 1-3 of its approved flows,
    expiring inside WINDOW; bulk inserted."""
    from sharing.agreements.models import Agreement, AgreementStatus, agreement_flows
    from sharing.auth.models import Department
    from sharing.extensions import db
    from sharing.obligations.services import latest_published

    rng = random.Random(seed)
    policy = latest_published()
    department = db.session.scalar(select(Department.id).order_by(Department.id))
    rows, links = [], []
    for pair in range((count + 1) // 2):
        organisation, flows = add_organisation(
            f"Harbor Transit {pair + 1:03d} LLC", flows=4, seed=seed + pair
        )
        for within in range(min(2, count - 2 * pair)):
            number = 2 * pair + within + 1
            expiry = WINDOW[0] + timedelta(days=rng.randint(0, (WINDOW[1] - WINDOW[0]).days))
            rows.append(
                {
                    "number": f"DSA-2023-{number:04d}",
                    "title": f"Data protection agreement {number}",
                    "organisation_id": organisation,
                    "department_id": department,
                    "policy_version_id": policy.id,
                    "parameters": {},
                    "obligation_codes": [],
                    "status": AgreementStatus.ACTIVE,
                    "effective_date": expiry - timedelta(days=3 * 365 - 1),
                    "term_months": 36,
                    "expiry_date": expiry,
                    "auto_renew": bool(number % 2),
                    "renewal_term_months": 12,
                    "notice_days": 90,
                    "version": 1,
                }
            )
            chosen = rng.sample(flows, rng.randint(1, 3))
            links.append((f"DSA-2023-{number:04d}", chosen))
    db.session.execute(insert(Agreement), rows)
    ids = dict(db.session.execute(select(Agreement.number, Agreement.id)).all())
    db.session.execute(
        insert(agreement_flows),
        [{"agreement_id": ids[n], "flow_id": flow} for n, chosen in links for flow in chosen],
    )
    db.session.commit()


def bulk_zip(count: int, workdir: Path) -> dict:
    """Build the data, then time `renewal_zip` consumed fully into a file on disk."""
    from sharing.agreements import bulk
    from sharing.auth.models import User
    from sharing.extensions import db

    app = _app(workdir)
    with app.app_context():
        add_expiring_agreements(count)
        db.session.remove()
        setup = _high_water_kib()
        actor = db.session.scalar(select(User))
        target = workdir / "renewals.zip"
        started = time.perf_counter()
        job = bulk.plan_renewals(start=WINDOW[0], end=WINDOW[1])
        with target.open("wb") as out:
            for chunk in bulk.renewal_zip(actor=actor, job=job, today=TODAY):
                out.write(chunk)
        seconds = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        summary = archive.read("SUMMARY.csv").decode("utf-8")
    return {
        "agreements": count,
        "seconds": seconds,
        "entries": sum(1 for name in names if name.startswith(bulk.FOLDER)),
        "generated": summary.count(",generated"),
        "zip_bytes": target.stat().st_size,
        "setup_kib": setup,
        # The kernel records the high-water mark lazily (VmHWM is max(recorded, current)), so
        # a later reading can come out a little below an earlier one.
        "peak_kib": max(setup, _high_water_kib()),
    }


def _high_water_kib() -> int:
    """This process's own peak resident size (VmHWM), which exec resets, unlike ru_maxrss."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _bulk_child(count: int, workdir: Path) -> None:
    """Runs in a subprocess, so that its peak memory is its own."""
    print(json.dumps(bulk_zip(count, workdir)))


def bulk_in_child(count: int, workdir: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.agreements", "--bulk-child", str(count), str(workdir)],
        check=True,
        capture_output=True,
        text=True,
        timeout=BULK_TIMEOUT,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result["children_peak_kib"] = max(peak, before)  # KiB on Linux; never below an earlier child
    return result


# -- report ----------------------------------------------------------------------------------


def main() -> None:
    print(
        f"date {date.today()} · {platform.node()} · {platform.machine()} · {os.cpu_count()} CPUs"
        f" · Python {platform.python_version()} · SQLite"
    )
    print("command: python -m bench.agreements\n")
    # The bulk children run first, while this process is small: a child's ru_maxrss starts
    # from its parent's resident size when it is spawned (vfork, then exec).
    bulk = []
    for count in BULK_SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            bulk.append(bulk_in_child(count, Path(tmp)))
    runs, profiles = [], {}
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            results, found = generation_bench(Path(tmp))
        runs.append(results)
        profiles.update(found)
    results = runs[0]

    ratios = " | ".join(f"ratio, run {n}" for n in range(1, RUNS + 1))
    print(
        f"| exhibit rows | clauses | raw docxtpl (s) | end to end (s) | {ratios} | SQL statements |"
    )
    print("|---|---|---|---|" + "---|" * RUNS + "---|")
    for index, ((_, repeats), r) in enumerate(zip(SIZES, results, strict=True)):
        cells = " | ".join(f"{run[index]['ratio']:.2f}×" for run in runs)
        print(
            f"| {r['rows']:,} (median of {repeats}) | {r['clauses']} | {r['raw']:.3f} "
            f"| {r['end_to_end']:.3f} | {cells} | {r['statements']} |"
        )
    met = sum(all(r["ratio"] <= GOAL for r in run) for run in runs)
    print(
        f"\nGoal: end to end ≤ {GOAL}× raw docxtpl at every size; met in {met} of {RUNS} runs. "
        "The seconds and the steps below are run 1's.\n"
    )
    head = " | ".join(f"{r['rows']:,} rows" for r in results)
    print(f"| where the end-to-end time goes (median s) | {head} |")
    print("|---|" + "---|" * len(results))
    for _, name, label in STEPS:
        cells = " | ".join(f"{r['steps'][name]:.3f}" for r in results)
        print(f"| {label} | {cells} |")
    outer = [name for _, name, _ in STEPS if name not in NESTED]
    rest = " | ".join(f"{r['end_to_end'] - sum(r['steps'][n] for n in outer):.3f}" for r in results)
    print(f"| the rest: load, audit diff and event, flush, commit | {rest} |")
    for key, label in (
        ("end_to_end", "end to end"),
        ("render_docx", "for comparison: render_docx alone, same inputs"),
        ("raw", "for comparison: raw docxtpl"),
    ):
        print(f"| {label} | {' | '.join(f'{r[key]:.3f}' for r in results)} |")
    for rows, found in profiles.items():
        print(f"\ncProfile of one generation at {rows:,} rows, most own time first:\n")
        print("| function | own s | cumulative s |")
        print("|---|---|---|")
        for where, own, cumulative in found:
            print(f"| {where} | {own:.3f} | {cumulative:.3f} |")

    print("\n| bulk renewal zip | seconds | s per agreement | zip | peak RSS | child's own peak |")
    print("|---|---|---|---|---|---|")
    for r in bulk:
        assert r["entries"] == r["generated"] == r["agreements"], r
        print(
            f"| {r['agreements']} agreements | {r['seconds']:.1f} "
            f"| {r['seconds'] / r['agreements']:.2f} | {r['zip_bytes'] / 1024 / 1024:.1f} MiB "
            f"| {r['children_peak_kib'] / 1024:.0f} MB "
            f"| {r['peak_kib'] / 1024:.0f} MB (set-up {r['setup_kib'] / 1024:.0f} MB) |"
        )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--bulk-child":
        _bulk_child(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
