"""Text files (CSV): UTF-8, with or without a byte-order mark, or else Windows-1252; UTF-16
is refused by name (Excel's "Unicode Text" is the usual cause), and so are NUL bytes and text
full of control characters. Read in bounded chunks, so a large import is never held whole."""

from __future__ import annotations

import codecs
import re

from sharing.files import messages
from sharing.files.kinds import UploadPolicy
from sharing.files.source import Source

UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# C0 control characters that never appear in text (tab, line feed, CR are fine).
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_SHARE = 0.01
SAVE_UTF8 = "Save it as “CSV UTF-8” and upload it again"


def check_text(source: Source, policy: UploadPolicy) -> str:
    """Refuse what is not readable text; return the codec to read it with."""
    head = source.head()
    if head.startswith(UTF16_BOMS):
        raise messages.refuse(
            policy,
            "encoding",
            "is a CSV or text file saved in the UTF-16 encoding (Excel's “Unicode Text”)",
            SAVE_UTF8,
        )
    if any(b"\x00" in chunk for chunk in source.chunks()):
        raise _binary(policy, "NUL bytes")
    encoding = text_encoding(source)
    if encoding is None:
        raise messages.refuse(
            policy,
            "encoding",
            "is not readable text: its encoding is neither UTF-8 nor Windows-1252",
            SAVE_UTF8,
        )
    sample = head.decode(encoding, errors="ignore")
    if len(_CONTROL.findall(sample)) > max(1, len(sample) * _CONTROL_SHARE):
        raise _binary(policy, "control characters")
    return encoding


def _binary(policy: UploadPolicy, what: str) -> Exception:
    return messages.refuse(
        policy,
        "binary_data",
        f"holds binary data ({what}), so it is not a CSV or text file",
        policy.advice(),
    )


def text_encoding(source: Source) -> str | None:
    """The codec to read the text with: UTF-8 (BOM or not), else Windows-1252, else None."""
    if source.head(len(UTF8_BOM)) == UTF8_BOM:
        return "utf-8-sig" if _decodes(source, "utf-8-sig") else None
    for encoding in ("utf-8", "cp1252"):
        if _decodes(source, encoding):
            return encoding
    return None


def _decodes(source: Source, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        for chunk in source.chunks():
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
