"""The concerns blueprint: the public form and status pages, and the privacy office's cases."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("concerns", __name__, url_prefix="/concerns")
