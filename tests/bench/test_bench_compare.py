"""The comparison benchmark's documents and measurement, with one run each (no timings asserted)."""

from __future__ import annotations

from bench import compare as bench


def test_compare_benchmark_finds_each_change_the_returned_copy_makes():
    """The returned copy's six edits come out as the kinds the benchmark describes."""
    result = bench.measure(runs=1, redline_runs=1)
    assert sorted(result["kinds"]) == sorted(
        ["weakened", "weakened", "weakened", "removed", "added", "wording"]
    )
    assert result["clauses"] > 100
    assert result["diff_lines"] > 0
    assert all(result[key] > 0 for key in ("read", "compare", "baseline", "redline"))
