"""The agreements blueprint object, shared by the agreement and template view modules."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("agreements", __name__, url_prefix="/agreements")
