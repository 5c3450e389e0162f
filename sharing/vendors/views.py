"""Pages of the vendors blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("vendors", __name__, url_prefix="/vendors")
