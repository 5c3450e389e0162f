"""The health check: the one page core serves itself (the home page is reports'
dashboard blueprint)."""

from __future__ import annotations

from flask import Blueprint

from sharing.core.database import database_answers

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz():
    if database_answers():
        return {"status": "ok", "database": "ok"}, 200
    return {"status": "error", "database": "unreachable"}, 503
