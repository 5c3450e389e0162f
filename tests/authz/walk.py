"""What the matrix walk and the CSRF walk share: the CSV, sending, snapshots."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.web.test_vendor_isolation import _files, _rows

MATRIX = Path(__file__).with_name("matrix.csv")
SIGN_IN = "/auth/sign-in"
# Every signed-in role may open this page, so it always carries a token for that session.
TOKEN_PAGE = "/auth/account"
# Anonymous visitors may post these; elsewhere their 302 is the way to sign-in.
PUBLIC_POSTS = {"auth.sign_in", "auth.accept_invitation", "concerns.new"}
# Public pages whose 302 leads somewhere other than sign-in (the concern receipt, read once,
# leads back to the form).
PUBLIC_REDIRECTS = {"concerns.received"}


def load_matrix() -> list[dict[str, str]]:
    with MATRIX.open(newline="") as handle:
        return list(csv.DictReader(handle))


def refused(row: dict, principal: str, status: int) -> bool:
    """A refusal: 403, 404, or an anonymous visitor sent to sign in from a private route."""
    if status in (403, 404):
        return True
    public = PUBLIC_POSTS | PUBLIC_REDIRECTS
    return principal == "anonymous" and status == 302 and row["endpoint"] not in public


def token_for(client, user) -> str:
    return client.csrf_token(SIGN_IN if user is None else TOKEN_PAGE)


def send(client, method: str, url: str, data: dict, token: str | None):
    if method == "GET":
        return client.get(url)
    payload = dict(data)
    if token is not None:
        payload["csrf_token"] = token
    return client.open(url, method=method, data=payload)


def snapshot(app, db) -> tuple[dict, list[str]]:
    """Every row of every table and every stored file."""
    return _rows(db), _files(app)
