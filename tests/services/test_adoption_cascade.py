"""What follows an adoption's base: termination, expiry, the notice window, renewal and tacit
renewal reach every adoption not yet ended; adopters hear of it once; open offers end."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from sharing.adoptions.models import AdoptionOffer, OfferStatus
from sharing.agreements import events, lifecycle, roll
from sharing.agreements.models import Agreement, AgreementStatus, agreement_adoptions
from sharing.audit.models import AuditEvent
from sharing.core.clock import today
from sharing.core.signals import announce
from sharing.extensions import db
from sharing.inbox.models import InboxItem
from tests.factories import make_approved_flow, make_category, make_department, make_user
from tests.fixtures.terms import active_agreement, adoption_of

S = AgreementStatus


def _base_with_adoptions(*statuses: AgreementStatus) -> tuple[Agreement, list[Agreement]]:
    base = active_agreement()
    adoptions = []
    for status in statuses:
        department = make_department()
        flow = make_approved_flow(
            base.organisation, (make_category(),), department_id=department.id
        )
        adoptions.append(adoption_of(base, [flow], department, status=status))
    return base, adoptions


def _terminate(agreement: Agreement, reason: str = "The vendor was breached.", when=None):
    return lifecycle.transition_agreement(
        actor=make_user("privacy"),
        agreement=agreement,
        action="terminate",
        today=today(),
        expected_version=agreement.version,
        reason=reason,
        terminated_on=when,
    )


def _events(agreement: Agreement, action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.object_type == "agreement",
                AuditEvent.object_id == str(agreement.id),
                AuditEvent.action == action,
            )
            .order_by(AuditEvent.id)
        )
    )


def _items(kind: str) -> list[InboxItem]:
    return list(
        db.session.scalars(select(InboxItem).where(InboxItem.kind == kind).order_by(InboxItem.id))
    )


def _base_id(adoption: Agreement) -> int:
    return db.session.scalar(
        select(agreement_adoptions.c.base_id).where(
            agreement_adoptions.c.agreement_id == adoption.id
        )
    )


def _offer(base: Agreement, status: OfferStatus = OfferStatus.OPEN) -> AdoptionOffer:
    offer = AdoptionOffer(
        agreement_id=base.id,
        organisation_id=base.organisation_id,
        status=status,
        available_until=today() + timedelta(days=200),
    )
    db.session.add(offer)
    db.session.commit()
    return offer


# Termination ---------------------------------------------------------------------------------


def test_terminating_a_base_terminates_every_adoption_not_yet_ended_naming_the_base(db):
    """Active and sent-for-signature adoptions end with the base's date and a reason that
    names the base and its own reason; each records its own audited step."""
    base, (active, sent) = _base_with_adoptions(S.ACTIVE, S.SENT_FOR_SIGNATURE)
    when = today() - timedelta(days=2)
    _terminate(base, "The vendor stopped the service.", when)
    for adoption in (active, sent):
        db.session.refresh(adoption)
        assert adoption.status == S.TERMINATED
        assert adoption.terminated_on == when
        assert adoption.termination_reason == (
            f"Agreement {base.number} was terminated on {when.isoformat()}: "
            "The vendor stopped the service."
        )
        (event,) = _events(adoption, "agreement.terminated")
        assert event.changes["base_agreement"]["after"] == base.number
        assert event.changes["status"]["after"] == "terminated"
    (base_event,) = _events(base, "agreement.terminated")
    assert set(base_event.changes["adoptions_followed"]["after"]) == {active.number, sent.number}


def test_an_adoption_renewed_on_its_own_or_already_ended_is_left_alone(db):
    base, (renewed, expired) = _base_with_adoptions(S.RENEWED, S.EXPIRED)
    _terminate(base)
    db.session.refresh(renewed)
    db.session.refresh(expired)
    assert (renewed.status, expired.status) == (S.RENEWED, S.EXPIRED)
    assert _events(renewed, "agreement.terminated") == []


def test_an_adoption_step_is_announced_like_any_other(app, db):
    """The register and disposition follow an adoption's step through agreement_transitioned."""
    base, (adoption,) = _base_with_adoptions(S.ACTIVE)
    heard = []

    def listen(_sender, *, agreement, action, today):
        heard.append((agreement.number, action))

    events.agreement_transitioned.connect(listen, sender=app)
    try:
        _terminate(base)
    finally:
        events.agreement_transitioned.disconnect(listen, sender=app)
    assert (adoption.number, "terminate") in heard
    assert (base.number, "terminate") in heard


