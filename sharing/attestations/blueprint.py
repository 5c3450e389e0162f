"""The attestations blueprint object, shared by the request and evidence view modules."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("attestations", __name__, url_prefix="/attestations")
