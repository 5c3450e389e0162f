"""The sealing benchmark's document and measurements, at a toy size (no timings asserted)."""

from __future__ import annotations

import io

from pypdf import PdfReader

from bench import seal as bench
from sharing.extensions import db


def test_seal_benchmark_cuts_the_agreement_and_measures_a_valid_seal(tmp_path):
    pdf = bench.agreement_pdf(2)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    app = bench._app(tmp_path)
    with app.app_context():
        result = bench.measure(pdf, repeats=1)
        db.session.remove()
        db.engine.dispose()
    assert result["pages"] == 2
    assert result["valid"] is True
    assert result["app"] > 0 and result["baseline"] > 0 and result["ratio"] > 0
    assert result["page"] > 0 and result["check"] > 0
