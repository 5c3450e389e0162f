"""Lifecycle pages through the client with CSRF: roles, forms that keep input, upload, download."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

from flask import render_template
from sqlalchemy import select

from sharing.agreements import files, lifecycle
from sharing.agreements.models import Agreement, AgreementStatus
from sharing.audit.models import AuditEvent
from sharing.core.clock import today
from sharing.extensions import db
from tests.factories import make_user
from tests.web.tables.agreement_lifecycle import (
    SAMPLE_PDF,
    make_agreement,
    make_signed_agreement,
)

S = AgreementStatus


def _reload(agreement_id: int) -> Agreement:
    db.session.expire_all()
    return db.session.get(Agreement, agreement_id)


def _routes(agreement: Agreement) -> list[tuple[str, str]]:
    base = f"/agreements/{agreement.id}"
    return [
        ("POST", f"{base}/step/send_for_signature"),
        ("GET", f"{base}/execute"),
        ("POST", f"{base}/execute"),
        ("GET", f"{base}/terminate"),
        ("POST", f"{base}/terminate"),
        ("GET", f"{base}/renew"),
        ("POST", f"{base}/renew"),
        ("GET", f"{base}/signed.pdf"),
    ]


def test_vendor_gets_403_on_every_lifecycle_route(client, login_as):
    """Vendor users reach none of the lifecycle routes, even for their own organisation."""
    agreement = make_signed_agreement(S.ACTIVE)
    login_as("vendor", organisation_id=agreement.organisation_id)
    token = client.csrf_token("/auth/account")
    for method, url in _routes(agreement):
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token, "reason": "x"})
        assert response.status_code == 403, (method, url)
    assert _reload(agreement.id).status == S.ACTIVE


def test_privacy_can_take_an_agreement_back_from_signature(client, login_as):
    """The step posts with the version, redirects to the agreement, and moves it back."""
    agreement = make_agreement(S.SENT_FOR_SIGNATURE)
    login_as("privacy")
    response = client.post_form(
        f"/agreements/{agreement.id}/step/withdraw_signature",
        {"version": str(agreement.version)},
        from_url="/auth/account",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/agreements/{agreement.id}"
    assert _reload(agreement.id).status == S.GENERATED


def test_procurement_cannot_terminate(client, login_as):
    """Termination is the privacy office's: procurement gets 403 on the page and the post."""
    agreement = make_agreement(S.ACTIVE)
    login_as("procurement")
    assert client.get(f"/agreements/{agreement.id}/terminate").status_code == 403
    response = client.post_form(
        f"/agreements/{agreement.id}/terminate",
        {"reason": "Contract breached", "version": str(agreement.version)},
        from_url="/auth/account",
    )
    assert response.status_code == 403
    step = client.post_form(
        f"/agreements/{agreement.id}/step/terminate",
        {"version": str(agreement.version)},
        from_url="/auth/account",
    )
    assert step.status_code == 403
    assert _reload(agreement.id).status == S.ACTIVE


def test_a_stale_step_is_refused_with_a_message(client, login_as):
    """A step posted with an old version does nothing and says why."""
    agreement = make_agreement(S.GENERATED)
    login_as("privacy")
    response = client.post_form(
        f"/agreements/{agreement.id}/step/send_for_signature",
        {"version": str(agreement.version + 5)},
        from_url="/auth/account",
    )
    assert response.status_code == 302
    assert _reload(agreement.id).status == S.GENERATED
    with client.session_transaction() as session:
        messages = [message for _, message in session["_flashes"]]
    assert any("changed this agreement" in m for m in messages)


