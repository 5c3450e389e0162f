"""General offers and adoptions: the office's offer and its scope, the vendor's consent given
as a signature is, the fit check's reasons, and an adoption generated, signed, countersigned
and executed through the same path as every agreement."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from sharing.adoptions import adopting, consent, fit, offers
from sharing.adoptions.models import OfferStatus
from sharing.agreements import conflicts, drafting, files
from sharing.agreements.models import Agreement, AgreementStatus, TemplateKind
from sharing.agreements.rendering import docx_text
from sharing.audit.models import AuditEvent
from sharing.core.clock import now, today
from sharing.errors import Conflict, Forbidden, NotFound, ValidationFailed
from sharing.extensions import db
from sharing.flows.models import Direction, RiskTier
from sharing.inbox.models import InboxItem
from sharing.obligations.library import DATA_DIR
from sharing.obligations.rules import applicable_obligations
from sharing.obligations.services import load_library
from sharing.signing import countersigning, services
from tests.conftest import TEST_PASSWORD
from tests.factories import (
    add_category,
    make_category,
    make_department,
    make_organisation,
    make_policy,
    make_user,
)
from tests.web.tables.adoptions import (
    accept,
    fitting_flow,
    offered_base,
    open_offer,
    vendor_signer_of,
)
from tests.web.tables.agreements import draft
from tests.web.tables.signing import city_signer, one_page_pdf, vendor_signs

S = AgreementStatus


def _events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def _told(kind: str) -> set[int]:
    return set(db.session.scalars(select(InboxItem.user_id).where(InboxItem.kind == kind)))


def _offer(agreement, **changes):
    values = {
        "actor": make_user("privacy"),
        "agreement": agreement,
        "department_ids": [],
        "directions": [],
        "max_risk_tier": None,
        "available_until": today() + timedelta(days=30),
        "note": "",
        "now": now(),
        "today": today(),
    }
    values.update(changes)
    return offers.make_offer(**values)


def _with_sector_modules() -> None:
    """Policy 2026.2, which adds the sector modules, published before the base is drafted."""
    make_policy()
    load_library(actor=make_user("privacy"), path=DATA_DIR / "policy-2026.2.json", now=now())


def _texts(misfits) -> list[str]:
    return [m.text for m in misfits]


# The offer ---------------------------------------------------------------------------------


def test_an_offer_waits_for_the_vendors_consent_and_is_audited(db):
    """A new offer waits for consent, scoped to the base's vendor; a second one is refused."""
    offer, base = offered_base()

    assert offer.status == OfferStatus.AWAITING_CONSENT
    assert offer.organisation_id == base.organisation_id
    [event] = _events("adoption_offer.made")
    assert event.changes["status"]["after"] == "awaiting_consent"
    assert "already has an offer" in offers.offer_problem(base)


def test_the_signers_of_the_vendor_are_asked_to_consent(db):
    """The vendor's users who may sign, and only they, get the request."""
    base = draft(generated=True)
    base.status = S.ACTIVE
    db.session.commit()
    signer = vendor_signer_of(base.organisation_id)
    colleague = make_user("vendor", organisation_id=base.organisation_id)

    _offer(base)

    assert _told("adoption_offer.offered") == {signer.id}
    assert colleague.id not in _told("adoption_offer.offered")


def test_only_a_signed_agreement_not_ended_and_not_an_adoption_is_offered(db):
    """A generated agreement, and a second standing offer, are refused."""
    generated = draft(generated=True)
    with pytest.raises(Conflict, match="only a signed agreement"):
        _offer(generated)
    offer, base = offered_base()
    with pytest.raises(Conflict, match="already has an offer"):
        _offer(base)


def test_the_last_day_is_after_today_and_not_after_the_base_expires(db):
    base = draft(generated=True)
    base.status, base.expiry_date = S.ACTIVE, today() + timedelta(days=10)
    db.session.commit()
    with pytest.raises(ValidationFailed) as past:
        _offer(base, available_until=today())
    with pytest.raises(ValidationFailed) as late:
        _offer(base, available_until=today() + timedelta(days=11))
    assert past.value.errors["available_until"] == "Choose a day after today."
    assert "no later than" in late.value.errors["available_until"]


