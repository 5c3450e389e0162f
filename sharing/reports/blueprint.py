"""The reports blueprint object, shared by the import and export view modules."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
