"""After a workflow step, the message says what happened to what, in a sentence."""

from __future__ import annotations

from sharing.agreements.models import AgreementStatus
from sharing.flows.models import FlowStatus
from tests.factories import make_organisation
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.flows import _form, flow_in, make_ready_flow
from tests.web.tables.portal import make_incident


def flashed(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _, message in session.get("_flashes", [])]


def test_approving_a_flow_names_the_flow_and_its_revision(client, login_as):
    """ "Flow “Library card data” approved; revision 1 is in force.", not "Approve: done."."""
    flow = flow_in(FlowStatus.IN_REVIEW, system_name="Library card data")
    login_as("privacy")
    url = f"/flows/{flow.id}"
    client.post_form(f"{url}/actions/approve", {"version": flow.version}, from_url=url)
    assert flashed(client) == ["Flow “Library card data” approved; revision 1 is in force."]


def test_returning_a_flow_says_it_went_back_with_the_request(client, login_as):
    """Requesting changes names the flow and says where it went."""
    flow = flow_in(FlowStatus.IN_REVIEW, system_name="Library card data")
    login_as("privacy")
    url = f"/flows/{flow.id}"
    client.post_form(
        f"{url}/actions/request_changes",
        {"version": flow.version, "comment": "Narrow the purposes."},
        from_url=url,
    )
    assert flashed(client) == ["Flow “Library card data” returned with your request for changes."]


def test_an_incident_step_names_the_incident(client, login_as):
    """An incident step names the incident by its reference."""
    incident = make_incident(make_organisation().id)
    login_as("privacy")
    url = f"/disclosures/incidents/{incident.id}"
    client.post_form(f"{url}/investigating", {"version": incident.version}, from_url=url)
    assert flashed(client) == [f"Incident {incident.reference} is under investigation."]


def test_an_agreement_step_names_the_agreement(client, login_as):
    """An agreement step names the agreement by its number."""
    agreement = make_agreement(AgreementStatus.SENT_FOR_SIGNATURE)
    login_as("privacy")
    url = f"/agreements/{agreement.id}"
    client.post_form(f"{url}/step/withdraw_signature", {"version": agreement.version}, from_url=url)
    assert flashed(client) == [f"Agreement {agreement.number} is taken back from signature."]


def test_no_step_message_is_built_from_an_action_name():
    """Every step of the three workflow tables has its own sentence."""
    from sharing.agreements.lifecycle import TRANSITIONS as AGREEMENT_STEPS
    from sharing.disclosures.workflow import TRANSITIONS as INCIDENT_STEPS
    from sharing.flows.workflow import TRANSITIONS as FLOW_STEPS

    for table in (FLOW_STEPS, INCIDENT_STEPS, AGREEMENT_STEPS):
        for name, step in table.items():
            assert step.done.endswith(".") and "done" not in step.done.lower(), name


def test_saving_a_flow_names_the_flow(client, login_as):
    """Saving an edit says which flow changed, not a bare "Changes saved."."""
    login_as("procurement")
    flow = make_ready_flow()
    client.post_form(f"/flows/{flow.id}/edit", _form(flow))
    assert flashed(client) == [f"Changes to flow “{flow.system_name}” saved."]
