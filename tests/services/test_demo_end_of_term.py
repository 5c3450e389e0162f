"""The demo set shows reuse and the end of a term: ParkPay's agreement offered to all and
accepted by its signer, Parks' adoption of it (which would pass the fit check), and a
disposition directive for each ended agreement, the terminated one's certificate accepted and
on the public changelog."""

from __future__ import annotations

from sqlalchemy import select

from sharing.adoptions import fit
from sharing.adoptions.models import AdoptionOffer, OfferStatus
from sharing.agreements import files
from sharing.agreements.models import Agreement, AgreementStatus
from sharing.core.clock import today
from sharing.disposition.models import DirectiveStatus, DispositionDirective
from sharing.register.models import RegisterChange, RegisterChangeKind
from tests.services.test_demo_seed import seeded  # noqa: F401 - the fixture


def _adoptions(db) -> list[Agreement]:
    return [a for a in db.session.scalars(select(Agreement)) if a.adopts is not None]


def test_the_demo_offer_is_open_with_the_signers_consent_and_one_adoption(seeded, db):  # noqa: F811
    offer = db.session.scalars(select(AdoptionOffer)).one()
    assert offer.status == OfferStatus.OPEN
    assert offer.consented_at is not None and offer.consent_text and offer.consent_name
    [adoption] = _adoptions(db)
    assert adoption.adopts.id == offer.agreement_id
    assert adoption.status == AgreementStatus.ACTIVE
    assert adoption.expiry_date == offer.agreement.expiry_date
    assert adoption.department_id != offer.agreement.department_id
    assert files.path_of(adoption.generated_file).exists()


def test_the_demo_adoption_fits_the_offer_it_adopts(seeded, db):  # noqa: F811
    """Its flow, were it not adopted yet, passes every fit check."""
    offer = db.session.scalars(select(AdoptionOffer)).one()
    [adoption] = _adoptions(db)
    flows, department = list(adoption.flows), adoption.department
    adoption.flows = []
    db.session.flush()
    assert fit.check(offer, flows, department, today=today()) == []


def test_each_ended_demo_agreement_has_a_directive_and_one_certificate_is_accepted(
    seeded,  # noqa: F811
    db,
):
    directives = list(db.session.scalars(select(DispositionDirective)))
    statuses = sorted(d.agreement.status.value for d in directives)
    assert statuses == ["expired", "terminated"]
    assert all(files.path_of(d.generated_file).exists() for d in directives)
    accepted = [d for d in directives if d.status == DirectiveStatus.ACCEPTED]
    assert [d.agreement.status for d in accepted] == [AgreementStatus.TERMINATED]
    [certificate] = accepted
    assert all(e.done_on and e.done_action and e.done_method for e in certificate.elements)
    assert certificate.disposed_on == max(e.done_on for e in certificate.elements)
    disposed = list(
        db.session.scalars(
            select(RegisterChange).where(RegisterChange.kind == RegisterChangeKind.DISPOSED)
        )
    )
    assert disposed and {c.changed_on for c in disposed} == {certificate.disposed_on}
