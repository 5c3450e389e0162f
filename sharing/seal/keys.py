"""Encrypting the certificate's password at rest, with a key derived from SECRET_KEY."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

# Binds the derived key to this use, so the same SECRET_KEY yields other keys elsewhere.
CONTEXT = b"sharing seal certificate password"


def _fernet(secret_key: str | bytes | None = None) -> Fernet:
    secret = secret_key if secret_key is not None else current_app.config["SECRET_KEY"]
    raw = secret.encode() if isinstance(secret, str) else secret
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=CONTEXT).derive(raw)
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt_password(password: str) -> bytes:
    return _fernet().encrypt(password.encode())


def decrypt_password(token: bytes) -> str:
    """The password in clear; raises InvalidToken when SECRET_KEY changed since it was stored."""
    return _fernet().decrypt(token).decode()


__all__ = ["InvalidToken", "decrypt_password", "encrypt_password"]
