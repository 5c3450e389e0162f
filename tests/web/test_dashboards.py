"""The role dashboards: each privacy count links to a list showing exactly the rows it counted,
procurement sees its department, vendors see their tasks in the portal, the charts are
accessible SVG with the same numbers as their tables, and the statement count does not grow."""

from __future__ import annotations

import html as htmllib
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

from sqlalchemy import event

from sharing.agreements.models import AgreementStatus
from sharing.algorithms.models import AlgorithmStatus
from sharing.attestations.models import AnswerReview, AnswerValue, AttestationAnswer
from sharing.attestations.models import AttestationStatus as R
from sharing.concerns.models import ConcernStatus
from sharing.core.clock import now, today
from sharing.disclosures.models import IncidentStatus
from sharing.extensions import db as _db
from sharing.flows.models import FlowStatus
from sharing.vendors.models import Organisation
from tests.factories import (
    make_algorithm,
    make_concern,
    make_department,
    make_flow,
    make_organisation,
)
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.attestations import make_request
from tests.web.tables.evidence import make_evidence
from tests.web.tables.portal import make_incident

A = AgreementStatus
SVG = "{http://www.w3.org/2000/svg}"
_TILE = re.compile(r'id="tile-([\w-]+)">\s*(?:<a href="([^"]+)">)?.*?tile-count">(\d+)<', re.DOTALL)
_TOTAL = re.compile(r"(\d+) results?[,.]")


def _tiles(page: str) -> dict[str, tuple[int, str | None]]:
    return {
        key: (int(count), htmllib.unescape(href) if href else None)
        for key, href, count in _TILE.findall(page)
    }


def _list_total(client, url: str) -> tuple[int, str]:
    """The total the list reports (0 when it shows its empty state) and its HTML."""
    page = client.get(f"{url}&per_page=100").get_data(as_text=True)
    found = _TOTAL.search(page)
    return (int(found.group(1)) if found else 0), page