def test_terminate_requires_a_reason_and_keeps_what_was_typed(client, login_as):
    """Without a reason the form comes back with the date typed and the error on the field."""
    agreement = make_agreement(S.ACTIVE)
    login_as("privacy")
    typed = (today() - timedelta(days=2)).isoformat()
    response = client.post_form(
        f"/agreements/{agreement.id}/terminate",
        {"reason": "", "terminated_on": typed, "version": str(agreement.version)},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="reason-error"' in html and "Say why the agreement is terminated." in html
    assert f'value="{typed}"' in html
    assert 'data-confirm="Terminate this agreement?' in html
    assert _reload(agreement.id).status == S.ACTIVE


def test_terminate_refuses_a_future_date_beside_the_field(client, login_as):
    """A termination date in the future is refused on its field; the reason is kept."""
    agreement = make_agreement(S.ACTIVE)
    login_as("admin")
    response = client.post_form(
        f"/agreements/{agreement.id}/terminate",
        {
            "reason": "Vendor sold the business",
            "terminated_on": (today() + timedelta(days=3)).isoformat(),
            "version": str(agreement.version),
        },
    )
    html = response.get_data(as_text=True)
    assert 'id="terminated_on-error"' in html
    assert "Vendor sold the business" in html
    assert _reload(agreement.id).status == S.ACTIVE


def test_terminate_round_trip(client, login_as):
    """A reason and today's date terminate the agreement and redirect to it."""
    agreement = make_agreement(S.EXECUTED)
    login_as("privacy")
    response = client.post_form(
        f"/agreements/{agreement.id}/terminate",
        {"reason": "Never started", "version": str(agreement.version)},
    )
    assert response.status_code == 302
    saved = _reload(agreement.id)
    assert saved.status == S.TERMINATED and saved.terminated_on == today()
    assert saved.termination_reason == "Never started"


def _execute_form(agreement, data=SAMPLE_PDF, **changes):
    form = {
        "signed_pdf": (BytesIO(data), "Signed DPA.pdf", "application/pdf"),
        "signed_on": (today() - timedelta(days=1)).isoformat(),
        "version": str(agreement.version),
    }
    form.update(changes)
    return form


def test_execute_upload_round_trip_and_signed_copy_download(client, login_as):
    """The signed PDF is archived and comes back under the agreement number's name."""
    agreement = make_agreement(
        S.SENT_FOR_SIGNATURE,
        number="DSA-2026-0042",
        term_months=12,
        effective_date=date(2027, 1, 1),
    )
    login_as("procurement")
    response = client.post_form(f"/agreements/{agreement.id}/execute", _execute_form(agreement))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/agreements/{agreement.id}"
    saved = _reload(agreement.id)
    assert saved.status == S.EXECUTED
    assert saved.expiry_date == date(2027, 12, 31)
    download = client.get(f"/agreements/{agreement.id}/signed.pdf")
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.data == SAMPLE_PDF
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "DSA-2026-0042-signed.pdf" in disposition


def test_execute_rejection_keeps_the_date_and_shows_the_error_beside_the_file(client, login_as):
    """A file that is not a PDF is refused on its field, the date stays, nothing is stored."""
    agreement = make_agreement(S.SENT_FOR_SIGNATURE, effective_date=date(2027, 1, 1))
    login_as("privacy")
    signed_on = (today() - timedelta(days=4)).isoformat()
    form = _execute_form(agreement, data=b"PK\x03\x04 a docx really", signed_on=signed_on)
    response = client.post_form(f"/agreements/{agreement.id}/execute", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="signed_pdf-error"' in html and "The signed agreement file is a zip" in html
    assert f'value="{signed_on}"' in html
    assert list(files.agreement_dir().iterdir()) == []
    assert _reload(agreement.id).status == S.SENT_FOR_SIGNATURE


def test_execute_date_error_is_shown_beside_its_field(client, login_as):
    """A signing date in the future is refused on its field."""
    agreement = make_agreement(S.SENT_FOR_SIGNATURE, effective_date=date(2027, 1, 1))
    login_as("admin")
    form = _execute_form(agreement, signed_on=(today() + timedelta(days=2)).isoformat())
    html = client.post_form(f"/agreements/{agreement.id}/execute", form).get_data(as_text=True)
    assert 'id="signed_on-error"' in html
    assert list(files.agreement_dir().iterdir()) == []


def test_execute_page_redirects_when_the_agreement_is_not_out_for_signature(client, login_as):
    """The upload page opens only for agreements sent for signature."""
    agreement = make_agreement(S.GENERATED)
    login_as("privacy")
    response = client.get(f"/agreements/{agreement.id}/execute")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/agreements/{agreement.id}"


def test_signed_copy_is_404_when_none_was_uploaded(client, login_as):
    """No signed PDF, no download."""
    agreement = make_agreement(S.SENT_FOR_SIGNATURE)
    login_as("privacy")
    assert client.get(f"/agreements/{agreement.id}/signed.pdf").status_code == 404


def test_renew_page_says_what_to_do_when_no_successor_exists(client, login_as):
    """With nothing to choose, the page asks for a renewal amendment first."""
    agreement = make_agreement(S.EXPIRING)
    login_as("privacy")
    html = client.get(f"/agreements/{agreement.id}/renew").get_data(as_text=True)
    assert "Generate a renewal amendment first" in html
    assert 'id="renew-form"' not in html


def test_renew_round_trip_offers_only_eligible_successors(client, login_as):
    """The select lists the organisation's newer agreements; choosing one renews."""
    agreement = make_agreement(S.ACTIVE)
    successor = make_agreement(S.GENERATED, organisation_id=agreement.organisation_id)
    stranger = make_agreement(S.GENERATED)
    login_as("admin")
    html = client.get(f"/agreements/{agreement.id}/renew").get_data(as_text=True)
    assert successor.number in html and stranger.number not in html
    response = client.post_form(
        f"/agreements/{agreement.id}/renew",
        {"successor": str(successor.id), "version": str(agreement.version)},
    )
    assert response.status_code == 302
    saved = _reload(agreement.id)
    assert saved.status == S.RENEWED and saved.successor_id == successor.id


def test_lifecycle_partial_shows_dates_cancel_by_and_the_allowed_buttons(app, db):
    """The partial highlights the cancel-by date in the window and posts steps with the version."""
    on = date(2026, 11, 21)
    agreement = make_signed_agreement(
        S.ACTIVE, expiry_date=on + timedelta(days=30), notice_days=60, auto_renew=True
    )
    predecessor = make_agreement(S.RENEWED, organisation_id=agreement.organisation_id)
    agreement.renews_id = predecessor.id
    db.session.commit()
    user = make_user("privacy")
    with app.test_request_context():
        html = render_template(
            "agreements/_lifecycle.html",
            agreement=agreement,
            lifecycle_actions=lifecycle.available_actions(agreement, user, today=on),
            today=on,
        )
    assert "<mark>" in html and "In the notice window" in html
    assert f"/agreements/{agreement.id}/signed.pdf" in html
    assert predecessor.number in html
    assert 'id="action-renew"' in html and 'id="action-terminate"' in html
    assert 'id="action-send_for_signature"' not in html


def test_lifecycle_partial_posts_one_click_steps_with_csrf_and_version(app, db):
    """A one-click step is a POST form carrying the CSRF token and the version shown."""
    agreement = make_agreement(S.SENT_FOR_SIGNATURE)
    user = make_user("privacy")
    with app.test_request_context():
        html = render_template(
            "agreements/_lifecycle.html",
            agreement=agreement,
            lifecycle_actions=lifecycle.available_actions(agreement, user, today=today()),
            today=today(),
        )
    assert f'action="/agreements/{agreement.id}/step/withdraw_signature"' in html
    assert 'name="csrf_token"' in html
    assert f'name="version" value="{agreement.version}"' in html
    assert "<mark>" not in html


def test_each_step_writes_one_audit_event_naming_the_agreement(client, login_as):
    """The activation step, posted by the privacy office, is audited with the request."""
    agreement = make_agreement(S.EXECUTED, effective_date=today())
    login_as("privacy")
    client.post_form(
        f"/agreements/{agreement.id}/step/activate",
        {"version": str(agreement.version)},
        from_url="/auth/account",
    )
    db.session.expire_all()
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "agreement.activated")
    ).all()
    assert [e.object_id for e in events] == [str(agreement.id)]
    assert events[0].ip == "127.0.0.1"
