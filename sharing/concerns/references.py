"""Public references of concerns: random, short enough to read aloud, never reused."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from sharing.concerns.models import Concern
from sharing.extensions import db

PREFIX = "SJ-"
# Without 0/O, 1/I/L and 5/S look-alikes, so a reference read from paper or over the phone
# cannot be mistaken for another.
ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"
LENGTH = 8
_ATTEMPTS = 10


def random_reference() -> str:
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def new_reference() -> str:
    """A reference no concern holds yet. With 29^8 (about 5 * 10^11) choices a clash is
    rare; the unique index still guards against two requests choosing the same one."""
    for _ in range(_ATTEMPTS):
        reference = random_reference()
        taken = db.session.scalar(select(Concern.id).where(Concern.reference == reference))
        if taken is None:
            return reference
    raise RuntimeError("could not find an unused concern reference")


def candidates(text: str) -> list[str]:
    """What a reference as typed may stand for: any case, spaces anywhere, and the prefix
    optional (as typed first, then with the prefix)."""
    cleaned = "".join((text or "").split()).upper()[:20]
    if not cleaned:
        return []
    prefixed = PREFIX + cleaned.removeprefix("SJ").removeprefix("-")
    return [cleaned] if cleaned == prefixed else [cleaned, prefixed[:20]]
