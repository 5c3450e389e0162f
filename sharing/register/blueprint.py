"""The public register's blueprint: pages anyone may read, and the privacy office's
publication control."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("register", __name__, url_prefix="/register")
