"""PDF checks, scanned the way pdfid does: names are read with their `#xx` escapes decoded,
and every Flate stream (object streams can hide dictionaries) is inflated in bounded steps and
scanned too. Refused: scripts, actions that run by themselves or start a program, attached
files, embedded media, XFA forms, encryption (an encrypted PDF cannot be scanned), and any
bytes after the last end-of-file marker, where a second document can hide."""

from __future__ import annotations

import re
import zlib

from sharing.files import messages
from sharing.files.kinds import UploadPolicy

MAX_INFLATED_PDF = 256 * 1024 * 1024  # inflated stream bytes scanned per PDF, at most
INFLATE_STEP = 1024 * 1024

# name: (what the PDF contains, the rule's code), the gravest first: a PDF whose automatic
# action runs a script is refused for the script.
ACTIVE_NAMES = {
    b"JavaScript": ("JavaScript", "pdf_javascript"),
    b"JS": ("JavaScript", "pdf_javascript"),
    b"Launch": ("an action that launches a program", "pdf_launch"),
    b"EmbeddedFile": ("an attached file", "pdf_attached_file"),
    b"RichMedia": ("embedded media (Flash or video)", "pdf_embedded_media"),
    b"XFA": ("an XFA form", "pdf_xfa"),
    b"OpenAction": ("an automatic action that runs when it is opened", "pdf_automatic_action"),
    b"AA": ("an automatic action that runs on page or form events", "pdf_automatic_action"),
}
_NAME = re.compile(rb"/([^\s()<>\[\]{}/%]+)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_ENCRYPT = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")
_EOF = b"%%EOF"
# An /OpenAction that is a destination array ("show page 1 at this zoom") cannot run anything;
# LibreOffice writes one into every PDF it exports, this app's agreements included, and a
# vendor may sign that PDF and upload it back. Only the literal, unescaped name with a direct
# array of page references, names, numbers and null is let through; a dictionary or an
# indirect reference (which may point to an action) is refused.
_PLAIN_OPEN_ACTION = re.compile(
    rb"/OpenAction\s*\[\s*\d+\s+\d+\s+R(?:\s*(?:/[A-Za-z]+|-?[\d.]+|null))*\s*\]"
)
PRINT_AGAIN = (
    "Print it to a new PDF (or export it without scripts and attachments) and upload that copy"
)


def check_pdf(data: bytes, policy: UploadPolicy) -> None:
    """The rules for a file sniff.py found to be a PDF (and not also a zip)."""
    end = data.rfind(_EOF)
    if end == -1:
        raise messages.refuse(
            policy,
            "pdf_incomplete",
            "is a PDF that is incomplete (it has no end-of-file marker), so it may have been "
            "cut off while downloading or saving",
            "Save it again and upload the new copy",
        )
    if data[end + len(_EOF) :].strip(b" \t\r\n\x00\x0c"):
        raise messages.refuse(
            policy,
            "pdf_trailing_data",
            "is a PDF with more data after the end of the document, where another file can hide",
            "Print it to a new PDF and upload that copy",
        )
    if _ENCRYPT.search(data):
        raise messages.refuse(
            policy,
            "pdf_encrypted",
            "is a PDF that is encrypted or password-protected, so it cannot be checked",
            "Save a copy without a password and upload that",
        )
    found = active_names(_PLAIN_OPEN_ACTION.sub(b" ", data))
    budget = MAX_INFLATED_PDF
    for match in _STREAM.finditer(data):
        stop = data.find(b"endstream", match.end())
        raw = data[match.end() : stop if stop != -1 else len(data)]
        budget = _scan_stream(raw, budget, policy, found)
    for name, (described, code) in ACTIVE_NAMES.items():
        if name in found:
            raise messages.refuse(
                policy, code, f"is a PDF that contains {described} (/{name.decode()})", PRINT_AGAIN
            )


def _scan_stream(raw: bytes, budget: int, policy: UploadPolicy, found: set[bytes]) -> int:
    """Inflate one stream step by step (never more than the budget) and scan what comes out."""
    inflater = zlib.decompressobj()
    tail, pending = b"", raw
    while pending and not inflater.eof:
        try:
            chunk = inflater.decompress(pending, INFLATE_STEP)
        except zlib.error:
            return budget  # not a Flate stream (an image, or another filter)
        budget -= len(chunk)
        if budget < 0:
            raise messages.refuse(
                policy,
                "pdf_bomb",
                "is a PDF that expands to more data than can be checked (a decompression bomb)",
                "Print it to a new PDF and upload that copy",
            )
        found |= active_names(_PLAIN_OPEN_ACTION.sub(b" ", tail + chunk))
        tail = chunk[-64:]
        pending = inflater.unconsumed_tail
    return budget


def active_names(text: bytes) -> set[bytes]:
    """The active names in `text`, with their `#xx` escapes decoded."""
    names = (
        _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        for match in _NAME.finditer(text)
    )
    return {name for name in names if name in ACTIVE_NAMES}