def test_withdrawing_needs_a_reason_and_leaves_the_base_free_to_offer_again(db):
    offer, base = offered_base()
    actor = make_user("privacy")
    with pytest.raises(ValidationFailed):
        offers.withdraw_offer(
            actor=actor, offer=offer, reason=" ", now=now(), expected_version=None
        )

    offers.withdraw_offer(
        actor=actor, offer=offer, reason="Vendor merged", now=now(), expected_version=offer.version
    )

    assert offer.status == OfferStatus.WITHDRAWN and offer.close_reason == "Vendor merged"
    assert offers.offer_problem(base) is None
    [event] = _events("adoption_offer.withdrawn")
    assert event.changes["status"] == {"before": "awaiting_consent", "after": "withdrawn"}


def test_the_scope_reads_in_plain_words(db):
    department = make_department(name="Library")
    offer, _ = offered_base(
        department_ids=[department.id],
        directions=["outbound"],
        max_risk_tier="medium",
    )
    words = offers.scope_sentences(offer, offers.named_departments(offer))
    assert words[:3] == [
        "Departments: Library.",
        "Kinds of flow: outbound only.",
        "Highest risk tier: Medium.",
    ]


# The vendor's consent ----------------------------------------------------------------------


def test_accepting_records_the_consent_like_a_signature_and_tells_the_office(db):
    """Who, the typed name and title, the words agreed and their version, when and where."""
    officer = make_user("privacy")
    offer, _ = offered_base()
    person = vendor_signer_of(offer.organisation_id)

    accept(offer, person)

    assert offer.status == OfferStatus.OPEN
    assert offer.consent_by_id == person.id and offer.consent_name == "Pat Vendor"
    assert offer.consent_version == consent.CONSENT_VERSION
    assert offer.consent_text == consent.CONSENT_TEXT
    assert offer.consented_at is not None and offer.consent_ip == "203.0.113.9"
    assert officer.id in _told("adoption_offer.consented")
    [event] = _events("adoption_offer.consented")
    assert event.changes["status"] == {"before": "awaiting_consent", "after": "open"}


def test_a_wrong_password_is_a_field_error_and_an_audited_failed_attempt(db):
    offer, _ = offered_base()
    person = vendor_signer_of(offer.organisation_id)
    with pytest.raises(ValidationFailed) as refused:
        consent.accept_offer(
            actor=person,
            offer=offer,
            typed_name="Pat",
            typed_title="CEO",
            consent=True,
            password="wrong",
            ip="",
            user_agent="",
            now=now(),
            expected_version=None,
        )
    assert refused.value.errors == {"password": services.REFUSED_MESSAGE}
    assert len(_events("adoption_offer.consent_failed")) == 1
    assert db.session.get(type(offer), offer.id).status == OfferStatus.AWAITING_CONSENT


def test_a_vendor_of_another_organisation_finds_no_offer_and_a_non_signer_may_not(db):
    offer, _ = offered_base()
    stranger = vendor_signer_of(make_organisation().id)
    colleague = vendor_signer_of(offer.organisation_id, may_sign=False)
    with pytest.raises(NotFound):
        accept(offer, stranger)
    with pytest.raises(Forbidden):
        accept(offer, colleague)


def test_declining_needs_a_reason_and_tells_the_office(db):
    officer = make_user("privacy")
    offer, _ = offered_base()
    person = vendor_signer_of(offer.organisation_id)
    with pytest.raises(ValidationFailed):
        consent.decline_offer(
            actor=person, offer=offer, reason="", now=now(), expected_version=None
        )
    consent.decline_offer(
        actor=person, offer=offer, reason="Pricing differs", now=now(), expected_version=None
    )
    assert offer.status == OfferStatus.DECLINED and offer.declined_reason == "Pricing differs"
    assert officer.id in _told("adoption_offer.declined")


# Fit ---------------------------------------------------------------------------------------


def test_a_flow_carrying_what_the_base_carries_fits(db):
    offer, base = open_offer()
    department, flow = fitting_flow(base)
    assert fit.check(offer, [flow], department, today=today()) == []


def test_a_category_no_base_flow_carries_is_named(db):
    offer, base = open_offer()
    department, flow = fitting_flow(base, system_name="Parking app sign-ups")
    add_category(flow, make_category(name="Vehicle history"))
    db.session.refresh(flow)

    assert _texts(fit.check(offer, [flow], department, today=today())) == [
        f"Parking app sign-ups carries Vehicle history, which no flow under {base.number} carries."
    ]