def test_the_adopting_departments_buyers_and_the_privacy_office_are_told_once(db):
    base, (adoption,) = _base_with_adoptions(S.ACTIVE)
    buyer = make_user("procurement", department_id=adoption.department_id)
    stranger = make_user("procurement", department_id=make_department().id)
    officer = make_user("privacy")
    _terminate(base)
    items = _items("adoption.base_terminated")
    assert {item.user_id for item in items} >= {buyer.id, officer.id}
    assert stranger.id not in {item.user_id for item in items}
    assert len([i for i in items if i.user_id == buyer.id]) == 1
    assert items[0].link == f"/agreements/{adoption.id}"


def test_an_open_offer_of_the_base_ends_when_the_base_is_terminated(db):
    base, _ = _base_with_adoptions()
    open_offer, declined = _offer(base), _offer(base, OfferStatus.DECLINED)
    _terminate(base)
    db.session.refresh(open_offer)
    db.session.refresh(declined)
    assert open_offer.status == OfferStatus.ENDED
    assert open_offer.close_reason == "The agreement offered was terminated."
    assert open_offer.closed_at is not None
    assert declined.status == OfferStatus.DECLINED
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "adoption_offer.ended"))
    assert event.changes["status"] == {"before": "open", "after": "ended"}


def test_the_daily_roll_ends_an_offer_past_its_last_day_and_no_other(db):
    """An offer waiting or open after its last day ends with the reason; one whose last day
    is today, and one already declined, stay as they are."""
    base, _ = _base_with_adoptions()
    lapsed, current = _offer(base), _offer(base, OfferStatus.AWAITING_CONSENT)
    declined = _offer(base, OfferStatus.DECLINED)
    lapsed.available_until = today() - timedelta(days=1)
    current.available_until = declined.available_until = today()
    db.session.commit()
    roll.roll_agreements(today=today())
    for offer in (lapsed, current, declined):
        db.session.refresh(offer)
    assert lapsed.status == OfferStatus.ENDED
    assert lapsed.close_reason.endswith("has passed")
    assert (current.status, declined.status) == (OfferStatus.AWAITING_CONSENT, OfferStatus.DECLINED)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "adoption_offer.ended"))
    assert event.object_id == str(lapsed.id)


# Renewal -------------------------------------------------------------------------------------


def test_renewing_a_base_makes_its_adoptions_adopt_the_successor_with_its_expiry(db):
    base, (adoption, renewed) = _base_with_adoptions(S.ACTIVE, S.RENEWED)
    successor = active_agreement()
    successor.organisation_id = base.organisation_id
    successor.expiry_date = base.expiry_date + timedelta(days=365)
    db.session.commit()
    offer = _offer(base)
    lifecycle.transition_agreement(
        actor=make_user("privacy"),
        agreement=base,
        action="renew",
        today=today(),
        expected_version=base.version,
        successor=successor,
    )
    db.session.refresh(adoption)
    assert _base_id(adoption) == successor.id
    assert adoption.adopts.id == successor.id
    assert adoption.expiry_date == successor.expiry_date
    assert adoption.status == S.ACTIVE
    assert _base_id(renewed) == base.id
    (event,) = _events(adoption, "adoption.base_renewed")
    assert event.changes["base_agreement"] == {"before": base.number, "after": successor.number}
    assert event.changes["expiry_date"]["after"] == successor.expiry_date.isoformat()
    assert len(_items("adoption.base_renewed")) >= 1
    db.session.refresh(offer)
    assert offer.status == OfferStatus.ENDED


