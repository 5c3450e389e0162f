"""The pages: a base's attestation lists the adopted flows for the office and the vendor; an
adoption's agreement page says its flows are attested under the base, with a link."""

from __future__ import annotations

from tests.factories import make_approved_flow, make_category, make_department
from tests.fixtures.terms import adoption_of
from tests.web.tables.attestations import make_request


def _request_with_adoption():
    request = make_request()
    base = request.agreement
    department = make_department(name="Parks and Recreation")
    flow = make_approved_flow(
        base.organisation, (make_category(),), department_id=department.id, system_name="Pools"
    )
    return request, adoption_of(base, [flow], department)


def test_the_base_request_lists_adopted_flows_for_the_office_and_the_vendor(client, login_as):
    request, adoption = _request_with_adoption()
    for role, extra in (("privacy", {}), ("vendor", {"organisation_id": request.organisation_id})):
        login_as(role, **extra)
        page = client.get(f"/attestations/{request.id}").get_data(as_text=True)
        section = page[page.index('id="attested-flows"') :]
        assert "Pools" in section and "Parks and Recreation" in section
        assert f"adopted under {adoption.number}" in section
        client.post_form("/auth/sign-out", from_url="/")


def test_an_adoption_page_links_to_the_base_attestation(client, login_as):
    request, adoption = _request_with_adoption()
    login_as("privacy")
    page = client.get(f"/agreements/{adoption.id}").get_data(as_text=True)
    assert f"attested under {request.agreement.number}" in page
    assert f'href="/attestations/{request.id}"' in page
    base_page = client.get(f"/agreements/{request.agreement_id}").get_data(as_text=True)
    assert 'id="attested-under"' not in base_page
