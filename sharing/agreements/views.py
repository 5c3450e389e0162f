"""Pages of the agreements blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("agreements", __name__, url_prefix="/agreements")
