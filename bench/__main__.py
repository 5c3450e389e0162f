"""Run the benchmarks: `python -m bench` runs each in turn, `python -m bench NAME ...` the
ones named. Each runs as `python -m bench.NAME` in its own process (some start children
of their own) and prints its Markdown; the exit status is 1 if any of them failed.

The load test is last and takes ten minutes; `python -m bench --quick` leaves it out.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = {
    "foundation": "SQLite writers and the sign-in hash",
    "imports": "import against pandas' own read",
    "agreements": "generation against raw docxtpl, and the bulk zip's memory",
    "pdfs": "agreement PDFs: warm LibreOffice (unoserver) against its own client, and one-off",
    "compare": "a returned 15-page agreement compared clause by clause, against a line diff",
    "seal": "sealing a 15-page agreement against pyHanko's own signing, warm signer",
    "lists": "list pages: statements at 1× and 100× (bench/data.py sizes)",
    "dashboard": "dashboards: statements at 1× and 100×",
    "pages": "every main page at 1× and 100× (bench/volume.py sizes)",
    "load": "gunicorn and locust on loopback, 25 users for 10 minutes",
}


def run(name: str) -> int:
    print(f"\n## bench.{name}: {BENCHMARKS[name]}\n", flush=True)
    started = time.monotonic()
    code = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=ROOT, check=False)
    print(f"\n(bench.{name} exited {code.returncode} after {time.monotonic() - started:.0f} s)")
    return code.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the benchmarks in bench/, or those named.")
    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(BENCHMARKS))
    parser.add_argument("--quick", action="store_true", help="leave out the load test")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    names = args.names or [n for n in BENCHMARKS if not (args.quick and n == "load")]
    failed = [name for name in names if run(name) != 0]
    if failed:
        print("\nfailed: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