def _privacy_rows() -> dict[str, dict[str, list[str]]]:
    """Rows just inside and just outside each dashboard count, as {tile: {in, out}} names."""
    org = make_organisation(legal_name="Dashboard Data Co")
    day, moment = today(), now()
    rows: dict[str, dict[str, list[str]]] = {}

    def flow(name, status, **extra):
        make_flow(org, status=status, system_name=name, **extra)
        return name

    rows["awaiting-review"] = {
        "in": [
            flow("Oldest waiting", FlowStatus.SUBMITTED, submitted_at=moment - timedelta(days=9)),
            flow("Newer waiting", FlowStatus.SUBMITTED, submitted_at=moment - timedelta(days=1)),
        ],
        "out": [
            flow("Under review", FlowStatus.IN_REVIEW),
            flow("Still a draft", FlowStatus.DRAFT),
        ],
    }

    def agreement(status, expires_in, notice_days=10):
        expiry = day + timedelta(days=expires_in)
        return make_agreement(
            status, expiry_date=expiry, notice_days=notice_days, effective_date=day
        ).number

    in_20, cancel_today = agreement(A.ACTIVE, 20), agreement(A.ACTIVE, 5, notice_days=5)
    past, in_45 = agreement(A.ACTIVE, 30, notice_days=60), agreement(A.EXECUTED, 45)
    in_80, far = agreement(A.EXPIRING, 80, notice_days=100), agreement(A.ACTIVE, 200)
    expired, draft = agreement(A.ACTIVE, -1, notice_days=60), agreement(A.DRAFT, 10)
    within_30 = [in_20, cancel_today, past]
    rows["expiring-30"] = {"in": within_30, "out": [in_45, in_80, far, expired, draft]}
    rows["expiring-60"] = {"in": [*within_30, in_45], "out": [in_80, far, expired, draft]}
    rows["expiring-90"] = {"in": [*within_30, in_45, in_80], "out": [far, expired, draft]}
    rows["past-cancel-by"] = {"in": [past, in_80], "out": [in_20, cancel_today, expired, in_45]}

    def request(status, due_in):
        made = make_request(org.id, status, due_date=day + timedelta(days=due_in))
        # The agreement behind a request expires outside every expiring window, on any day.
        made.agreement.expiry_date = day + timedelta(days=400)
        _db.session.commit()
        return made.agreement.number

    late, late_returned = request(R.PENDING, -3), request(R.RETURNED, -2)
    returned, accepted = request(R.RETURNED, 10), request(R.ACCEPTED, -30)
    submitted, upcoming = request(R.SUBMITTED, -5), request(R.IN_PROGRESS, 4)
    rows["overdue-attestations"] = {
        "in": [late, late_returned],
        "out": [returned, accepted, submitted, upcoming],
    }
    rows["returned-attestations"] = {"in": [late_returned, returned], "out": [late, accepted]}
    rows["submitted-attestations"] = {
        "in": [submitted],
        "out": [late, returned, accepted, upcoming],
    }

    def evidence(name, valid_in):
        until = None if valid_in is None else day + timedelta(days=valid_in)
        make_evidence(org.id, original_name=name, valid_until=until)
        return name

    rows["expiring-evidence"] = {
        "in": [evidence("ends-in-30.pdf", 30), evidence("ends-today.pdf", 0)],
        "out": [
            evidence("ends-in-31.pdf", 31),
            evidence("ended.pdf", -1),
            evidence("no-end.pdf", None),
        ],
    }

    def incident(status, hours):
        deadline = moment + timedelta(hours=hours)
        return make_incident(org.id, status=status, notice_deadline=deadline).reference

    late_new, late_open = (
        incident(IncidentStatus.REPORTED, -1),
        incident(IncidentStatus.INVESTIGATING, -2),
    )
    notified, closed = incident(IncidentStatus.NOTIFIED, -3), incident(IncidentStatus.CLOSED, -4)
    new = incident(IncidentStatus.REPORTED, 5)
    rows["overdue-incidents"] = {"in": [late_new, late_open], "out": [notified, closed, new]}
    rows["new-incidents"] = {"in": [late_new, new], "out": [late_open, notified, closed]}

    def algorithm(name, tested_days_ago, **extra):
        tested = None if tested_days_ago is None else day - timedelta(days=tested_days_ago)
        make_algorithm(org, name=name, last_tested_on=tested, **extra)
        return name

    rows["untested-algorithms"] = {
        "in": [algorithm("Never tested model", None), algorithm("Tested long ago model", 400)],
        "out": [
            algorithm("Recently tested model", 30),
            algorithm("Retired untested model", None, status=AlgorithmStatus.RETIRED),
        ],
    }

    def concern(reference, due_in, status=ConcernStatus.RECEIVED):
        make_concern(reference=reference, due_on=day + timedelta(days=due_in), status=status)
        return reference

    rows["overdue-concerns"] = {
        "in": [concern("SJ-LATE0001", -1), concern("SJ-LATE0002", -9, ConcernStatus.IN_REVIEW)],
        "out": [
            concern("SJ-DUE00003", 0),
            concern("SJ-ANSWER04", -5, ConcernStatus.ANSWERED),
            concern("SJ-CLOSED05", -5, ConcernStatus.CLOSED),
        ],
    }
    return rows


def test_each_privacy_count_links_to_a_list_of_exactly_the_rows_it_counted(client, login_as):
    """Every dashboard count equals its linked list's total, and the list holds its rows."""
    rows = _privacy_rows()
    login_as("privacy")
    tiles = _tiles(client.get("/").get_data(as_text=True))

    assert set(tiles) == set(rows)
    for key, expected in rows.items():
        count, url = tiles[key]
        assert count == len(expected["in"]), key
        assert url is not None, key
        total, page = _list_total(client, url)
        assert total == count, (key, url)
        for name in expected["in"]:
            assert name in page, (key, name)
        for name in expected["out"]:
            assert name not in page, (key, name)


def test_dashboard_links_use_the_filters_the_lists_agreed_on(client, login_as):
    """The counts link to the contract's filters, so other parts' links stay valid."""
    login_as("admin")
    tiles = _tiles(client.get("/").get_data(as_text=True))
    assert tiles["awaiting-review"][1] == "/flows/?status=submitted&sort=submitted"
    assert tiles["expiring-60"][1] == "/agreements/?expiring=60"
    assert tiles["past-cancel-by"][1] == "/agreements/?past_cancel_by=1"
    assert tiles["overdue-attestations"][1] == "/attestations/?status=overdue"
    assert tiles["returned-attestations"][1] == "/attestations/?status=returned"
    assert tiles["expiring-evidence"][1] == "/attestations/evidence?expiring=1"
    assert tiles["untested-algorithms"][1] == "/algorithms/?bias_test=stale"
    assert tiles["overdue-concerns"][1] == "/concerns/cases?overdue=1"