def test_a_renewal_amendment_of_a_base_is_told_to_its_adopters(app, db):
    """Generated, then sent for signature: the adopters hear the terms are changing each time."""
    base, (adoption,) = _base_with_adoptions(S.ACTIVE)
    buyer = make_user("procurement", department_id=adoption.department_id)
    amendment = active_agreement()
    amendment.renews_id = base.id
    db.session.commit()
    with app.test_request_context():
        announce(events.agreement_generated, agreement=amendment, today=today(), actor=None)
        announce(events.agreement_generated, agreement=amendment, today=today(), actor=None)
    db.session.commit()
    items = [i for i in _items("adoption.base_amended") if i.user_id == buyer.id]
    assert len(items) == 1
    assert amendment.number in items[0].text and base.number in items[0].text


# The daily roll --------------------------------------------------------------------------------


def test_a_roll_over_a_base_with_two_adoptions_expires_all_three_in_one_pass(db):
    base, (first, second) = _base_with_adoptions(S.ACTIVE, S.ACTIVE)
    # The adoptions' own dates say nothing: only the base's expiry counts.
    first.expiry_date = today() + timedelta(days=900)
    base.expiry_date = today() - timedelta(days=1)
    db.session.commit()
    summary = roll.roll_agreements(today=today())
    assert sorted(summary.expired) == sorted([base.number, first.number, second.number])
    for adoption in (first, second):
        db.session.refresh(adoption)
        assert adoption.status == S.EXPIRED
        (event,) = _events(adoption, "agreement.expired")
        assert event.changes["base_agreement"]["after"] == base.number
    assert roll.roll_agreements(today=today()).changed == 0


def test_an_adoption_does_not_expire_on_its_own_date_while_its_base_is_in_force(db):
    base, (adoption,) = _base_with_adoptions(S.ACTIVE)
    adoption.expiry_date = today() - timedelta(days=5)
    db.session.commit()
    summary = roll.roll_agreements(today=today())
    db.session.refresh(adoption)
    assert adoption.status == S.ACTIVE
    assert summary.changed == 0


def test_an_adoption_not_yet_in_force_ends_when_its_base_expires(db):
    base, (executed,) = _base_with_adoptions(S.EXECUTED)
    executed.effective_date = today() + timedelta(days=30)
    base.expiry_date = today() - timedelta(days=1)
    db.session.commit()
    summary = roll.roll_agreements(today=today())
    db.session.refresh(executed)
    assert executed.status == S.TERMINATED
    assert base.number in executed.termination_reason
    assert summary.ended_with_base == [executed.number]


def test_adoptions_enter_the_notice_window_with_their_base(db):
    base, (adoption,) = _base_with_adoptions(S.ACTIVE)
    base.expiry_date = today() + timedelta(days=10)
    adoption.expiry_date = today() + timedelta(days=10)
    db.session.commit()
    summary = roll.roll_agreements(today=today())
    db.session.refresh(adoption)
    assert adoption.status == S.EXPIRING
    assert sorted(summary.expiring) == sorted([base.number, adoption.number])
    assert len(_items("adoption.base_expiring")) >= 1


def test_a_tacit_renewal_of_the_base_moves_its_adoptions_expiry(db):
    base, (adoption,) = _base_with_adoptions(S.ACTIVE)
    base.auto_renew = True
    base.renewal_term_months = 12
    base.expiry_date = today() - timedelta(days=1)
    db.session.commit()
    summary = roll.roll_agreements(today=today())
    db.session.refresh(adoption)
    assert adoption.expiry_date == base.expiry_date > today()
    assert adoption.status == base.status
    assert sorted(summary.renewed_tacitly) == sorted([base.number, adoption.number])
    (event,) = _events(adoption, "adoption.renewed_with_base")
    assert event.changes["expiry_date"]["after"] == base.expiry_date.isoformat()


def test_a_renewal_amendment_sent_for_signature_is_told_to_the_adopters(app, db):
    base, (adoption,) = _base_with_adoptions(S.ACTIVE)
    buyer = make_user("procurement", department_id=adoption.department_id)
    amendment = active_agreement()
    amendment.renews_id = base.id
    db.session.commit()
    with app.test_request_context():
        announce(
            events.agreement_transitioned,
            agreement=amendment,
            action="send_for_signature",
            today=today(),
        )
    db.session.commit()
    (item,) = [i for i in _items("adoption.base_amended") if i.user_id == buyer.id]
    assert "sent for signature" in item.text
    db.session.refresh(adoption)
    assert adoption.status == S.ACTIVE
