"""The algorithms blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("algorithms", __name__, url_prefix="/algorithms")
