"""Staff pages of the disclosures package: the incident register."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("disclosures", __name__, url_prefix="/disclosures")
