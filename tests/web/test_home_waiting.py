"""The home pages' "waiting for you" and "waiting for others" lists: each role's items with
their age and due date, built from the lists' own queries, scoped to the user, capped with a
link to the full list, and in a fixed number of statements."""

from __future__ import annotations

import html as htmllib
import re
from datetime import timedelta

from sqlalchemy import event, update

from sharing.agreements.models import AgreementStatus
from sharing.attestations.models import AnswerReview, AnswerValue, AttestationAnswer
from sharing.attestations.models import AttestationStatus as R
from sharing.core.clock import now, today
from sharing.disclosures.models import IncidentStatus, IncidentUpdate
from sharing.extensions import db as _db
from sharing.flows.models import FlowStatus
from sharing.reports.models import ImportJob, ImportStatus
from sharing.vendors.models import Organisation
from tests.conftest import sign_in_by_session
from tests.factories import make_department, make_flow, make_organisation, make_user
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.attestations import make_request
from tests.web.tables.evidence import make_evidence
from tests.web.tables.portal import make_incident

A = AgreementStatus
_TOTAL = re.compile(r"(\d+) results?[,.]")


def _section(page: str, key: str) -> str:
    return page.split(f'id="{key}"')[1].split("</section>")[0]


def _you(page: str) -> str:
    return _section(page, "waiting-for-you")


def _others(page: str) -> str:
    return _section(page, "waiting-for-others")


def _items(section: str) -> list[str]:
    return section.split('<li class="list-group-item waiting-item"')[1:]


def _item(section: str, name: str) -> str:
    """The list item that names `name`."""
    for chunk in _items(section):
        if name in chunk:
            return chunk
    raise AssertionError(f"{name} is not listed")


def _text(chunk: str) -> str:
    """The item's words, as a reader hears them: tags dropped, spaces collapsed."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", chunk)).split())


def _changed(row, *, days_ago: int) -> None:
    """Set the row's last change `days_ago` days back (its own saves would reset it)."""
    table = type(row).__table__
    moment = now() - timedelta(days=days_ago)
    _db.session.execute(update(table).where(table.c.id == row.id).values(updated_at=moment))
    _db.session.commit()


def _home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# -- procurement ------------------------------------------------------------------------------


def test_procurement_sees_a_flow_it_submitted_for_another_department_returned(client, login_as):
    """A flow the user submitted for another department and the office returned is waiting
    for them, and the "Returned by the privacy office" count includes it."""
    mine, other = make_department(name="Libraries"), make_department(name="Parks")
    user = login_as("procurement", department_id=mine.id)
    flow = make_flow(
        make_organisation(),
        department_id=other.id,
        status=FlowStatus.CHANGES_REQUESTED,
        submitted_by_id=user.id,
        system_name="Pool bookings",
    )
    _changed(flow, days_ago=3)

    page = _home(client)

    item = _text(_item(_you(page), "Pool bookings"))
    assert "Returned for changes: Pool bookings" in item and "Waiting for 3 days" in item
    returned = page.split('id="returned-heading"')[1].split("</h2>")[0]
    assert ">1</span>" in returned
    assert "Pool bookings" in _section(page, "returned")
    link = re.search(r'<a href="([^"]+)">See every returned flow</a>', page).group(1)
    listed = client.get(htmllib.unescape(link)).get_data(as_text=True)
    assert int(_TOTAL.search(listed).group(1)) == 1 and "Pool bookings" in listed


def test_procurement_without_a_department_still_sees_its_returned_flow(client, login_as):
    """The waiting list does not depend on the account's department."""
    user = login_as("procurement")
    make_flow(status=FlowStatus.CHANGES_REQUESTED, created_by_id=user.id, system_name="Mine")
    make_flow(status=FlowStatus.CHANGES_REQUESTED, system_name="Not mine")

    you = _you(_home(client))

    assert "Mine" in you and "Not mine" not in you


def test_procurement_lists_its_drafts_and_imports_to_confirm(client, login_as):
    """Drafts it created and imports ready for its confirmation wait for it, with their age
    and, for an import, the day its preview expires."""
    user = login_as("procurement", department_id=make_department().id)
    draft = make_flow(status=FlowStatus.DRAFT, created_by_id=user.id, system_name="Half done")
    _changed(draft, days_ago=1)
    job = ImportJob(
        uploaded_by_id=user.id,
        filename="vendors.xlsx",
        status=ImportStatus.READY,
        expires_at=now() + timedelta(days=2),
    )
    someone_elses = ImportJob(
        uploaded_by_id=make_user("procurement").id,
        filename="theirs.xlsx",
        status=ImportStatus.READY,
    )
    _db.session.add_all([job, someone_elses])
    _db.session.commit()

    you = _you(_home(client))

    assert "Waiting since yesterday" in _text(_item(you, "Half done"))
    imported = _text(_item(you, "vendors.xlsx"))
    assert "Import ready to confirm" in imported
    assert f"Preview expires {(today() + timedelta(days=2)).isoformat()}" in imported
    assert f'href="/reports/imports/{job.id}"' in you
    assert "theirs.xlsx" not in you


