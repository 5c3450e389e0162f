"""Agreement PDFs: the app's converter through a warm LibreOffice against unoserver's own client
converting the same .docx, and the one-off LibreOffice the app falls back to.

Run: python -m bench.pdfs   (prints Markdown to paste into docs/PERFORMANCE.md)

A unoserver from `.venv-uno` (`make uno`) starts on free loopback ports with a profile of its
own. The vendor DPA is rendered with the sample context and given its document properties.
"App, warm" is `pdf.docx_to_pdf(..., server=...)`, the call the download makes on a cache
miss; "unoserver client" is `unoserver.client.UnoClient.convert` with the same bytes, filter
and options; "app, one-off" is `pdf.docx_to_pdf` with no server, the fallback. One warm-up
each, then the median of 7 runs (3 for the one-off), the warm runs interleaved.
"""

from __future__ import annotations

import glob
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import xmlrpc.client
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "agreement_templates" / "vendor-data-protection-agreement.docx"
REPEATS = 7
ONE_OFF_REPEATS = 3
GOAL = 1.5
TIMEOUT = 120


def unoserver_program() -> Path:
    program = ROOT / ".venv-uno" / "bin" / "unoserver"
    if not program.is_file():
        sys.exit("bench.pdfs needs unoserver: run `make uno` first")
    return program


def uno_client_class():
    """unoserver's own client: from this environment, or from .venv-uno (it needs only the
    standard library, so it imports under any Python 3.11)."""
    try:
        from unoserver.client import UnoClient
    except ImportError:
        sys.path.extend(glob.glob(str(ROOT / ".venv-uno" / "lib" / "python3*" / "site-packages")))
        from unoserver.client import UnoClient
    return UnoClient


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_unoserver(folder: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    child = subprocess.Popen(  # noqa: S603 - our own unoserver, fixed arguments
        [
            str(unoserver_program()),
            f"--port={port}",
            f"--uno-port={free_port()}",
            f"--user-installation={folder / 'profile'}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    proxy = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}")
    for _ in range(240):
        try:
            proxy.info()
            return child, port
        except OSError:
            time.sleep(0.25)
    stop(child)
    sys.exit("unoserver did not start within a minute")


def stop(child: subprocess.Popen) -> None:
    import contextlib
    import signal

    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        child.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


def agreement_docx() -> bytes:
    from sharing.agreements.docx_properties import set_document_properties
    from sharing.agreements.rendering import render_docx
    from sharing.agreements.sample_context import sample_context

    context = sample_context()
    return set_document_properties(
        render_docx(TEMPLATE, context),
        title=context["agreement"]["title"],
        subject="Agreement between the City and a vendor",
        keywords=context["agreement"]["number"],
    )


def timed(function) -> float:
    started = time.perf_counter()
    data = function()
    seconds = time.perf_counter() - started
    assert data.startswith(b"%PDF-"), data[:20]
    return seconds


def measure(port: int, docx: bytes) -> dict[str, float]:
    from sharing.agreements import pdf

    client = uno_client_class()(server="127.0.0.1", port=str(port))
    server = f"127.0.0.1:{port}"

    def app_warm() -> bytes:
        return pdf.docx_to_pdf(docx, timeout=TIMEOUT, server=server)

    def direct() -> bytes:
        return client.convert(
            indata=docx,
            convert_to="pdf",
            filtername=pdf.EXPORT_FILTER,
            filter_options=pdf.server_options(),
        )

    def one_off() -> bytes:
        return pdf.docx_to_pdf(docx, timeout=TIMEOUT)

    for function in (app_warm, direct, one_off):  # warm-up
        timed(function)
    warm, raw = [], []
    for _ in range(REPEATS):
        warm.append(timed(app_warm))
        raw.append(timed(direct))
    cold = [timed(one_off) for _ in range(ONE_OFF_REPEATS)]
    return {
        "warm": statistics.median(warm),
        "direct": statistics.median(raw),
        "one_off": statistics.median(cold),
    }


def main() -> None:
    print(
        f"date {date.today()} · {platform.node()} · {platform.machine()} · {os.cpu_count()} CPUs"
        f" · Python {platform.python_version()}"
    )
    print("command: python -m bench.pdfs\n")
    docx = agreement_docx()
    with tempfile.TemporaryDirectory() as tmp:
        child, port = start_unoserver(Path(tmp))
        try:
            result = measure(port, docx)
        finally:
            stop(child)
    print("| conversion of the 8-page vendor DPA | median s | against the unoserver client |")
    print("|---|---|---|")
    print(f"| unoserver client, straight | {result['direct']:.3f} | 1.00× |")
    warm_ratio = result["warm"] / result["direct"]
    print(f"| app's converter, warm | {result['warm']:.3f} | {warm_ratio:.2f}× |")
    print(
        f"| app's converter, one-off (the fallback) | {result['one_off']:.3f} "
        f"| {result['one_off'] / result['direct']:.2f}× |"
    )
    print(
        f"\nGoal: the app's warm conversion ≤ {GOAL}× the unoserver client "
        f"({'met' if warm_ratio <= GOAL else 'NOT met'}); the one-off takes "
        f"{result['one_off'] / result['warm']:.1f}× the warm one."
    )


if __name__ == "__main__":
    main()
