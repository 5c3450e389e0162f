"""Pages of the flows blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("flows", __name__, url_prefix="/flows")