def test_procurement_sees_what_it_submitted_waiting_for_the_privacy_office(client, login_as):
    """A flow it submitted is with the privacy office until the office decides."""
    user = login_as("procurement", department_id=make_department().id)
    make_flow(
        status=FlowStatus.SUBMITTED,
        submitted_by_id=user.id,
        submitted_at=now() - timedelta(days=4),
        system_name="Sent off",
    )
    make_flow(status=FlowStatus.SUBMITTED, system_name="A colleague's elsewhere")

    page = _home(client)

    item = _text(_item(_others(page), "Sent off"))
    assert "With the privacy office for 4 days" in item
    assert "colleague" not in _others(page)
    assert "Sent off" not in _you(page)


def test_waiting_list_is_capped_with_a_link_to_the_full_list(client, login_as):
    """Ten items at most, then "see all" links to the list showing every one of them."""
    user = login_as("procurement", department_id=make_department().id)
    for n in range(12):
        make_flow(status=FlowStatus.DRAFT, created_by_id=user.id, system_name=f"Draft {n:02d}")

    you = _you(_home(client))

    assert len(_items(you)) == 10
    link = re.search(r'<a href="([^"]+)">12 drafts</a>', you)
    assert link, you
    listed = client.get(htmllib.unescape(link.group(1)) + "&per_page=100").get_data(as_text=True)
    assert int(_TOTAL.search(listed).group(1)) == 12


def test_items_are_sorted_by_due_date_then_age(client, login_as):
    """The soonest due leads; undated items follow, the longest waiting first."""
    login_as("privacy")
    org = make_organisation()
    make_incident(org.id, title="Due later", notice_deadline=now() + timedelta(days=3))
    make_incident(org.id, title="Due sooner", notice_deadline=now() + timedelta(days=1))
    make_flow(status=FlowStatus.SUBMITTED, submitted_at=now(), system_name="Fresh flow")
    make_flow(
        status=FlowStatus.SUBMITTED,
        submitted_at=now() - timedelta(days=6),
        system_name="Stale flow",
    )

    you = _you(_home(client))

    names = ["Due sooner", "Due later", "Stale flow", "Fresh flow"]
    positions = [you.index(n) for n in names]
    assert positions == sorted(positions)


# -- privacy office --------------------------------------------------------------------------


def test_privacy_sees_each_kind_of_work_waiting_with_age_and_due_date(client, login_as):
    """Flows to review or in review, attestations to review, new incidents and signed
    agreements."""
    org = make_organisation(legal_name="Waiting Data Co")
    make_flow(
        org,
        status=FlowStatus.SUBMITTED,
        submitted_at=now() - timedelta(days=2),
        system_name="Bus passes",
    )
    picked_up = make_flow(org, status=FlowStatus.IN_REVIEW, system_name="Library cards")
    _changed(picked_up, days_ago=4)
    attestation = make_request(org.id, R.SUBMITTED)
    incident = make_incident(
        org.id, title="Lost laptop", notice_deadline=now() - timedelta(days=1, hours=2)
    )
    signed = make_agreement(
        A.EXECUTED, organisation_id=org.id, effective_date=today() - timedelta(days=2)
    )
    handled = make_incident(org.id, title="Handled one", status=IncidentStatus.NOTIFIED)
    login_as("privacy")

    page = _home(client)
    you = _you(page)

    assert "Flow to review: Bus passes" in _text(_item(you, "Bus passes"))
    assert "Waiting for 2 days" in _text(_item(you, "Bus passes"))
    assert "Flow in review: Library cards" in _text(_item(you, "Library cards"))
    assert "Waiting for 4 days" in _text(_item(you, "Library cards"))
    review = _text(_item(you, attestation.agreement.number))
    assert "Attestation to review" in review and "Waiting since today" in review
    lost = _text(_item(you, "Lost laptop"))
    assert "New incident" in lost and "Overdue by" in lost
    assert f'href="/disclosures/incidents/{incident.id}"' in you
    countersign = _text(_item(you, signed.number))
    assert "countersign" in countersign and "Overdue by 2 days" in countersign
    assert handled.title not in you


def test_privacy_tiles_count_attestations_awaiting_review_and_new_incidents(client, login_as):
    """Two tiles the office lacked: submitted attestations and incidents not yet picked up."""
    org = make_organisation()
    make_request(org.id, R.SUBMITTED)
    make_request(org.id, R.PENDING)
    make_incident(org.id)
    make_incident(org.id, status=IncidentStatus.INVESTIGATING)
    login_as("privacy")

    page = _home(client)

    for key, count in (("submitted-attestations", 1), ("new-incidents", 1)):
        tile = page.split(f'id="tile-{key}"')[1].split("</li>")[0]
        assert re.search(rf"tile-count\">{count}<", tile), key


