"""The agreements benchmark's data builder and measurements, at a toy size (no timings asserted)."""

from __future__ import annotations

import io
import zipfile

import pytest

from bench import agreements as bench
from sharing.agreements import rendering
from sharing.extensions import db


@pytest.fixture(autouse=True)
def _no_trial_render_child(monkeypatch):
    """Installing the shipped templates still runs every check but the trial render, whose
    child process would make this smoke test slow; the benchmark itself keeps it."""
    monkeypatch.setattr(
        rendering, "trial_render", lambda data, **_: rendering.TrialResult(0.0, len(data))
    )


def test_generation_benchmark_regenerates_over_every_flow_and_counts_statements(tmp_path):
    app = bench._app(tmp_path)
    with app.app_context():
        counter = bench.StatementCounter(db.engine)
        organisation, flows = bench.add_organisation("Peña & Hijos LLC", flows=3, seed=1)
        agreement = bench.draft_over(organisation, flows, title="Toy agreement")
        result = bench.measure_generation(agreement, 1, counter)
        db.session.remove()
        db.engine.dispose()
    assert result["rows"] == 3
    assert result["clauses"] > 0
    assert result["status"] == "generated"
    assert result["ratio"] > 0
    assert result["statements"] > 0
    assert set(result["steps"]) == {name for _, name, _ in bench.STEPS}
    assert result["steps"]["render_docx"] > 0  # the step timer saw the render
    assert result["size"] > 0


def test_bulk_benchmark_writes_one_amendment_per_expiring_agreement(tmp_path):
    result = bench.bulk_zip(3, tmp_path)

    assert result["entries"] == result["generated"] == 3
    with zipfile.ZipFile(tmp_path / "renewals.zip") as archive:
        names = archive.namelist()
    assert sum(name.endswith(".docx") for name in names) == 3
    assert "SUMMARY.csv" in names
    assert result["zip_bytes"] == (tmp_path / "renewals.zip").stat().st_size
    assert result["peak_kib"] >= result["setup_kib"] > 0


def test_pdf_benchmark_converts_the_same_agreement_both_ways_with_its_properties():
    """bench.pdfs feeds the app's converter and unoserver's client the same .docx."""
    from docx import Document

    from bench import pdfs

    docx = pdfs.agreement_docx()

    properties = Document(io.BytesIO(docx)).core_properties
    assert properties.keywords == "DSA-2026-0042"
    assert properties.title
    assert callable(pdfs.uno_client_class().convert)