def test_a_clash_the_office_accepted_only_for_the_bases_own_flow_is_a_misfit(db):
    """The base accepted its flow's plate-number retention against LPR-1; the same clash in
    the adopting flow was never accepted, so the adoption could not be generated: the fit
    check says so before anything is made."""
    offer, base = open_offer()
    base_flow = base.flows[0]
    add_category(base_flow, make_category(name="Plate numbers", is_licence_plate=True))
    base_flow.retention_days = 365
    db.session.refresh(base_flow)
    department, flow = fitting_flow(base, system_name="Garage payments", retention_days=365)
    applicable = applicable_obligations(base.policy_version, [base_flow])
    base.obligation_codes = sorted({*base.obligation_codes, *(o.code for o, _ in applicable)})
    clashes = conflicts.find_conflicts(base)
    assert clashes, "the base's own flow clashes with LPR-1"
    base.conflict_overrides = {c.code: {"reason": "Citation records", "by": "x"} for c in clashes}
    db.session.commit()

    texts = _texts(fit.check(offer, [flow], department, today=today()))

    assert len(texts) == 1, texts
    assert texts[0].startswith("Garage payments keeps"), texts
    assert texts[0].endswith(f"{base.number} accepted no such exception for this flow.")


def test_a_sector_module_the_base_lacks_is_named_by_its_law(db):
    """Health data brings in the HIPAA module, which the base does not include."""
    _with_sector_modules()
    offer, base = open_offer()
    department, flow = fitting_flow(base, system_name="Clinic referrals")
    health = make_category(name="Health records", is_health=True)
    add_category(flow, health)
    db.session.refresh(flow)

    texts = _texts(fit.check(offer, [flow], department, today=today()))

    assert (
        f"Clinic referrals carries Health records, which no flow under {base.number} carries."
        in texts
    )
    assert (
        "Clinic referrals needs the Health information (HIPAA business associate terms) module "
        f"(45 CFR 164.504(e)), which {base.number} does not include."
    ) in texts


def test_a_department_outside_the_scope_and_an_ended_offer_are_named(db):
    named = make_department(name="Library")
    offer, base = open_offer(department_ids=[named.id])
    department, flow = fitting_flow(base)
    offer.available_until = today() - timedelta(days=1)

    texts = _texts(fit.check(offer, [flow], department, today=today()))

    assert f"{department.name} is not among the departments this offer names." in texts
    assert any(text.startswith("The offer ended on ") for text in texts)


def test_direction_risk_tier_minors_and_people_outside_the_base_are_each_named(db):
    offer, base = open_offer(directions=["outbound"], max_risk_tier="medium")
    department, flow = fitting_flow(
        base,
        system_name="Youth camp",
        direction=Direction.INBOUND,
        risk_tier=RiskTier.HIGH,
        includes_minors=True,
        data_subjects="Residents and students",
    )

    texts = _texts(fit.check(offer, [flow], department, today=today()))

    assert "Youth camp is inbound; this offer covers only outbound flows." in texts
    assert "Youth camp is High risk, above this offer's highest tier, Medium." in texts
    assert f"Youth camp includes minors, and no flow under {base.number} does." in texts
    assert any("data subjects include “students”" in text for text in texts)
    assert not any("“Residents”" in text for text in texts)


def test_a_flow_of_another_vendor_or_department_or_already_covered_is_named(db):
    offer, base = open_offer()
    department, flow = fitting_flow(base)
    other_department = make_department()
    texts = _texts(fit.check(offer, [base.flows[0]], department, today=today()))
    assert any("already covered by" in text for text in texts)
    assert any("belongs to another department" in text for text in texts)
    texts = _texts(fit.check(offer, [flow], other_department, today=today()))
    assert any("belongs to another department" in text for text in texts)


# Adopting ----------------------------------------------------------------------------------


def _adopt(offer, flows, department, actor=None):
    return adopting.adopt_offer(
        actor=actor or make_user("privacy"),
        offer=offer,
        flows=flows,
        department=department,
        today=today(),
    )


