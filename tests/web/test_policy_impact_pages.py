"""What a newer policy version means on the pages: the impact page groups every agreement not
yet ended by status with the step it needs, in a constant number of queries; an agreement's
page warns staff (never the vendor portal); the amendment link names the agreement renewed."""

from __future__ import annotations

from html import escape

from sqlalchemy import event

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.extensions import db
from tests.fixtures.policies import publish_newer
from tests.web.tables.agreements import draft

S = AgreementStatus
LISTED = (S.DRAFT, S.GENERATED, S.SENT_FOR_SIGNATURE, S.ACTIVE)
NOTICE = (
    "Policy 2026.2 (effective December 1, 2026) has been published since this agreement was "
    "drafted under 2026.1."
)


def _agreement(status: AgreementStatus, policy_version_id: int | None = None) -> Agreement:
    """An agreement in `status`, drafted under the latest policy or the one given."""
    agreement = draft(generated=status != S.DRAFT)
    agreement.status = status
    agreement.policy_version_id = policy_version_id or agreement.policy_version_id
    db.session.commit()
    return agreement


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _group(html: str, status: AgreementStatus) -> str:
    """The table under one status heading."""
    start = html.index(f'id="impact-table-{status.value}"')
    return html[start : html.index("</table>", start)]


def _count_queries(client, url: str) -> int:
    statements: list[str] = []

    def count(*_args):
        statements.append("q")

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        _html(client, url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_impact_page_lists_each_open_agreement_under_its_status_with_its_action(client, login_as):
    """Draft, generated, sent and active agreements appear under their own headings with the
    step each needs; terminated and expired ones are not listed."""
    made = {status: _agreement(status) for status in (*LISTED, S.TERMINATED, S.EXPIRED)}
    version = publish_newer()
    login_as("privacy")

    html = _html(client, f"/obligations/{version.id}/impact")

    for status in LISTED:
        assert f'id="impact-{status.value}">{status.label} (1)' in html
        assert f'id="impact-row-{made[status].id}"' in _group(html, status)
    for status in (S.TERMINATED, S.EXPIRED):
        assert f'id="impact-row-{made[status].id}"' not in html
        assert f'id="impact-table-{status.value}"' not in html
    drafted, active = made[S.DRAFT], made[S.ACTIVE]
    assert (
        f'<a href="/agreements/{drafted.id}/preview" data-action="regenerate">'
        "Regenerate on policy 2026.2</a>"
    ) in _group(html, S.DRAFT)
    assert "Regenerate on policy 2026.2" in _group(html, S.GENERATED)
    assert "Withdraw and regenerate, or let it be signed and amend" in _group(
        html, S.SENT_FOR_SIGNATURE
    )
    amend = escape(f"/agreements/new?organisation={active.organisation_id}&renews={active.id}")
    assert f'href="{amend}" data-action="amend">Prepare a renewal amendment' in _group(
        html, S.ACTIVE
    )
    assert "BRN-1" in _group(html, S.ACTIVE) and "removed" in _group(html, S.ACTIVE)


def test_impact_page_says_so_when_no_agreement_is_affected(client, login_as):
    """With only ended agreements under the older version, the page shows its empty state."""
    _agreement(S.TERMINATED)
    version = publish_newer()
    login_as("procurement")

    html = _html(client, f"/obligations/{version.id}/impact")

    assert 'id="no-impact"' in html and 'id="impact-summary"' not in html


def test_procurement_reads_the_actions_without_links_it_cannot_use(client, login_as):
    """Drafting an amendment or regenerating is the privacy office's; procurement reads the
    step in words."""
    active = _agreement(S.ACTIVE)
    version = publish_newer()
    login_as("procurement")

    html = _html(client, f"/obligations/{version.id}/impact")

    assert '<span data-action="amend">Prepare a renewal amendment</span>' in html
    assert f"renews={active.id}" not in html


def test_impact_page_query_count_does_not_grow_with_agreements(client, login_as):
    """Organisations, policies, flows and categories are loaded in bulk (no N+1)."""
    older = _agreement(S.ACTIVE).policy_version_id
    version = publish_newer()
    login_as("privacy")
    url = f"/obligations/{version.id}/impact"
    few = _count_queries(client, url)
    for status in LISTED * 3:
        _agreement(status, policy_version_id=older)
    many = _count_queries(client, url)
    assert 'id="impact-count-draft">3<' in _html(client, url)
    assert many == few


def test_publish_page_shows_the_same_groups_before_publishing(client, login_as):
    """The draft's publish page lists the open agreements it would affect, by status."""
    from tests.web.tables.obligations import draft_policy

    drafted = _agreement(S.DRAFT)
    version = draft_policy()
    login_as("privacy")

    html = _html(client, f"/obligations/{version.id}/publish")

    assert '<h3 class="h5 mt-3" id="impact-draft">Draft (1)</h3>' in html
    assert f'id="impact-row-{drafted.id}"' in html


def test_agreement_page_warns_staff_of_a_newer_policy(client, login_as):
    """The warning names the newer version, its date, the agreement's version, how many of its
    obligations changed, the step, and links to the impact page."""
    agreement = _agreement(S.DRAFT)
    login_as("privacy")
    assert 'id="policy-notice"' not in _html(client, f"/agreements/{agreement.id}")
    version = publish_newer()

    html = _html(client, f"/agreements/{agreement.id}")

    assert NOTICE in html
    assert "2 obligations changed for this agreement." in html
    assert f'href="/agreements/{agreement.id}/preview" data-action="regenerate"' in html
    assert f'href="/obligations/{version.id}/impact"' in html
    assert NOTICE in _html(client, f"/agreements/{agreement.id}/preview")
    login_as("procurement")
    assert NOTICE in _html(client, f"/agreements/{agreement.id}")


def test_agreement_page_has_no_warning_once_ended_or_on_the_latest_policy(client, login_as):
    """A terminated agreement, and a draft drafted under the newest version, show no notice."""
    ended = _agreement(S.TERMINATED)
    publish_newer()
    current = _agreement(S.DRAFT)
    login_as("privacy")

    for agreement in (ended, current):
        assert 'id="policy-notice"' not in _html(client, f"/agreements/{agreement.id}")


def test_regenerating_from_the_page_moves_the_draft_and_clears_the_warning(client, login_as):
    """Generating a draft drafted under 2026.1 puts it on 2026.2; the warning goes."""
    agreement = _agreement(S.DRAFT)
    version = publish_newer()
    login_as("privacy")
    response = client.post_form(
        f"/agreements/{agreement.id}/generate",
        {"version": agreement.version},
        from_url=f"/agreements/{agreement.id}/preview",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).policy_version_id == version.id
    assert 'id="policy-notice"' not in _html(client, f"/agreements/{agreement.id}")


def test_the_vendor_portal_never_shows_the_policy_warning(client, login_as):
    """Vendor users read their agreement in the portal without the staff notice."""
    agreement = _agreement(S.ACTIVE)
    publish_newer()
    login_as("vendor", organisation_id=agreement.organisation_id)

    html = _html(client, f"/portal/agreements/{agreement.id}")

    assert agreement.number in html
    assert 'id="policy-notice"' not in html and "2026.2" not in html
    assert client.get(f"/agreements/{agreement.id}").status_code == 403


def test_the_amendment_link_opens_the_form_with_the_agreement_renewed(client, login_as):
    """/agreements/new?organisation=..&renews=.. preselects the agreement to renew."""
    active = _agreement(S.ACTIVE)
    login_as("privacy")

    html = _html(
        client, f"/agreements/new?organisation={active.organisation_id}&renews={active.id}"
    )

    assert f'<option selected value="{active.id}">' in html
