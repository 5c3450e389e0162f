"""Each question's heading reads as "CODE: title", not the code run into the title."""

from __future__ import annotations

import re

from sharing.attestations.models import AttestationStatus
from tests.web.tables.attestations import CODES, make_request


def _heading_texts(page: str) -> list[str]:
    """The text content of every question heading, tags removed, as a screen reader reads it."""
    headings = re.findall(r'<h3 class="h6 mb-1">(.*?)</h3>', page, flags=re.S)
    return [re.sub(r"<[^>]+>", "", h).strip() for h in headings]


def _assert_code_is_set_apart(page: str) -> None:
    texts = _heading_texts(page)
    assert len(texts) == len(CODES)
    for text in texts:
        assert re.match(r"[A-Z]+-\d+: \S", text), text


def test_questionnaire_headings_separate_the_code_from_the_title(client, login_as):
    vendor = login_as("vendor")
    request = make_request(vendor.organisation_id)
    _assert_code_is_set_apart(client.get(f"/attestations/{request.id}/answer").get_data(True))


def test_review_headings_separate_the_code_from_the_title(client, login_as):
    request = make_request(status=AttestationStatus.SUBMITTED)
    login_as("admin")
    _assert_code_is_set_apart(client.get(f"/attestations/{request.id}/review").get_data(True))
    _assert_code_is_set_apart(client.get(f"/attestations/{request.id}").get_data(True))
