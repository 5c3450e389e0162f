"""The page benchmark at a toy size: its data, its pages and its verdicts (no timings asserted)."""

from __future__ import annotations

from bench import load
from bench import pages as bench
from bench.pages import Page, Result

SAMPLE = tuple(
    page
    for page in bench.PAGES
    if page.label
    in {
        "Privacy office dashboard",
        "Organisation",
        "Disclosure log",
        "Portal home",
        "Portal flow",
        "Public arrangement",
        "Export: organisations (CSV)",
    }
)


def test_page_benchmark_serves_every_sampled_page_at_1x(tmp_path):
    """At 1× the data has the benchmark's proportions and each role's pages answer 200."""
    results, counts = bench.measure(1, tmp_path, repeats=1, pages=SAMPLE)

    assert counts["organisations"] == 50 and counts["flows"] == 200
    assert counts["agreements"] == 100 and counts["attestation requests"] == 500
    assert counts["disclosures"] == 2000 and counts["audit_events"] == 2000
    assert counts["published flows"] > 0 and counts["incidents"] > 0
    assert {label: r.status for label, r in results.items()} == {p.label: 200 for p in SAMPLE}
    for page in SAMPLE:
        assert 0 < results[page.label].statements <= bench.MAX_STATEMENTS or page.export


def test_verdicts_catch_a_grown_count_and_a_slow_page():
    """A page whose statements grow, pass 20, or whose time grows past 1.5× misses its goal."""
    page = Page("Any", "admin", "/")
    assert bench.verdicts(page, Result(7, 10.0, 200), Result(7, 14.0, 200)) == (True, True)
    assert bench.verdicts(page, Result(7, 10.0, 200), Result(8, 10.0, 200))[0] is False
    assert bench.verdicts(page, Result(21, 10.0, 200), Result(21, 10.0, 200))[0] is False
    assert bench.verdicts(page, Result(7, 10.0, 200), Result(7, 16.0, 200))[1] is False
    export = Page("Export", "admin", "/x.csv", export=True)
    assert bench.verdicts(export, Result(4, 10.0, 200), Result(9, 900.0, 200)) == (True, True)


def test_load_report_sorts_access_log_lines_by_kind(tmp_path):
    """Worker times from gunicorn's access log land in the locustfile's request kinds."""
    log = tmp_path / "access.log"
    log.write_text(
        "GET /static/favicon.svg 200 800\n"
        "GET /vendors/ 200 95000\n"
        "POST /attestations/evidence/new 302 84000\n"
        "GET /reports/export/flows.xlsx 200 525000\n"
        "POST /auth/sign-in 302 900000\n"
        "a line gunicorn wrote about something else\n"
    )
    times = load.service_times(log)
    assert times == {
        "page": [95.0],
        "export": [525.0],
        "upload": [84.0],
        "static": [0.8],
        "signin": [900.0],
    }