def test_privacy_sees_returned_flows_with_the_person_who_has_them(client, login_as):
    """A flow returned to procurement names the person who submitted it."""
    submitter = make_user("procurement", name="Pat Buyer")
    make_flow(
        status=FlowStatus.CHANGES_REQUESTED, submitted_by_id=submitter.id, system_name="Kiosks"
    )
    org = make_organisation(legal_name="Slow Answers LLC")
    requested = make_request(org.id, R.PENDING, due_date=today() + timedelta(days=5))
    sent = make_agreement(A.SENT_FOR_SIGNATURE, organisation_id=org.id, sent_for_signature_at=now())
    login_as("privacy")

    others = _others(_home(client))

    assert "With Pat Buyer" in _text(_item(others, "Kiosks"))
    waiting = _text(_item(others, requested.agreement.number))
    assert f"With {org.display_name}" in waiting
    assert f"Due {(today() + timedelta(days=5)).isoformat()}" in waiting
    assert f"With {org.display_name}" in _text(_item(others, sent.number))


def test_admin_home_shows_the_privacy_offices_lists(client, login_as):
    """Administrators share the privacy office's home, lists included."""
    make_flow(status=FlowStatus.SUBMITTED, submitted_at=now(), system_name="For admins too")
    login_as("admin")
    assert "For admins too" in _you(_home(client))


def test_staff_empty_states_say_what_will_appear(client, login_as):
    """With nothing waiting, each list says so in plain words."""
    login_as("privacy")
    page = _home(client)
    assert "Nothing is waiting for you." in _you(page)
    assert "Nothing you handed on is waiting." in _others(page)
    login_as("procurement", department_id=make_department().id)
    page = _home(client)
    assert "Nothing is waiting for you." in _you(page)
    assert "You have handed nothing on." in _others(page)


# -- vendor ------------------------------------------------------------------------------------


def _returned_request(org_id: int):
    request = make_request(org_id, R.RETURNED, due_date=today() + timedelta(days=9), round=2)
    request.answers.append(
        AttestationAnswer(
            obligation_code=request.questionnaire[0]["code"],
            round=1,
            answer=AnswerValue.NO,
            review=AnswerReview.RETURNED,
        )
    )
    _db.session.commit()
    return request


def test_vendor_sees_each_kind_of_work_waiting(client, login_as):
    """Attestations due or returned (to the question), agreements to sign, evidence expiring,
    and open incidents quiet for two weeks."""
    user = login_as("vendor")
    org = user.organisation_id
    due = make_request(org, R.PENDING, due_date=today() + timedelta(days=3))
    returned = _returned_request(org)
    to_sign = make_agreement(A.SENT_FOR_SIGNATURE, organisation_id=org)
    make_evidence(org, original_name="soc2.pdf", valid_until=today() + timedelta(days=20))
    quiet = make_incident(org, title="Quiet incident", status=IncidentStatus.INVESTIGATING)
    _changed(quiet, days_ago=15)
    recent = make_incident(org, title="Recent incident", status=IncidentStatus.INVESTIGATING)
    _changed(recent, days_ago=13)

    page = client.get("/portal/").get_data(as_text=True)
    you = _you(page)

    assert f"Due {(today() + timedelta(days=3)).isoformat()}" in _text(
        _item(you, due.agreement.number)
    )
    code, title = returned.questionnaire[0]["code"], returned.questionnaire[0]["title"]
    back = _item(you, returned.agreement.number)
    assert f'href="/attestations/{returned.id}/answer#question-{code}"' in back
    assert title in _text(back)
    assert f'href="/portal/agreements/{to_sign.id}"' in you
    assert "Evidence expiring" in _text(_item(you, "soc2.pdf"))
    assert "Waiting for 15 days" in _text(_item(you, "Quiet incident"))
    assert "Recent incident" not in you


def test_vendor_sees_what_waits_for_the_privacy_office(client, login_as):
    """Submitted attestations and reported incidents are with the office."""
    user = login_as("vendor")
    submitted = make_request(user.organisation_id, R.SUBMITTED)
    make_incident(user.organisation_id, title="Just reported")

    page = client.get("/portal/").get_data(as_text=True)
    others = _others(page)

    assert "With the privacy office" in _text(_item(others, submitted.agreement.number))
    assert "With the privacy office" in _text(_item(others, "Just reported"))
    assert submitted.agreement.number not in _you(page)


