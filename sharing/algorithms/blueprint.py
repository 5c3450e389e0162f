"""The algorithms blueprint."""

from flask import Blueprint

bp = Blueprint("algorithms", __name__, url_prefix="/algorithms")