def test_flows_awaiting_review_are_listed_oldest_first(client, login_as):
    """The dashboard names the longest-waiting submitted flows first."""
    org = make_organisation()
    moment = now()
    for days, name in ((1, "Second"), (5, "First"), (0, "Third")):
        make_flow(
            org,
            status=FlowStatus.SUBMITTED,
            system_name=f"{name} in the queue",
            submitted_at=moment - timedelta(days=days),
        )
    login_as("privacy")
    page = client.get("/").get_data(as_text=True)
    section = page.split('id="waiting-for-you"')[1]
    positions = [section.index(f"{n} in the queue") for n in ("First", "Second", "Third")]
    assert positions == sorted(positions)


def test_procurement_sees_its_departments_flows_returned_work_and_signatures(client, login_as):
    """Flows by status, returned flows and agreements out for signature: its department's."""
    mine, other = make_department(name="Libraries"), make_department(name="Parks")
    org = make_organisation()
    make_flow(org, department_id=mine.id, status=FlowStatus.APPROVED, system_name="Lending")
    make_flow(
        org, department_id=mine.id, status=FlowStatus.CHANGES_REQUESTED, system_name="Holds list"
    )
    make_flow(org, department_id=other.id, status=FlowStatus.CHANGES_REQUESTED, system_name="Pools")
    ours = make_agreement(A.SENT_FOR_SIGNATURE, department_id=mine.id, title="Library DPA")
    theirs = make_agreement(A.SENT_FOR_SIGNATURE, department_id=other.id, title="Parks DPA")
    login_as("procurement", department_id=mine.id)

    page = client.get("/").get_data(as_text=True)

    assert "Libraries" in page
    assert "Holds list" in page and "Pools" not in page
    assert ours.number in page and theirs.number not in page
    approved = page.split('id="flows-approved"')[1].split("</tr>")[0]
    assert re.search(r">1</td>", approved)
    link = f"/agreements/?status=sent_for_signature&amp;department={mine.id}"
    assert link in page
    total, listed = _list_total(client, htmllib.unescape(link))
    assert total == 1 and ours.number in listed and theirs.number not in listed


def test_procurement_without_a_department_is_told_what_to_do(client, login_as):
    """No department: a helpful empty state instead of the whole city's numbers."""
    make_flow(status=FlowStatus.CHANGES_REQUESTED, system_name="Someone else's flow")
    login_as("procurement")
    page = client.get("/").get_data(as_text=True)
    assert "not linked to a department" in page
    assert "Someone else&#39;s flow" not in page and "Someone else's flow" not in page


def _count_statements(client, url: str) -> int:
    seen = {"n": 0}

    def _seen(*_args, **_kwargs):
        seen["n"] += 1

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", _seen)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", _seen)
    return seen["n"]


def _one_of_each(org_id: int, department_id: int) -> None:
    """One row of every kind a dashboard counts or lists."""
    day, moment = today(), now()
    org = _db.session.get(Organisation, org_id)
    make_flow(org, department_id=department_id, status=FlowStatus.SUBMITTED, submitted_at=moment)
    make_flow(org, department_id=department_id, status=FlowStatus.CHANGES_REQUESTED)
    make_agreement(A.ACTIVE, expiry_date=day + timedelta(days=20), notice_days=60)
    make_agreement(A.SENT_FOR_SIGNATURE, department_id=department_id)
    make_request(org_id, R.RETURNED, due_date=day - timedelta(days=1))
    make_evidence(org_id, valid_until=day + timedelta(days=3))
    make_incident(org_id, notice_deadline=moment - timedelta(hours=1))


def test_privacy_dashboard_statement_count_is_the_same_with_1_and_20_rows_of_each_kind(
    client, login_as
):
    """The privacy office's dashboard sends a fixed number of SQL statements."""
    department, org = make_department(), make_organisation()
    _one_of_each(org.id, department.id)
    login_as("privacy")
    client.get("/")  # warm-up: first-request work is not the dashboard's
    one = _count_statements(client, "/")
    for _ in range(19):
        _one_of_each(org.id, department.id)
    assert _count_statements(client, "/") == one


