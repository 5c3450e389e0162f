"""The dashboard benchmark at toy sizes: the statement counts it measures (no timings asserted)."""

from __future__ import annotations

from bench import dashboard as bench


def test_dashboard_benchmark_counts_the_same_statements_at_two_sizes(tmp_path):
    """1× and 2× data give every dashboard the same statement count, and the verdict says so."""
    results = bench.run((1, 2), tmp_path)

    assert bench.constant(results)
    for label, _, _ in bench.PAGES:
        assert results[1][0][label] == results[2][0][label] > 0
    assert results[2][2]["organisations"] == 2 * results[1][2]["organisations"]
    assert results[1][2]["requests"] > 0 and results[1][2]["incidents"] > 0


def test_the_verdict_fails_when_a_count_grows():
    """`constant` is what makes the command exit non-zero: a grown count is caught."""
    pages = {label: 5 for label, _, _ in bench.PAGES}
    grown = dict(pages, **{bench.PAGES[0][0]: 6})
    assert bench.constant({1: (pages, {}, {}), 100: (dict(pages), {}, {})})
    assert not bench.constant({1: (pages, {}, {}), 100: (grown, {}, {})})
