"""argon2id password hashing, with parameters from configuration."""

from __future__ import annotations

from contextlib import suppress

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# RFC 9106's second recommended option, the argon2-cffi default: 64 MiB, 3 passes.
PRODUCTION_PARAMETERS = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}


def hasher() -> PasswordHasher:
    params = current_app.config.get("ARGON2_PARAMETERS") or PRODUCTION_PARAMETERS
    return PasswordHasher(type=Type.ID, **params)


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    ph = hasher()
    if not stored_hash:
        # Spend the same effort as a real check, so that timing does not reveal the account.
        _burn(ph, password)
        return False
    try:
        return ph.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return hasher().check_needs_rehash(stored_hash)


_DUMMY: dict[tuple, str] = {}


def _dummy_hash(ph: PasswordHasher) -> str:
    key = (ph.time_cost, ph.memory_cost, ph.parallelism)
    if key not in _DUMMY:
        _DUMMY[key] = ph.hash("not a real password")
    return _DUMMY[key]


def _burn(ph: PasswordHasher, password: str) -> None:
    with suppress(VerificationError, InvalidHashError):
        ph.verify(_dummy_hash(ph), password)
