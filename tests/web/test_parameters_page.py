"""The agreement parameters page in plain language: parameters and obligations by their
titles, the page in sections with a contents list, and errors summarised at the top."""

from __future__ import annotations

import re

from tests.web.tables.agreements import draft
from tests.web.tables.obligations import published_policy


def _text(html: str) -> str:
    """What a reader sees: the page without its tags (and so without attributes)."""
    body = html[html.index("<main") :]
    return re.sub(r"<[^>]+>", " ", body)


def _page(client, agreement) -> str:
    response = client.get(f"/agreements/{agreement.id}/parameters")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_parameters_are_labelled_by_title_and_no_key_is_shown(client, login_as, db):
    """Each field's label is the parameter's title; no parameter key is visible text."""
    agreement = draft()
    login_as("privacy")

    html = _page(client, agreement)

    label = re.search(r'<label[^>]*for="breach_notice_hours"[^>]*>([^<]+)</label>', html)
    assert label and label.group(1).startswith("Hours to report an incident")
    visible = _text(html)
    for key in agreement.parameters:
        assert key not in visible, key


def test_obligations_show_their_title_first_and_the_code_as_secondary_text(client, login_as, db):
    """The obligation's title leads; its code follows in small secondary text."""
    agreement = draft()
    login_as("privacy")

    html = _page(client, agreement)

    start = html.index('id="obligation-BRN-1"')
    heading = html[start : html.index("</h3>", start)]
    title_first = r'<h3 class="h6 mb-1">\d+\. Report incidents[^<]*<span class="small text-muted'
    assert re.search(title_first, heading)
    assert "(BRN-1)</span>" in heading
    assert "badge" not in heading


def test_contents_list_links_to_every_section(client, login_as, db):
    """The contents list at the top links to each section, and each target exists."""
    agreement = draft()
    login_as("privacy")

    html = _page(client, agreement)

    contents = re.search(r'<nav[^>]*id="parameters-contents".*?</nav>', html, flags=re.S).group(0)
    targets = re.findall(r'href="#([^"]+)"', contents)
    assert "obligations-with-parameters" in targets and "agreement-terms" in targets
    assert "obligations-without-parameters" in targets
    for target in targets:
        assert f'<section id="{target}"' in html, target
    assert html.index('id="parameters-contents"') < html.index('id="obligations-with-parameters"')


def test_failed_save_puts_an_error_summary_at_the_top_linking_to_the_field(client, login_as, db):
    """A value out of bounds is listed at the top, as a link to the field, in a box that
    takes focus; the error also stays beside the field, and the title says there is one."""
    agreement = draft()
    login_as("privacy")
    values = {name: str(value) for name, value in agreement.parameters.items()}

    response = client.post_form(
        f"/agreements/{agreement.id}/parameters",
        {**values, "breach_notice_hours": "999", "version": agreement.version},
    )

    html = response.get_data(as_text=True)
    summary = re.search(r'<div[^>]*id="error-summary".*?</div>', html, flags=re.S).group(0)
    assert "data-error-summary" in summary and 'tabindex="-1"' in summary
    assert re.search(r'href="#breach_notice_hours"[^>]*>Hours to report an incident', summary)
    assert html.index('id="error-summary"') < html.index('id="parameters-contents"')
    assert re.search(r'id="breach_notice_hours-error"[^>]*>Must be between 24 and 168', html)
    assert "<title>Error:" in html


def test_page_without_errors_has_no_summary(client, login_as, db):
    """A page that has not failed shows no error summary."""
    agreement = draft()
    login_as("privacy")

    assert 'id="error-summary"' not in _page(client, agreement)


def test_policy_version_lists_obligations_by_title_with_the_code_secondary(client, login_as, db):
    """The policy page's row header is the obligation's title; the code follows in small
    text, and parameters read by their titles before their keys."""
    version = published_policy()
    login_as("procurement")

    html = client.get(f"/obligations/{version.id}").get_data(as_text=True)

    row = re.search(r'<tr id="obligation-BRN-1">.*?</tr>', html, flags=re.S).group(0)
    assert re.search(r'<th scope="row"><a [^>]*>Report incidents[^<]*</a> <span class="small', row)
    assert "(BRN-1)</span>" in row
    assert re.search(r"<li>Hours to report an incident: default 72", row)


def test_agreement_page_lists_its_obligations_by_title(client, login_as, db):
    """A generated agreement's page names each included obligation by title, code after."""
    agreement = draft(generated=True)
    login_as("procurement")

    html = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)

    listed = re.search(r'<ul[^>]*id="agreement-obligations">.*?</ul>', html, flags=re.S).group(0)
    assert re.search(r"<li>Report incidents quickly[^<]* <span[^>]*>\(BRN-1\)</span>", listed)
    assert listed.count("<li>") == len(agreement.obligation_codes)
