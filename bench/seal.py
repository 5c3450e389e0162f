"""Sealing: the app's `seal_pdf` with a warm signer against pyHanko's own `signers.sign_pdf`
with the same, already loaded signer, on a 15-page agreement.

Run: python -m bench.seal   (prints Markdown to paste into docs/PERFORMANCE.md)

The agreement is the first 15 pages of docs/agreements/vendor-plate-readers.pdf (LibreOffice's
PDF of a generated vendor agreement, Carlito embedded, tagged), rewritten by pypdf. The app runs
on a fresh SQLite database outside production, so the first seal makes the development
certificate (EC P-256); a seal with the signer cache emptied (reading the .p12 again) is
reported apart as "signer not loaded". "App" is
`sharing.seal.sealing.seal_pdf(pdf, reason=...)`: the active certificate's row, the cached
signer, the PAdES signature as an incremental update. "pyHanko" is `signers.sign_pdf` over an
`IncrementalPdfFileWriter` with the same metadata and the signer object the app cached. Both
interleaved, each after `gc.collect()`, median of REPEATS. The signature page
(`with_signature_page`) and the check (`validate_seal`) are timed the same way, for reference.
"""

from __future__ import annotations

import gc
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "docs" / "agreements" / "vendor-plate-readers.pdf"
PAGES = 15
REPEATS = 15
GOAL_SECONDS = 0.5
REASON = "Agreement DSA-2026-0009 executed by both parties"


def agreement_pdf(pages: int = PAGES) -> bytes:
    """The first `pages` pages of the sample agreement, as one ordinary PDF."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(SOURCE)
    writer = PdfWriter()
    for page in reader.pages[:pages]:
        writer.add_page(page)
    writer.add_metadata(reader.metadata or {})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _app(workdir: Path):
    from flask_migrate import upgrade

    from sharing import create_app

    app = create_app(
        {
            "TESTING": True,
            "ENV": "development",
            "SECRET_KEY": "bench",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
            "UPLOAD_DIR": str(workdir / "files"),
        }
    )
    with app.app_context():
        upgrade()
    return app


def _timed(fn) -> float:
    gc.collect()
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def measure(pdf: bytes, repeats: int = REPEATS) -> dict:
    """Seconds for each step; call inside an app context on a migrated database."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pypdf import PdfReader

    from sharing.extensions import db
    from sharing.seal import certificates
    from sharing.seal.page import SignatureLine, with_signature_page
    from sharing.seal.sealing import seal_metadata, seal_pdf, validate_seal

    certificates.forget_loaded_signers()
    cold = _timed(lambda: seal_pdf(pdf, reason=REASON))
    db.session.commit()
    signer = certificates.signer_for(certificates.active_certificate())
    meta = seal_metadata(reason=REASON)

    def baseline() -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        return signers.sign_pdf(writer, meta, signer=signer).getvalue()

    line = SignatureLine(
        party_label="Vendor",
        organisation="PlateGuard Systems LLC",
        name="Jordan Alvarez",
        title="Chief Executive Officer",
        signed_at=datetime(2026, 12, 7, 22, 5, tzinfo=UTC),
        ip="203.0.113.9",
        document_sha256="0" * 64,
        method="Signed electronically",
    )
    sealed = seal_pdf(pdf, reason=REASON)
    baseline()  # warm-up of pyHanko's own path
    app_times, base_times, page_times, check_times = [], [], [], []
    for _ in range(repeats):
        app_times.append(_timed(lambda: seal_pdf(pdf, reason=REASON)))
        base_times.append(_timed(baseline))
        page_times.append(
            _timed(
                lambda: with_signature_page(pdf, number="DSA-2026-0009", title="T", lines=[line])
            )
        )
        check_times.append(_timed(lambda: validate_seal(sealed)))
    app_median = statistics.median(app_times)
    base_median = statistics.median(base_times)
    return {
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "bytes": len(pdf),
        "cold": cold,
        "app": app_median,
        "baseline": base_median,
        "ratio": app_median / base_median,
        "page": statistics.median(page_times),
        "check": statistics.median(check_times),
        "valid": validate_seal(sealed).intact,
    }


def main() -> int:
    print(
        f"date {date.today()} · {platform.node()} · {platform.machine()} · {os.cpu_count()} CPUs"
        f" · Python {platform.python_version()} · SQLite"
    )
    print("command: python -m bench seal\n")
    documents = (("15 pages, cut", agreement_pdf()), ("18 pages, as shipped", SOURCE.read_bytes()))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(Path(tmp))
        with app.app_context():
            for _, pdf in documents:
                results.append(measure(pdf))
    head = " | ".join(
        f"{name} ({r['bytes'] // 1024:,} KB)"
        for (name, _), r in zip(documents, results, strict=True)
    )
    print(f"Median of {REPEATS} runs, seconds.\n")
    print(f"| step | {head} |")
    print("|---|" + "---|" * len(results))
    rows = (
        ("pyHanko `signers.sign_pdf`, signer loaded (baseline)", "baseline", "{:.3f}"),
        ("app `seal_pdf`, warm signer", "app", "{:.3f}"),
        ("ratio app / baseline", "ratio", "{:.2f}×"),
        (
            "app `seal_pdf`, signer not loaded (reads the .p12; in the first column it also "
            "makes the development certificate)",
            "cold",
            "{:.3f}",
        ),
        ("`with_signature_page` (one signature)", "page", "{:.3f}"),
        ("`validate_seal`", "check", "{:.3f}"),
    )
    for label, key, shape in rows:
        print(f"| {label} | " + " | ".join(shape.format(r[key]) for r in results) + " |")
    met = all(r["app"] < GOAL_SECONDS and r["valid"] for r in results)
    print(
        f"\nGoal: sealing under {GOAL_SECONDS} s: {'met' if met else 'NOT met'} "
        f"(every sealed file validates: {'yes' if all(r['valid'] for r in results) else 'no'})."
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