def test_adopting_generates_an_adoption_with_the_bases_terms_and_the_departments_flows(db):
    officer = make_user("privacy")
    offer, base = open_offer()
    department, flow = fitting_flow(base)
    buyer = make_user("procurement", department_id=department.id)

    adoption = _adopt(offer, [flow], department, actor=buyer)

    assert adoption.status == S.GENERATED and adoption.generated_file
    assert adoption.adopts == base
    assert adoption.template_version.template.kind == TemplateKind.ADOPTION
    assert adoption.department_id == department.id and adoption.flows == [flow]
    assert adoption.policy_version_id == base.policy_version_id
    assert adoption.obligation_codes == base.obligation_codes
    assert adoption.parameters == base.parameters
    assert adoption.expiry_date == base.expiry_date
    assert [e.object_id for e in _events("agreement.adopted")] == [str(adoption.id)]
    assert officer.id in _told("agreement.adopted")
    assert adopting.adoptions_of(base) == [adoption]


def test_procurement_of_another_department_may_not_adopt(db):
    offer, base = open_offer()
    department, flow = fitting_flow(base)
    with pytest.raises(Forbidden):
        _adopt(offer, [flow], department, actor=make_user("procurement"))


def test_a_misfit_is_refused_with_every_reason_and_nothing_is_made(db):
    _with_sector_modules()
    offer, base = open_offer()
    department, flow = fitting_flow(base, system_name="Clinic referrals")
    add_category(flow, make_category(name="Health records", is_health=True))
    db.session.refresh(flow)
    before = db.session.query(Agreement).count()

    with pytest.raises(ValidationFailed) as refused:
        _adopt(offer, [flow], department)

    assert "Health records" in refused.value.errors["flows"]
    assert "45 CFR 164.504(e)" in refused.value.errors["flows"]
    assert db.session.query(Agreement).count() == before


def test_an_adoption_is_sent_signed_and_countersigned_like_any_agreement(db):
    offer, base = open_offer()
    department, flow = fitting_flow(base)
    adoption = _adopt(offer, [flow], department)
    person = vendor_signer_of(base.organisation_id)

    signature = services.send_for_signature(
        actor=make_user("privacy"),
        agreement=adoption,
        pdf=one_page_pdf("Adoption"),
        signer=person,
        now=now(),
        today=today(),
        expected_version=adoption.version,
    )
    vendor_signs(adoption, person, signature)
    db.session.refresh(adoption)
    countersigning.countersign(
        actor=city_signer(),
        agreement=adoption,
        typed_name="Casey City",
        typed_title="Chief Privacy Officer",
        consent=True,
        password=TEST_PASSWORD,
        document_sha256=signature.document_sha256,
        ip="198.51.100.4",
        user_agent="City browser",
        now=now(),
        today=today(),
        expected_version=adoption.version,
    )

    assert adoption.status == S.EXECUTED
    assert adoption.adopts == base and adoption.expiry_date == base.expiry_date


def test_adopting_fails_cleanly_when_the_base_ended_meanwhile(db):
    offer, base = open_offer()
    department, flow = fitting_flow(base)
    base.status = S.TERMINATED
    db.session.commit()
    before = db.session.query(Agreement).count()

    with pytest.raises(ValidationFailed) as refused:
        _adopt(offer, [flow], department)

    assert f"{base.number} is terminated" in refused.value.errors["flows"]
    assert db.session.query(Agreement).count() == before
    assert _events("agreement.adopted") == []


def test_an_adoptions_flows_and_terms_do_not_change_on_the_draft_form(db):
    """Its flows passed the fit check and its terms are the base's: it is adopted again."""
    offer, base = open_offer()
    department, flow = fitting_flow(base)
    adoption = _adopt(offer, [flow], department)
    with pytest.raises(Conflict, match="adopt the offer again"):
        drafting.set_parameters(
            actor=make_user("privacy"), agreement=adoption, values={}, expected_version=None
        )


def test_the_adoption_document_names_the_base_the_department_and_each_flow(db):
    """Generated from the adoption template: the base's number and title, the adopting
    department, the adopted flow, and the base's obligations with the reason each applies."""
    offer, base = open_offer()
    department, flow = fitting_flow(base, system_name="Pool <bookings> & passes")
    adoption = _adopt(offer, [flow], department)

    text = docx_text(files.read(adoption.generated_file))

    assert f"adopting Agreement No. {base.number}" in text
    assert base.title in text and department.name in text
    assert "Pool <bookings> & passes" in text
    assert "ends when the Base Agreement ends" in text
    assert "Included in" not in text  # each obligation keeps the base's own reason
