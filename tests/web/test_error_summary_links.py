"""Every form page, posted blank, shows an error summary whose links each lead to an element
of the page (the summary is base.html's, whatever way the form renders its fields)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html

from tests.web.tables.pages import PAGES

# Pages named like forms whose forms post elsewhere or search by GET.
NOT_SELF_POSTING = {
    "agreements.bulk_renewals",
    "agreements.renew",
    "attestations.new_request",
    "disclosures.new_disclosure",
    "renewals.reminders",
    "renewals.calendar",
    "renewals.feed",
}
FORM_PAGES = [
    p
    for p in PAGES
    if ("/new" in p.path or p.path.endswith("/edit")) and p.endpoint not in NOT_SELF_POSTING
]


def _blank_post(form) -> dict[str, str]:
    """What a browser posts when nothing is typed: hidden fields and chosen defaults only."""
    data = {}
    for element in form.xpath(".//input[@type='hidden'][@name]"):
        data[element.get("name")] = element.get("value") or ""
    return data


@pytest.mark.parametrize("page", FORM_PAGES, ids=lambda p: p.endpoint)
def test_summary_links_of_a_blank_post_lead_to_fields_of_the_page(client, login_as, page):
    """Posting a form empty shows a summary at the top whose every link resolves."""
    user = login_as(page.roles[0])
    url = page.url(user)
    tree = lxml_html.fromstring(client.get(url).get_data(as_text=True))
    forms = [
        f
        for f in tree.xpath("//main//form[@method='post']")
        if urlsplit(f.get("action") or url).path == urlsplit(url).path
    ]
    assert forms, "the page's form posts back to it"
    response = client.post(url, data=_blank_post(forms[0]))
    posted = lxml_html.fromstring(response.get_data(as_text=True) or "<p></p>")
    links = posted.xpath('//*[@id="error-summary"]//a/@href')
    assert links, f"{url}: a blank post shows no error summary"
    for href in links:
        assert posted.xpath(f'//*[@id="{href[1:]}"]'), f"{url}: no element {href}"
