"""The name an upload is shown, listed and downloaded under: never a path, never a control
character, never a bidirectional override that makes `x\u202egpj.pdf` read as `xfdp.jpg`."""

from __future__ import annotations

import re
import unicodedata

from sharing.core.downloads import BIDI_CONTROLS

MAX_NAME_LENGTH = 120
MAX_SUFFIX_LENGTH = 10

_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


def clean_name(name: str | None, *, suffix: str = "") -> str:
    """The name to store and show: NFC, no controls, no folder part, at most 120 characters
    with its extension kept; an empty result becomes "upload" with `suffix`."""
    text = unicodedata.normalize("NFC", name or "")
    text = BIDI_CONTROLS.sub("", _CONTROLS.sub("", text))
    text = text.replace("\\", "/").rsplit("/", 1)[-1].strip().rstrip(". ")
    if text in (".", ".."):
        text = ""
    if not text:
        return f"upload{suffix}"
    if len(text) > MAX_NAME_LENGTH:
        stem, dot, extension = text.rpartition(".")
        if dot and stem and len(extension) < MAX_SUFFIX_LENGTH:
            text = f"{stem[: MAX_NAME_LENGTH - len(extension) - 1]}.{extension}"
        else:
            text = text[:MAX_NAME_LENGTH]
    return text


def extension_of(name: str) -> str:
    """The lower-cased extension with its dot ("" when there is none)."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or not extension or " " in extension:
        return ""
    return f".{extension.lower()}"
