"""Friendly error pages that never show a stack trace, and DomainError to HTTP mapping."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from sharing.errors import DomainError

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Please go back and try again."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Not found", "There is nothing at this address, or you do not have access to it."),
    405: ("Not allowed", "That action is not available here."),
    409: ("Conflict", "This record was changed by someone else. Reload it and try again."),
    410: ("No longer available", "This link has expired, was already used, or was revoked."),
    413: ("Too large", "The upload is larger than the limit allowed."),
    429: ("Too many attempts", "Too many attempts. Please wait a few minutes and try again."),
    500: ("Something went wrong", "An unexpected error occurred. It has been logged."),
    503: ("Not available", "This step cannot be done until an administrator sets it up."),
}


def render_error(status: int, message: str | None = None):
    title, default = MESSAGES.get(status, MESSAGES[500])
    wants_json = request.accept_mimetypes.best == "application/json"
    text = message or default
    if wants_json:
        return {"error": title, "message": text}, status
    return render_template("errors/error.html", status=status, title=title, message=text), status


def init_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_error(400, "The form expired or was sent from another site. Please retry.")

    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        return render_error(error.status_code, error.message)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        status = error.code or 500
        if status not in MESSAGES:
            return error
        message = error.description if status in (403, 410, 429) and _custom(error) else None
        return render_error(status, message)

    @app.errorhandler(InternalServerError)
    def _internal(error: InternalServerError):
        app.logger.error("unhandled error", exc_info=getattr(error, "original_exception", None))
        return render_error(500)


def _custom(error: HTTPException) -> bool:
    return bool(error.description) and error.description != type(error).description
