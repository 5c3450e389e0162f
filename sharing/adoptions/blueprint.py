"""The adoptions blueprint, which offer_views and adoption_views both add their pages to."""

from flask import Blueprint

bp = Blueprint("adoptions", __name__, url_prefix="/adoptions")
