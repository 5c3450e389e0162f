"""The renewals blueprint object, shared by the reminder and calendar view modules."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("renewals", __name__, url_prefix="/renewals")
