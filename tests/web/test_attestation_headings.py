"""Each question's heading reads as "title (obligation CODE)": the words first, the code set
apart after them, never a bare code and never the code run into the title."""

from __future__ import annotations

import re

from sharing.attestations.models import AttestationStatus
from tests.web.tables.attestations import CODES, make_request


def _heading_texts(page: str) -> list[str]:
    """The text content of every question heading, tags removed, as a screen reader reads it."""
    headings = re.findall(r'<h[34] class="h6 mb-1"[^>]*>(.*?)</h[34]>', page, flags=re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", h)).strip() for h in headings]


def _assert_title_comes_first(page: str) -> None:
    texts = _heading_texts(page)
    assert len(texts) == len(CODES)
    for text in texts:
        assert re.fullmatch(r"[A-Z][a-z].* \(obligation [A-Z]+-\d+\)", text), text


def test_questionnaire_headings_put_the_title_before_the_code(client, login_as):
    vendor = login_as("vendor")
    request = make_request(vendor.organisation_id)
    _assert_title_comes_first(client.get(f"/attestations/{request.id}/answer").get_data(True))


def test_review_headings_put_the_title_before_the_code(client, login_as):
    request = make_request(status=AttestationStatus.SUBMITTED)
    login_as("admin")
    _assert_title_comes_first(client.get(f"/attestations/{request.id}/review").get_data(True))
    _assert_title_comes_first(client.get(f"/attestations/{request.id}").get_data(True))
