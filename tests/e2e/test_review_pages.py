"""The pages this part of the review work changed, in Chromium at desk and phone widths: the
flow page's changes since the return, the incident updates on both sides, and the register's
accent-free search. axe-core finds no serious or critical violation on any of them."""

from __future__ import annotations

import pytest

from sharing.core.clock import now
from sharing.disclosures import services as incidents
from sharing.flows import services as flow_services
from sharing.flows import workflow
from sharing.flows.models import FlowStatus
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import end_transaction, serious_violations, sign_in_with
from tests.factories import make_category, make_organisation, make_user
from tests.web.tables.flows import flow_in
from tests.web.tables.portal import make_incident
from tests.web.tables.register import make_arrangement

WIDTHS = {"desk": 1280, "phone": 390}


def _returned_and_resubmitted():
    """A flow returned by the privacy office, then edited (two fields and a category) and
    submitted again by procurement."""
    flow = flow_in(FlowStatus.CHANGES_REQUESTED, system_name="Library card data")
    procurement = make_user("procurement")
    added = make_category(name="Email address")
    categories = [(fc.category_id, fc.justification) for fc in flow.categories]
    flow_services.update_flow(
        actor=procurement,
        flow=flow,
        values={"purposes": "Issue library cards only.", "retention_days": 90},
        categories=[*categories, (added.id, "To send due-date notices")],
        expected_version=None,
    )
    workflow.transition_flow(actor=procurement, flow=flow, action="submit", expected_version=None)
    return flow


def _incident_with_updates(vendor):
    incident = make_incident(vendor.organisation_id, affected_individuals=12)
    for text, count in (
        ("The mail server of the recipient kept a copy; it is now purged.", 14),
        ("Forensics found no other copies.", None),
    ):
        incidents.add_incident_update(
            actor=vendor,
            incident=incident,
            text=text,
            affected_individuals=count,
            containment="Outbound mail now needs a second approver." if count else "",
            now=now(),
        )
    return incident


@pytest.mark.parametrize("width", list(WIDTHS))
def test_review_pages_pass_axe_at_desk_and_phone_widths(app, new_page, screenshot, width):
    """The privacy office's flow and incident pages, the vendor's incident page and the
    register searched without accents: no serious or critical axe violation."""
    flow = _returned_and_resubmitted()
    vendor = make_user("vendor", password=TEST_PASSWORD)
    incident = _incident_with_updates(vendor)
    make_arrangement(
        system_name="Street trees",
        organisation=make_organisation(legal_name="Công ty Sài Gòn Xanh", common_name=""),
    )
    privacy = make_user("privacy", password=TEST_PASSWORD)
    visits = {
        privacy.email: {
            "flow-changes": f"/flows/{flow.id}",
            "staff-incident": f"/disclosures/incidents/{incident.id}",
        },
        vendor.email: {"vendor-incident": f"/portal/incidents/{incident.id}"},
        None: {"register-search": "/register/?q=Sai+Gon"},
    }
    end_transaction()
    viewport = {"width": WIDTHS[width], "height": 900}
    found = []
    for email, pages in visits.items():
        tab = new_page(viewport=viewport)
        if email:
            sign_in_with(tab, email)
        for name, path in pages.items():
            response = tab.goto(path)
            assert response.status == 200, path
            found += serious_violations(tab)
            screenshot(tab, f"{name}-{width}")
    if found:
        pytest.fail("serious or critical axe violations:\n" + "\n".join(found))
