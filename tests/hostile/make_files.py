"""The hostile corpus as files on disk, and its figures.

`python -m tests.hostile.make_files OUTDIR` writes every hostile file (named by its label) and
manifest.json: for each file its upload name, kind, the contract rule it breaks and the phrase
each of the seven upload points must give. `python -m tests.hostile.make_files --summary`
prints the counts docs/SECURITY.md quotes.

The catalogue itself is catalogue.py (hostile) and benign.py (accepted, by point); the words
(points, kinds, phrases) are model.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.hostile.benign import by_point
from tests.hostile.catalogue import hostile_files
from tests.hostile.model import NOUNS, OVERSIZE_LIMIT, POINTS, HostileFile

__all__ = ["OVERSIZE_LIMIT", "catalogue", "cases", "summary", "write_all"]


def catalogue() -> tuple[HostileFile, ...]:
    return hostile_files()


def cases() -> list[tuple[HostileFile, str]]:
    """Every (file, point) pair: each hostile file goes to each upload point."""
    return [(item, point) for item in catalogue() for point in POINTS]


def _file_name(item: HostileFile) -> str:
    clean = item.filename.replace("\\", "/").replace("\x00", "")
    return f"{item.label}{Path(clean).suffix or '.bin'}"


def write_all(outdir: Path) -> int:
    """Write every hostile file and manifest.json; returns the number of files written."""
    outdir.mkdir(parents=True, exist_ok=True)
    manifest = []
    for item in catalogue():
        (outdir / _file_name(item)).write_bytes(item.data)
        manifest.append(
            {
                "file": _file_name(item),
                "upload_name": item.filename,
                "kind": item.kind,
                "rule": list(item.rule),
                "says": {point: [NOUNS[point], *item.phrases(point)] for point in POINTS},
                "notes": item.notes,
            }
        )
    (outdir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=True))
    return len(manifest)


def summary() -> dict[str, object]:
    files = catalogue()
    return {
        "hostile files": len(files),
        "upload points": len(POINTS),
        "hostile pairs (file x point)": len(files) * len(POINTS),
        "benign files by point": {point: len(found) for point, found in by_point().items()},
    }


def main(argv: list[str]) -> None:
    if argv == ["--summary"]:
        for name, value in summary().items():
            print(f"{name}: {value}")
        return
    if len(argv) != 1:
        sys.exit("usage: python -m tests.hostile.make_files OUTDIR | --summary")
    print(f"wrote {write_all(Path(argv[0]))} hostile files to {argv[0]}")


if __name__ == "__main__":
    main(sys.argv[1:])