def test_vendor_never_sees_another_organisations_waiting_items(client, login_as):
    """Every kind of item of another organisation stays off the vendor's lists."""
    user = login_as("vendor")
    rival = make_organisation(legal_name="Rival Corp").id
    make_request(rival, R.PENDING)
    _returned_request(rival)
    make_request(rival, R.SUBMITTED)
    make_agreement(A.SENT_FOR_SIGNATURE, organisation_id=rival, title="Rival DPA")
    make_evidence(rival, original_name="rival.pdf", valid_until=today() + timedelta(days=5))
    quiet = make_incident(rival, title="Rival quiet", status=IncidentStatus.INVESTIGATING)
    _changed(quiet, days_ago=20)
    make_incident(rival, title="Rival new")
    assert user.organisation_id != rival

    page = client.get("/portal/").get_data(as_text=True)

    assert _items(_you(page)) == [] and _items(_others(page)) == []
    assert "Nothing is waiting for you." in page
    assert "Nothing you sent is waiting." in page


# -- statements --------------------------------------------------------------------------------


def _count_statements(client, url: str) -> int:
    seen = {"n": 0}

    def _seen(*_args, **_kwargs):
        seen["n"] += 1

    event.listen(_db.engine, "before_cursor_execute", _seen)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(_db.engine, "before_cursor_execute", _seen)
    return seen["n"]


def _one_of_each_waiting(org_id: int, user_id: int) -> None:
    org = _db.session.get(Organisation, org_id)
    for status in (FlowStatus.SUBMITTED, FlowStatus.IN_REVIEW, FlowStatus.CHANGES_REQUESTED):
        make_flow(org, status=status, submitted_by_id=user_id, submitted_at=now())
    make_flow(org, status=FlowStatus.DRAFT, created_by_id=user_id)
    for status in (R.PENDING, R.SUBMITTED):
        make_request(org_id, status)
    _returned_request(org_id)
    make_incident(org_id)
    make_agreement(A.EXECUTED, organisation_id=org_id)
    make_agreement(A.SENT_FOR_SIGNATURE, organisation_id=org_id)
    make_evidence(org_id, valid_until=today() + timedelta(days=3))


def test_home_statement_counts_do_not_grow_with_waiting_items(client, login_as):
    """Every role's home sends as many statements with 1 as with 12 items of each kind."""
    vendor = make_user("vendor")
    org = vendor.organisation_id
    procurement = make_user("procurement", department_id=make_department().id)
    _one_of_each_waiting(org, procurement.id)
    first = {}
    for role, user, url in (("privacy", None, "/"), ("vendor", vendor, "/portal/")):
        login_as(role) if user is None else _sign_in(client, user)
        client.get(url)
        first[role] = _count_statements(client, url)
    _sign_in(client, procurement)
    client.get("/")
    first["procurement"] = _count_statements(client, "/")
    for _ in range(11):
        _one_of_each_waiting(org, procurement.id)
    assert _count_statements(client, "/") == first["procurement"]
    _sign_in(client, vendor)
    assert _count_statements(client, "/portal/") == first["vendor"]
    login_as("privacy")
    assert _count_statements(client, "/") == first["privacy"]


def _sign_in(client, user) -> None:
    sign_in_by_session(client, user)


def test_see_all_attestations_waiting_for_answers_lists_exactly_those(client, login_as):
    """The office's "see all" link for attestations with vendors is the list's `status=open`
    filter: pending, in progress and returned requests, and no others."""
    org = make_organisation()
    for status in (R.PENDING, R.IN_PROGRESS, R.RETURNED) * 4:
        make_request(org.id, status)
    accepted, submitted = make_request(org.id, R.ACCEPTED), make_request(org.id, R.SUBMITTED)
    login_as("privacy")

    others = _others(_home(client))

    link = re.search(r'<a href="([^"]+)">12 attestations waiting for answers</a>', others)
    assert link, others
    listed = client.get(htmllib.unescape(link.group(1)) + "&per_page=100").get_data(as_text=True)
    assert int(_TOTAL.search(listed).group(1)) == 12
    assert accepted.agreement.number not in listed
    assert submitted.agreement.number not in listed


def test_an_update_from_the_vendor_takes_a_quiet_incident_off_its_list(client, login_as):
    """The vendor's own update is news: a quiet incident it updated this week waits no more,
    even though the update left the incident's own fields as they were."""
    user = login_as("vendor")
    quiet = make_incident(
        user.organisation_id, title="Updated incident", status=IncidentStatus.INVESTIGATING
    )
    _changed(quiet, days_ago=20)
    assert "Updated incident" in _you(client.get("/portal/").get_data(as_text=True))

    _db.session.add(
        IncidentUpdate(
            incident_id=quiet.id, author_id=user.id, text="Logs reviewed.", created_at=now()
        )
    )
    _db.session.commit()
    _changed(quiet, days_ago=20)

    assert "Updated incident" not in _you(client.get("/portal/").get_data(as_text=True))
