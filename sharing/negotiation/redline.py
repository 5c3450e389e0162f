"""Redlines of a returned agreement: a Word file with real tracked changes (Docxodus, run
offline through python-redlines) and a word-level redline of one clause for the page."""

from __future__ import annotations

import html
import os
import re
import subprocess
import tempfile
from datetime import datetime
from difflib import SequenceMatcher
from pathlib import Path

from markupsafe import Markup

from sharing.errors import DomainError

REDLINE_SECONDS = 60  # a 15-page agreement takes about a second; a hostile file is cut off
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
_WORD = re.compile(r"\w")


class RedlineFailed(DomainError):
    """The Word redline could not be produced; the comparison on the page still stands."""


def redline_docx(
    original: bytes, modified: bytes, *, author: str, at: datetime | None = None
) -> bytes:
    """`modified` as tracked changes against `original`: a .docx whose insertions (w:ins) and
    deletions (w:del) carry `author` (and `at`, when given, as the revisions' time)."""
    engine = _engine()
    options = {"date_time": at.strftime("%Y-%m-%dT%H:%M:%SZ")} if at else {}
    with tempfile.TemporaryDirectory(prefix="redline-") as folder:
        paths = [Path(folder, name) for name in ("original.docx", "returned.docx", "out.docx")]
        paths[0].write_bytes(original)
        paths[1].write_bytes(modified)
        command = engine._build_command(author, *map(os.fspath, paths), **options)
        try:
            subprocess.run(  # noqa: S603 - the bundled Docxodus binary, our own temporary paths
                command, check=True, capture_output=True, timeout=REDLINE_SECONDS, cwd=folder
            )
            return paths[2].read_bytes()
        except subprocess.TimeoutExpired as error:
            raise RedlineFailed(
                "Marking up the changes in Word took too long; the changes are still listed "
                "on the page."
            ) from error
        except (subprocess.CalledProcessError, OSError) as error:
            raise RedlineFailed(
                "The Word file with the changes marked could not be made from these documents; "
                "the changes are still listed on the page."
            ) from error


def _engine():
    """The Docxodus engine; its binary is unpacked into a cache folder on first use."""
    try:
        from python_redlines import DocxodusEngine

        return DocxodusEngine()
    except (ImportError, OSError) as error:
        raise RedlineFailed(
            "The Word redline tool is not installed on this server; the changes are still "
            "listed on the page."
        ) from error


def redline_html(before: str, after: str) -> Markup:
    """A word-level redline of `before` against `after`: removed words in <del>, added words in
    <ins>, every character of both texts escaped and each line break a <br>."""
    pieces: list[str] = []
    for removed, added, same in _segments(_TOKEN.findall(before), _TOKEN.findall(after)):
        if removed:
            pieces.append(f"<del>{_escaped(removed)}</del>")
        if added:
            pieces.append(f"<ins>{_escaped(added)}</ins>")
        pieces.append(_escaped(same))
    # Safe: every piece of text went through html.escape above; only our tags are unescaped.
    return Markup("".join(pieces))  # noqa: S704


def _segments(old: list[str], new: list[str]) -> list[tuple[list[str], list[str], list[str]]]:
    """(removed, added, unchanged after them) runs. Two changes separated only by spaces or
    punctuation read as one ("72 hours" -> "7 days", not "72" -> "7" and "hours" -> "days")."""
    segments: list[tuple[list[str], list[str], list[str]]] = [([], [], [])]
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added, same = segments[-1]
        if tag == "equal":
            same.extend(old[i1:i2])
        elif (removed or added) and not any(_WORD.match(token) for token in same):
            removed.extend(same + old[i1:i2])
            added.extend(same + new[j1:j2])
            same.clear()
        else:
            segments.append((old[i1:i2], new[j1:j2], []))
    return segments


def _escaped(tokens: list[str]) -> str:
    return html.escape("".join(tokens)).replace("\n", "<br>\n")