def test_procurement_dashboard_statement_count_is_the_same_with_1_and_20_rows_of_each_kind(
    client, login_as
):
    """Procurement's dashboard sends a fixed number of SQL statements."""
    department, org = make_department(), make_organisation()
    _one_of_each(org.id, department.id)
    login_as("procurement", department_id=department.id)
    client.get("/")
    one = _count_statements(client, "/")
    for _ in range(19):
        _one_of_each(org.id, department.id)
    assert _count_statements(client, "/") == one


def test_charts_are_images_followed_by_tables_of_the_same_numbers(client, login_as):
    """Each chart is an <img> with alt text, served as SVG whose description matches the
    table under it on the dashboard."""
    for status in (A.ACTIVE, A.ACTIVE, A.DRAFT):
        make_agreement(status)
    login_as("privacy")
    page = client.get("/").get_data(as_text=True)

    for name in ("agreements", "attestations", "risk"):
        assert f'src="/charts/{name}.svg"' in page
        response = client.get(f"/charts/{name}.svg")
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        # Signed-in responses are never cached (core/security.py), charts included.
        assert response.headers["Cache-Control"] == "no-store"
        root = ET.fromstring(response.data)  # noqa: S314 - the app's own matplotlib output
        assert root.get("role") == "img"
        assert root.find(f"{SVG}title") is not None
        desc = root.find(f"{SVG}desc").text
        table = page.split(f'id="chart-{name}-table"')[1].split("</table>")[0]
        cells = re.findall(
            r'<th scope="row" class="fw-normal">([^<]+)</th>((?:<td[^>]*>\d+</td>)+)', table
        )
        assert cells, name
        for category, numbers in cells:
            values = re.findall(r">(\d+)<", numbers)
            if len(values) == 1:
                assert f"{htmllib.unescape(category)}: {values[0]}" in desc, (name, category)
            else:
                assert f"{category}: accepted {values[0]}," in desc
    active = page.split('id="chart-agreements-table"')[1].split("</table>")[0]
    assert re.search(r"Active</th><td[^>]*>2</td>", active)


def test_an_unknown_chart_is_not_found(client, login_as):
    """Only the three dashboard charts exist."""
    login_as("admin")
    assert client.get("/charts/secrets.svg").status_code == 404
    assert client.get("/charts/risk.svg").status_code == 200


# -- the vendor's tasks in the portal ---------------------------------------------------------


def _tasks(page: str) -> str:
    return page.split('id="waiting-for-you"')[1].split("</section>")[0]


def test_portal_tasks_list_agreements_awaiting_the_vendors_signature(client, login_as):
    """Agreements sent for signature are tasks linking to the agreement; others are not."""
    user = login_as("vendor")
    to_sign = make_agreement(A.SENT_FOR_SIGNATURE, organisation_id=user.organisation_id)
    signed = make_agreement(A.ACTIVE, organisation_id=user.organisation_id)
    elsewhere = make_agreement(A.SENT_FOR_SIGNATURE)

    tasks = _tasks(client.get("/portal/").get_data(as_text=True))

    assert to_sign.number in tasks
    assert f'href="/portal/agreements/{to_sign.id}"' in tasks
    assert signed.number not in tasks and elsewhere.number not in tasks


def test_portal_tasks_link_each_returned_question_and_put_overdue_first(client, login_as):
    """A returned request links straight to each question that came back; the overdue one
    leads."""
    user = login_as("vendor")
    org = user.organisation_id
    later = make_request(org, due_date=today() + timedelta(days=40))
    returned = make_request(org, R.RETURNED, due_date=today() + timedelta(days=10), round=2)
    for code, review in (("PUR-1", AnswerReview.RETURNED), ("SEC-1", AnswerReview.RETURNED)):
        returned.answers.append(
            AttestationAnswer(obligation_code=code, round=1, answer=AnswerValue.YES, review=review)
        )
    returned.answers.append(
        AttestationAnswer(
            obligation_code="BRN-1", round=1, answer=AnswerValue.YES, review=AnswerReview.ACCEPTED
        )
    )
    _db.session.commit()
    overdue = make_request(org, due_date=today() - timedelta(days=2))

    tasks = _tasks(client.get("/portal/").get_data(as_text=True))

    answer = f"/attestations/{returned.id}/answer"
    assert f'href="{answer}#question-PUR-1"' in tasks
    assert f'href="{answer}#question-SEC-1"' in tasks
    assert "#question-BRN-1" not in tasks
    order = [tasks.index(r.agreement.number) for r in (overdue, returned, later)]
    assert order == sorted(order)
