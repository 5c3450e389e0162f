"""Download names and the Content-Disposition header (RFC 6266, with RFC 5987's filename*).

Every download goes through `content_disposition` (or `attach`), so names in any script reach
the browser intact: an ASCII `filename` for old clients, transliterated so it stays readable,
and a percent-encoded UTF-8 `filename*` that keeps the original letters. Both keep out path
separators, quotes and control characters, whatever the name was made from.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Response

# Letters that NFKD does not split into a base letter and a mark.
_TRANSLITERATE = str.maketrans(
    {
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "ħ": "h",
        "Ħ": "H",
        "ı": "i",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "Th",
    }
)
# Separators, quotes, characters Windows refuses in names, and control characters.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f/\\"\'<>:|?*;%`]+')
# Bidirectional marks and overrides: `x\u202egpj.pdf` would read as `xfdp.jpg`.
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
_SPACES = re.compile(r"\s+")
# RFC 5987 attr-char, less the characters `_UNSAFE` has already removed.
_ATTR_SAFE = "!#$&+-.^_~"


def clean_file_name(name: str, *, default: str = "download") -> str:
    """`name` in NFC, without unsafe characters, leading dots or surrounding spaces."""
    text = BIDI_CONTROLS.sub("", unicodedata.normalize("NFC", name or ""))
    text = _SPACES.sub(" ", _UNSAFE.sub("-", text)).strip(" .-")
    return text[:200] or default


def ascii_file_name(name: str, *, default: str = "download") -> str:
    """A readable ASCII form of `name`: "Sài Gòn Đà" becomes "Sai Gon Da"."""
    text = unicodedata.normalize("NFKD", clean_file_name(name).translate(_TRANSLITERATE))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.encode("ascii", "ignore").decode("ascii")
    return clean_file_name(text, default=default)


def slug(text: str, *, default: str, limit: int = 60) -> str:
    """A lower-case, hyphenated part of a file name that keeps letters of every script."""
    words = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", text or "").casefold())
    return words[:limit].strip("-") or default


def content_disposition(name: str, *, inline: bool = False) -> str:
    """The header value; `filename*` is added only when the name is not plain ASCII."""
    kind = "inline" if inline else "attachment"
    name = clean_file_name(name)
    fallback = ascii_file_name(name)
    value = f'{kind}; filename="{fallback}"'
    if name != fallback:
        value += f"; filename*=UTF-8''{quote(name, safe=_ATTR_SAFE)}"
    return value


def attach(response: Response, name: str, *, inline: bool = False) -> Response:
    """Set the download name on `response` (after send_file, whose fallback drops letters)."""
    response.headers["Content-Disposition"] = content_disposition(name, inline=inline)
    return response
