"""The home pages' waiting lists for signatures: the vendor's signer has the agreement to sign,
their colleagues see who signs, and the office's signers see what waits for countersignature."""

from __future__ import annotations

from tests.conftest import sign_in_by_session
from tests.web.tables.signing import sent_agreement, signed_agreement, vendor_signer
from tests.web.test_home_waiting import _home, _item, _others, _text, _you


def test_the_chosen_signer_has_the_agreement_waiting_for_them(client):
    agreement, person, _ = sent_agreement()
    sign_in_by_session(client, person)

    page = client.get("/portal/").get_data(as_text=True)

    assert "Agreement to sign" in _text(_item(_you(page), agreement.number))
    assert agreement.number not in _others(page)


def test_a_colleague_sees_the_agreement_waiting_for_the_signer_by_name(client):
    agreement, person, _ = sent_agreement()
    colleague = vendor_signer(agreement, may_sign=False)
    sign_in_by_session(client, colleague)

    page = client.get("/portal/").get_data(as_text=True)

    assert agreement.number not in _you(page)
    assert person.name in _text(_item(_others(page), agreement.number))


def test_once_signed_the_vendor_sees_it_waiting_for_the_city(client):
    agreement, person, _ = signed_agreement()
    sign_in_by_session(client, person)

    page = client.get("/portal/").get_data(as_text=True)

    assert agreement.number not in _you(page)
    assert "the City" in _text(_item(_others(page), agreement.number))


def test_an_office_signer_has_the_countersignature_waiting(client, login_as):
    agreement, _, _ = signed_agreement()
    login_as("privacy", may_sign=True)

    you = _you(_home(client))

    chunk = _item(you, agreement.number)
    assert "countersign" in _text(chunk)
    assert f'href="/signing/{agreement.id}/countersign"' in chunk


def test_an_office_user_without_the_signer_right_has_no_countersignature_waiting(client, login_as):
    agreement, _, _ = signed_agreement()
    login_as("privacy")

    assert f"/signing/{agreement.id}/countersign" not in _you(_home(client))


def test_the_office_sees_who_must_sign_for_the_vendor(client, login_as):
    agreement, person, _ = sent_agreement()
    login_as("privacy")

    chunk = _item(_others(_home(client)), agreement.number)

    assert person.name in _text(chunk)
