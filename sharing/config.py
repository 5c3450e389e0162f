"""Configuration: safe defaults, then SHARING_* environment variables, then a test mapping."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Config, Flask

from sharing.core.database import normalise_database_url

DEFAULTS: dict[str, Any] = {
    # "production" or "development". Production is the default so nothing ships insecure.
    "ENV": "production",
    "SECRET_KEY": None,
    "DATABASE_URL": None,  # None: a SQLite file in the instance folder
    "SQLITE_BUSY_TIMEOUT_MS": 30_000,
    "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
    "UPLOAD_DIR": None,  # None: <instance>/files
    "IMPORT_MAX_BYTES": 20 * 1024 * 1024,
    "IMPORT_BACKGROUND": True,  # large imports run in a thread; tests turn this off
    "IMPORT_BACKGROUND_BYTES": 200_000,  # files larger than this, or with more rows than
    "IMPORT_BACKGROUND_ROWS": 2_000,  # this, are processed in the background
    "IMPORT_PREVIEW_HOURS": 24,  # an unconfirmed preview is discarded after this
    "AGREEMENT_TEMPLATE_RENDER_SECONDS": 10,  # limits on the trial render of an uploaded
    "AGREEMENT_TEMPLATE_RENDER_MEMORY_MB": 512,  # agreement template
    "AGREEMENT_PDF_TIMEOUT_SECONDS": 60,  # a LibreOffice conversion is killed after this
    "AGREEMENT_SIGNED_MAX_BYTES": 20 * 1024 * 1024,  # limit on an uploaded signed PDF
    "EVIDENCE_MAX_BYTES": 20 * 1024 * 1024,  # limit on one evidence file
    "EVIDENCE_MAX_PIXELS": 40_000_000,  # an evidence image with more pixels is refused
    "SOFFICE_BINARY": "soffice",  # LibreOffice's command, on PATH or as a full path
    # "host:port" of a unoserver keeping LibreOffice warm; blank: a one-off soffice per PDF
    "PDF_UNOSERVER": "",
    "CITY_NAME": "City of San José",  # the City party of generated agreements
    "CITY_ADDRESS": "200 E. Santa Clara Street, San José, CA 95113",
    "CITY_SIGNATORY_NAME": "",  # blank: the signature block leaves the name to be written in
    "CITY_SIGNATORY_TITLE": "Digital Privacy Officer",
    # Where agreements send notices (at CITY_ADDRESS) and report security incidents.
    "CITY_PRIVACY_OFFICE_NAME": "Digital Privacy Office",
    "CITY_PRIVACY_OFFICE_EMAIL": "digitalprivacy@sanjoseca.gov",
    "CITY_SECURITY_OFFICE_NAME": "Information Security Office",
    "CITY_SECURITY_OFFICE_EMAIL": "security@sanjoseca.gov",
    # The open-data catalog (/register/data.json); blank: the CITY_* name and privacy office.
    "REGISTER_PUBLISHER": "",
    "REGISTER_CONTACT_NAME": "",
    "REGISTER_CONTACT_EMAIL": "",
    # The license of the register's open data: a URL, as DCAT-US asks.
    "REGISTER_LICENSE": "https://creativecommons.org/publicdomain/zero/1.0/",
    # Federal agencies only (DCAT-US bureauCode "015:11", programCode "015:001"); a city
    # leaves them blank and the catalog leaves them out.
    "REGISTER_BUREAU_CODE": "",
    "REGISTER_PROGRAM_CODE": "",
    "BASE_URL": "http://127.0.0.1:5000",
    "TIMEZONE": "America/Los_Angeles",
    "SESSION_HOURS": 8,
    # Sign-in limits (auth/limits.py, docs/SECURITY.md): failures of one account from one
    # address, and from all addresses, before each further attempt waits a delay that starts
    # at SIGNIN_DELAY_SECONDS and doubles up to SIGNIN_MAX_DELAY_MINUTES; consecutive failures
    # that lock the account until an administrator clears it.
    "SIGNIN_MAX_FAILURES": 10,
    "SIGNIN_MAX_FAILURES_PER_ACCOUNT": 50,
    "SIGNIN_DELAY_SECONDS": 5,
    "SIGNIN_MAX_DELAY_MINUTES": 15,
    "SIGNIN_LOCK_FAILURES": 100,
    # The public concern form (concerns/abuse.py): submissions one address may make per hour
    # and per day, the days the office has to answer, and the largest request the form
    # takes. 4,000 characters of Vietnamese are about 36 KB once percent-encoded, so the cap
    # leaves room for a full text in any of the City's three languages.
    "CONCERN_LIMIT_HOUR": 5,
    "CONCERN_LIMIT_DAY": 20,
    "CONCERN_RESPONSE_DAYS": 30,
    "CONCERN_MAX_REQUEST_BYTES": 64 * 1024,
    "INVITATION_DAYS": 7,
    # The days before a disposition directive's due date that the vendor is reminded to
    # submit its certificate (once; once more the day after the due date).
    "DISPOSITION_REMINDER_DAYS": 7,
    "PASSWORD_MIN_LENGTH": 12,
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_USE_STARTTLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_TIMEOUT": 10,
    "MAIL_SENDER": "privacy-office@sharing.invalid",
    "PRIVACY_OFFICE_EMAIL": "privacy-office@sharing.invalid",
    # How many proxies in front of the app set each X-Forwarded-* header (0: trust none).
    # PROXY_FIX=true is the older spelling of one proxy setting For, Proto and Host.
    "PROXY_FIX": False,
    "PROXY_FIX_X_FOR": 0,
    "PROXY_FIX_X_PROTO": 0,
    "PROXY_FIX_X_HOST": 0,
    "PROXY_FIX_X_PORT": 0,
    "PROXY_FIX_X_PREFIX": 0,
    "TESTING": False,
}


class ConfigurationError(RuntimeError):
    """The app refuses to start with this configuration."""


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("SHARING")
    if overrides:
        app.config.from_mapping(overrides)
    _derive(app)


def _derive(app: Flask) -> None:
    cfg = app.config
    production = cfg["ENV"] == "production" and not cfg["TESTING"]
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)

    if not cfg.get("SECRET_KEY"):
        if production:
            raise ConfigurationError(
                "SHARING_SECRET_KEY is not set. Production refuses to start without a secret key."
            )
        cfg["SECRET_KEY"] = _development_secret(instance)

    url = cfg.get("DATABASE_URL") or f"sqlite:///{instance / 'sharing.db'}"
    cfg["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    cfg.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    cfg["UPLOAD_DIR"] = str(Path(cfg.get("UPLOAD_DIR") or instance / "files"))

    _derive_proxy_counts(cfg)
    cfg["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=int(cfg["SESSION_HOURS"]))
    cfg["SESSION_COOKIE_HTTPONLY"] = True
    cfg["SESSION_COOKIE_SAMESITE"] = "Lax"
    cfg["SESSION_COOKIE_SECURE"] = production
    cfg["SESSION_COOKIE_NAME"] = "sharing_session"
    cfg["REMEMBER_COOKIE_HTTPONLY"] = True
    cfg["REMEMBER_COOKIE_SECURE"] = production
    cfg["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    cfg["WTF_CSRF_TIME_LIMIT"] = None  # tied to the session, which already expires
    cfg["BOOTSTRAP_SERVE_LOCAL"] = True
    cfg["PRODUCTION"] = production


PROXY_HEADERS = ("for", "proto", "host", "port", "prefix")


def _derive_proxy_counts(cfg: Config) -> None:
    """Each PROXY_FIX_X_* as a whole number of trusted proxies, from PROXY_FIX if none is set."""
    keys = [f"PROXY_FIX_X_{header.upper()}" for header in PROXY_HEADERS]
    for key in keys:
        cfg[key] = int(cfg.get(key) or 0)
        if cfg[key] < 0:
            raise ConfigurationError(f"SHARING_{key} must be 0 or a positive number of proxies.")
    if cfg.get("PROXY_FIX") and not any(cfg[key] for key in keys):
        for header in ("FOR", "PROTO", "HOST"):
            cfg[f"PROXY_FIX_X_{header}"] = 1


def _development_secret(instance: Path) -> str:
    """A random key kept in the instance folder, so development sessions survive restarts."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
