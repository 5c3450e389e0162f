"""The adoption pages through the test client with CSRF on: the office offers an agreement and
lists its offers, the vendor's signer accepts in the portal, a department adopts (or reads why
its flows do not fit), and the agreement pages link the base and its adoptions both ways."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from sharing.adoptions.models import AdoptionOffer, OfferStatus
from sharing.agreements.models import Agreement, AgreementStatus
from sharing.core.clock import today
from sharing.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.factories import add_category, make_category, make_organisation
from tests.fixtures.terms import active_agreement
from tests.web.tables.adoptions import fitting_flow, offered_base, open_offer


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_the_office_offers_an_active_agreement_with_its_scope(client, login_as):
    base = active_agreement()
    login_as("privacy")
    until = today() + timedelta(days=60)

    response = client.post_form(
        f"/adoptions/offers/new?agreement={base.id}",
        {
            "directions": ["outbound"],
            "max_risk_tier": "medium",
            "available_until": until.isoformat(),
        },
    )

    assert response.status_code == 302, _text(response)[:500]
    offer = db.session.scalars(select(AdoptionOffer)).one()
    assert offer.status == OfferStatus.AWAITING_CONSENT and offer.directions == ["outbound"]
    page = _text(client.get(response.headers["Location"]))
    assert "Kinds of flow: outbound only." in page and "Waiting for a signer" in page


def test_a_last_day_past_the_expiry_is_shown_beside_the_field(client, login_as):
    base = active_agreement()
    login_as("privacy")
    late = base.expiry_date + timedelta(days=1)

    response = client.post_form(
        f"/adoptions/offers/new?agreement={base.id}", {"available_until": late.isoformat()}
    )

    assert response.status_code == 200
    assert "available_until-error" in _text(response) and "no later than" in _text(response)
    assert db.session.scalars(select(AdoptionOffer)).all() == []


def test_the_list_searches_by_vendor_and_says_how_an_offer_is_made_when_empty(client, login_as):
    login_as("procurement")
    assert "Offer for adoption" in _text(client.get("/adoptions/offers"))
    offer, base = offered_base()
    page = _text(client.get(f"/adoptions/offers?q={base.organisation.legal_name}"))
    assert base.number in page
    assert base.number not in _text(client.get("/adoptions/offers?q=nothing-like-it"))


def test_the_vendors_signer_accepts_in_the_portal(client, login_as):
    offer, base = offered_base()
    person = login_as("vendor", organisation_id=base.organisation_id, may_sign=True)
    url = f"/adoptions/offers/{offer.id}/consent"
    assert base.number in _text(client.get(url))

    response = client.post_form(
        url,
        {
            "typed_name": "Pat Vendor",
            "typed_title": "Director",
            "consent": "y",
            "password": TEST_PASSWORD,
            "version": offer.version,
        },
    )

    assert response.status_code == 302, _text(response)[:500]
    db.session.refresh(offer)
    assert offer.status == OfferStatus.OPEN and offer.consent_by_id == person.id


def test_a_wrong_password_is_shown_beside_the_password_field(client, login_as):
    offer, base = offered_base()
    login_as("vendor", organisation_id=base.organisation_id, may_sign=True)
    response = client.post_form(
        f"/adoptions/offers/{offer.id}/consent",
        {"typed_name": "Pat", "typed_title": "CEO", "consent": "y", "password": "nope"},
    )
    assert response.status_code == 200
    assert "password-error" in _text(response) and "That is not your password" in _text(response)


def test_a_vendor_of_another_organisation_gets_404_and_changes_nothing(client, login_as):
    offer, _ = offered_base()
    login_as("vendor", organisation_id=make_organisation().id, may_sign=True)
    assert client.get(f"/adoptions/offers/{offer.id}/consent").status_code == 404
    response = client.post_form(
        f"/adoptions/offers/{offer.id}/decline",
        {"reason": "Not ours"},
        from_url="/portal/",
    )
    assert response.status_code == 404
    db.session.refresh(offer)
    assert offer.status == OfferStatus.AWAITING_CONSENT


def test_procurement_adopts_for_its_department_and_lands_on_the_generated_adoption(
    client, login_as
):
    offer, base = open_offer()
    department, flow = fitting_flow(base)
    login_as("procurement", department_id=department.id)
    url = f"/adoptions/offers/{offer.id}/adopt"
    assert flow.system_name in _text(client.get(url))

    response = client.post_form(url, {"flows": [flow.id]})

    assert response.status_code == 302, _text(response)[:800]
    adoption = db.session.scalars(select(Agreement).where(Agreement.id != base.id)).one()
    assert adoption.status == AgreementStatus.GENERATED and adoption.adopts == base
    page = _text(client.get(response.headers["Location"]))
    assert 'id="adopts"' in page
    assert f'href="/agreements/{base.id}">{base.number}</a>' in page
    listing = _text(client.get("/agreements/"))
    assert f"adopts {base.number}" in listing


def test_a_misfit_shows_every_reason_and_offers_a_new_agreement(client, login_as):
    offer, base = open_offer()
    department, flow = fitting_flow(base, system_name="Parking app sign-ups")
    add_category(flow, make_category(name="Vehicle history"))
    login_as("privacy")
    url = f"/adoptions/offers/{offer.id}/adopt?department={department.id}"

    response = client.post_form(url, {"flows": [flow.id]})

    page = _text(response)
    assert response.status_code == 200
    reason = (
        f"Parking app sign-ups carries Vehicle history, which no flow under {base.number} carries."
    )
    assert reason in page and "error-summary" in page
    assert "Start a new agreement instead" in page and f"flow={flow.id}" in page
    assert db.session.scalars(select(Agreement)).all() == [base]


def test_the_base_lists_its_offer_and_adoptions(client, login_as):
    offer, base = open_offer()
    department, flow = fitting_flow(base)
    login_as("privacy")
    client.post_form(
        f"/adoptions/offers/{offer.id}/adopt?department={department.id}", {"flows": [flow.id]}
    )

    page = _text(client.get(f"/agreements/{base.id}"))

    assert "Open for adoption" in page and department.name in page and flow.system_name in page


def test_the_portal_home_lists_an_offer_waiting_for_the_signer_only(client, login_as):
    signer = login_as("vendor", may_sign=True)
    offer, base = offered_base(signer.organisation_id)
    page = _text(client.get("/portal/"))
    assert "General offer to accept or decline" in page
    assert f"/adoptions/offers/{offer.id}/consent" in page

    login_as("vendor", organisation_id=signer.organisation_id)
    assert "General offer to accept or decline" not in _text(client.get("/portal/"))


def test_the_templates_page_names_the_shipped_adoption_template(client, login_as):
    """A fresh install has the adoption template, and the office may add versions to it."""
    offered_base()  # installs an adoption template
    login_as("privacy")
    page = _text(client.get("/agreements/templates"))
    assert "Adoption of a general offer" in page


def test_an_adoptions_page_says_its_term_and_renewal_follow_the_base(client, login_as):
    """An adoption has no term of its own: its page says it ends and renews with its base."""
    offer, base = open_offer()
    department, flow = fitting_flow(base)
    login_as("privacy")
    client.post_form(
        f"/adoptions/offers/{offer.id}/adopt?department={department.id}", {"flows": [flow.id]}
    )
    adoption = db.session.scalars(select(Agreement).where(Agreement.id != base.id)).one()

    page = _text(client.get(f"/agreements/{adoption.id}"))
    base_page = _text(client.get(f"/agreements/{base.id}"))

    assert f"Ends with the agreement it adopts, {base.number}" in page
    assert f"Renewed when {base.number} is renewed" in page
    assert "Ends with the agreement it adopts" not in base_page
