"""The negotiation blueprint, shared by its two page modules."""

from flask import Blueprint

bp = Blueprint("negotiation", __name__, url_prefix="/negotiation")
