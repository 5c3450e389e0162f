"""Writing an uploaded or generated file under a random name, whole or not at all.

The caller owns the folder and the name pattern it accepts back; this module only makes the
name and the write: a temporary file in the same folder, fsync, rename into place, fsync of the
folder so that the rename survives a crash too. A failure leaves no partial file behind.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,8}$")


def write_new(folder: Path, data: bytes, suffix: str) -> str:
    """Write `data` to `folder` under a new random name ending in `suffix`; return the name."""
    if not _SUFFIX.match(suffix):
        raise ValueError(f"unsupported file suffix {suffix!r}")
    name = secrets.token_hex(16) + suffix.lower()
    final = folder / name
    partial = folder / f".{name}.part"
    try:
        with partial.open("xb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, final)
        _fsync_folder(folder)
    finally:
        partial.unlink(missing_ok=True)
    return name


def _fsync_folder(path: Path) -> None:
    """Make the rename itself durable; some platforms cannot open a folder, which is fine."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
