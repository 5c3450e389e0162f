"""The disclosures blueprint object, shared by the incident and disclosure-log view modules."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("disclosures", __name__, url_prefix="/disclosures")
