"""Locust users for bench/load.py: staff and vendors who sign in and then mix page views,
evidence uploads and CSV/XLSX exports, and a visitor of a static file, the yardstick.

The plan (accounts, password, object ids) comes from the JSON file named by
BENCH_LOAD_PLAN; a summary of every request (kind, time, failure) is written on exit to
BENCH_LOAD_SUMMARY. Run it through `python -m bench.load`, which sets both.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import statistics
from collections import defaultdict
from pathlib import Path

from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text(encoding="utf-8"))
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
WAIT = between(0.5, 2.0)
_staff = itertools.cycle(PLAN["staff"])
_vendors = itertools.cycle(PLAN["vendors"])
_times: dict[str, list[float]] = defaultdict(list)
_failures: dict[str, int] = defaultdict(int)


def kind_of(name: str) -> str:
    return name.split(" ", 1)[0]


@events.request.add_listener
def _record(name, response_time, exception, **_kwargs):
    kind = kind_of(name)
    _times[kind].append(response_time)
    if exception is not None:
        _failures[kind] += 1


@events.quitting.add_listener
def _summarise(**_kwargs):
    summary = {}
    for kind, times in _times.items():
        ordered = sorted(times)
        summary[kind] = {
            "requests": len(ordered),
            "failures": _failures[kind],
            "mean_ms": statistics.fmean(ordered),
            "median_ms": statistics.median(ordered),
            "p95_ms": ordered[math.ceil(len(ordered) * 0.95) - 1],  # nearest rank
            "max_ms": ordered[-1],
        }
    with open(os.environ["BENCH_LOAD_SUMMARY"], "w", encoding="utf-8") as fh:
        json.dump(summary, fh, indent=2)


class SignedIn(HttpUser):
    abstract = True
    wait_time = WAIT

    def token(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, catch_response=True) as response:
            found = TOKEN.search(response.text or "")
            if found is None:
                response.failure(f"no CSRF token on {path}")
                return ""
            response.success()
            return found.group(1)

    def sign_in(self, email: str) -> None:
        token = self.token("/auth/sign-in", "signin form")
        data = {"csrf_token": token, "email": email, "password": PLAN["password"]}
        with self.client.post(
            "/auth/sign-in", data=data, name="signin post", catch_response=True
        ) as response:
            if "/auth/sign-in" in response.url:
                response.failure(f"sign-in refused for {email}")

    def page(self, path: str, label: str | None = None) -> None:
        self.client.get(path, name=f"page {label or path}")


class Staff(SignedIn):
    weight = 3

    def on_start(self) -> None:
        self.ids = PLAN["ids"]
        account = next(_staff)
        self.office = account["role"] == "privacy"  # procurement sees no incidents or audit
        self.sign_in(account["email"])

    @task(4)
    def dashboard(self) -> None:
        self.page("/")

    @task(6)
    def lists(self) -> None:
        for path in ("/vendors/", "/flows/", "/agreements/", "/attestations/"):
            self.page(path)

    @task(4)
    def oversight(self) -> None:
        office = ("/disclosures/incidents", "/audit/") if self.office else ("/flows/categories",)
        for path in ("/disclosures/log", *office):
            self.page(path)

    @task(4)
    def details(self) -> None:
        org, flow, agreement = (self.ids[k] for k in ("org", "flow", "agreement"))
        self.page(f"/vendors/{org}", "/vendors/<id>")
        self.page(f"/flows/{flow}", "/flows/<id>")
        self.page(f"/agreements/{agreement}", "/agreements/<id>")

    @task(1)
    def export_csv(self) -> None:
        self.client.get("/reports/export/organisations.csv", name="export organisations.csv")

    @task(1)
    def export_xlsx(self) -> None:
        self.client.get("/reports/export/flows.xlsx", name="export flows.xlsx")


class Vendor(SignedIn):
    weight = 2

    def on_start(self) -> None:
        account = next(_vendors)
        self.flow = account["flow"]
        self.sign_in(account["email"])

    @task(5)
    def portal(self) -> None:
        self.page("/portal/")
        self.page(f"/portal/flows/{self.flow}", "/portal/flows/<id>")

    @task(4)
    def attestations(self) -> None:
        self.page("/attestations/", "/attestations/ (vendor)")
        self.page("/attestations/evidence", "/attestations/evidence (vendor)")

    @task(1)
    def upload_evidence(self) -> None:
        token = self.token("/attestations/evidence/new", "page /attestations/evidence/new")
        data = {
            "csrf_token": token,
            "evidence_type": "policy",
            "description": "Load test upload",
        }
        files = {"file": ("policy.pdf", PDF, "application/pdf")}
        with self.client.post(
            "/attestations/evidence/new",
            data=data,
            files=files,
            name="upload evidence",
            catch_response=True,
        ) as response:
            if "/attestations/evidence/new" in response.url:
                response.failure("upload refused (the form came back)")


class Visitor(HttpUser):
    """Fetches a static file at the same pace, so throughput has a yardstick."""

    weight = 1
    wait_time = WAIT

    @task
    def static(self) -> None:
        self.client.get("/static/favicon.svg", name="static /static/favicon.svg")
