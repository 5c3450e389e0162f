"""Request ids, security headers and caching rules applied to every response."""

from __future__ import annotations

import re
import secrets

from flask import Flask, g, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from sharing.core.error_pages import render_error

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# C0 controls other than tab, line feed and carriage return: typed text never holds them,
# PostgreSQL refuses NUL outright (a 500), and escape sequences rewrite terminals and logs.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_CHARACTER_MESSAGE = (
    "The form or address contains control characters (such as NUL or escape) that typed text "
    "never holds. Remove them, or type the text again instead of pasting it, and retry."
)


def init_security(app: Flask) -> None:
    # The client's address (which sign-in limits count) and scheme come from X-Forwarded-*
    # only when the operator says how many proxies set them; otherwise anyone could forge them.
    trusted = {
        f"x_{header}": app.config.get(f"PROXY_FIX_X_{header.upper()}", 0)
        for header in ("for", "proto", "host", "port", "prefix")
    }
    if any(trusted.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **trusted)  # type: ignore[method-assign]

    @app.before_request
    def _assign_request_id() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else secrets.token_hex(8)

    @app.before_request
    def _refuse_control_characters():
        for source in (request.args, request.form):
            for key, values in source.lists():
                if any(_CONTROL_CHARACTERS.search(text) for text in (key, *values)):
                    return render_error(400, CONTROL_CHARACTER_MESSAGE)
        return None

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("PRODUCTION"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if "request_id" in g:
            headers.setdefault("X-Request-ID", g.request_id)
        if current_user and current_user.is_authenticated:
            # Signed-in pages may hold personal data: never keep them in any cache.
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response
