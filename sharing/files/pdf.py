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
from sharing.files.sniff import bytes_are_zip

MAX_INFLATED_PDF = 256 * 1024 * 1024  # inflated stream bytes scanned per PDF, at most
INFLATE_STEP = 1024 * 1024

# name: (what the PDF contains, the rule's code)
ACTIVE_NAMES = {
    b"JavaScript": ("JavaScript", "pdf_javascript"),
    b"JS": ("JavaScript", "pdf_javascript"),
    b"Launch": ("an action that launches a program", "pdf_launch"),
    b"OpenAction": ("an automatic action that runs when it is opened", "pdf_automatic_action"),
    b"AA": ("an automatic action that runs on page or form events", "pdf_automatic_action"),
    b"EmbeddedFile": ("an attached file", "pdf_attached_file"),
    b"RichMedia": ("embedded media (Flash or video)", "pdf_embedded_media"),
    b"XFA": ("an XFA form", "pdf_xfa"),
}
_NAME = re.compile(rb"/([^\s()<>\[\]{}/%]+)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_ENCRYPT = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")
_EOF = b"%%EOF"
PRINT_AGAIN = (
    "Print it to a new PDF (or export it without scripts and attachments) and upload that copy"
)


def check_pdf(data: bytes, policy: UploadPolicy) -> None:
    if bytes_are_zip(data):
        raise messages.two_kinds(policy)
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
    refuse_active_names(data, policy)
    budget = MAX_INFLATED_PDF
    for match in _STREAM.finditer(data):
        stop = data.find(b"endstream", match.end())
        raw = data[match.end() : stop if stop != -1 else len(data)]
        budget = _scan_stream(raw, budget, policy)


def _scan_stream(raw: bytes, budget: int, policy: UploadPolicy) -> int:
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
        refuse_active_names(tail + chunk, policy)
        tail = chunk[-64:]
        pending = inflater.unconsumed_tail
    return budget


def refuse_active_names(text: bytes, policy: UploadPolicy) -> None:
    for match in _NAME.finditer(text):
        name = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        if name in ACTIVE_NAMES:
            described, code = ACTIVE_NAMES[name]
            raise messages.refuse(
                policy, code, f"is a PDF that contains {described} (/{name.decode()})", PRINT_AGAIN
            )
