"""The bytes of an upload, held in memory or in a stored file, read the same way by every
check: a head for sniffing, chunks for streaming, the whole only where a check needs it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

CHUNK = 64 * 1024


class Source:
    def __init__(self, *, data: bytes | None = None, path: Path | None = None) -> None:
        self._data = data
        self._path = path
        self.size = len(data) if data is not None else path.stat().st_size  # type: ignore[union-attr]
        self._head: bytes | None = None

    def open(self) -> BinaryIO:
        if self._data is not None:
            return io.BytesIO(self._data)
        return self._path.open("rb")  # type: ignore[union-attr]

    def head(self, size: int = CHUNK) -> bytes:
        if self._data is not None:
            return self._data[:size]
        if self._head is None or len(self._head) < min(size, self.size):
            with self.open() as handle:
                self._head = handle.read(max(size, CHUNK))
        return self._head[:size]

    def read(self) -> bytes:
        if self._data is not None:
            return self._data
        with self.open() as handle:
            return handle.read()

    def chunks(self) -> Iterator[bytes]:
        with self.open() as handle:
            yield from iter(lambda: handle.read(CHUNK), b"")
