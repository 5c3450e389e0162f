"""Bulk entry of disclosures: the registry's preview, confirm and all-or-nothing commit path."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.audit.models import AuditEvent
from sharing.core.clock import now
from sharing.disclosures import log
from sharing.disclosures.models import Disclosure
from sharing.errors import Conflict
from sharing.extensions import db
from sharing.reports import import_jobs, importing
from sharing.reports.models import ImportJob, ImportStatus
from tests.factories import make_user
from tests.fixtures.spreadsheets import csv_bytes, xlsx_bytes
from tests.web.tables.disclosure_log import DISCLOSED_ON, TODAY, make_covered_flow

HEADERS = [
    "Organisation",
    "System name",
    "Date disclosed",
    "Categories",
    "Records or individuals",
    "Purpose",
    "Legal authority",
    "Requested by",
    "Authorized by",
    "Method",
    "Recurring",
    "Frequency",
    "Exempt",
    "Exempt reason",
]


@pytest.fixture
def app_config() -> dict:
    return {"IMPORT_BACKGROUND": False}  # every step runs before the service returns


def row(flow, **overrides) -> list[str]:
    """A good row for `flow`; overrides by header."""
    values = {
        "Organisation": flow.organisation.legal_name,
        "System name": flow.system_name,
        "Date disclosed": DISCLOSED_ON.isoformat(),
        "Categories": "; ".join(link.category.name for link in flow.categories),
        "Records or individuals": "120",
        "Purpose": "Deliver the contracted service",
        "Legal authority": "Municipal code 12.4",
        "Requested by": "Vendor operations",
        "Authorized by": "",
        "Method": "SFTP",
        "Recurring": "no",
        "Frequency": "",
        "Exempt": "no",
        "Exempt reason": "",
    }
    values.update(overrides)
    return [values[header] for header in HEADERS]


def upload(user, rows: list[list[str]], *, disclosures: bool = True, xlsx: bool = False):
    if xlsx:
        data, name = xlsx_bytes({"Disclosures": [HEADERS, *rows]}), "log.xlsx"
    else:
        data, name = csv_bytes([HEADERS, *rows]), "log.csv"
    return importing.upload_import(
        actor=user, stream=io.BytesIO(data), filename=name, now=now(), disclosures=disclosures
    )


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def events(action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


def preview(job: ImportJob) -> list[tuple]:
    return [
        (r.row_number, r.action.value, r.detail, [(e["column"], e["reason"]) for e in r.errors])
        for r in db.session.scalars(import_jobs.rows_query(job))
    ]


def test_a_good_file_is_previewed_row_by_row_and_then_recorded(app):
    """Every row shows as create and nothing is written until confirm records them all."""
    user = make_user("privacy")
    flow = make_covered_flow()
    job = upload(user, [row(flow), row(flow, **{"Recurring": "yes", "Frequency": "Daily"})])
    assert job.status == ImportStatus.READY
    assert [(n, action) for n, action, _, _ in preview(job)] == [(2, "create"), (3, "create")]
    assert job.count("disclosures", "create") == 2 and job.can_commit
    assert count(Disclosure) == 0
    job = importing.confirm_import(actor=user, job=job, now=now())
    assert job.status == ImportStatus.COMMITTED
    recorded = db.session.scalars(select(Disclosure).order_by(Disclosure.id)).all()
    assert [(d.flow_id, d.is_recurring, d.frequency) for d in recorded] == [
        (flow.id, False, ""),
        (flow.id, True, "daily"),
    ]
    assert recorded[0].categories == [link.category for link in flow.categories]
    assert recorded[0].retain_until is not None and not recorded[0].flagged
    assert events("disclosure.recorded") == 2 and events("import.committed") == 1


def test_an_xlsx_file_of_disclosures_goes_the_same_way(app):
    """A workbook with a Disclosures sheet is read and recorded like a CSV."""
    user = make_user("privacy")
    flow = make_covered_flow()
    job = importing.confirm_import(actor=user, job=upload(user, [row(flow)], xlsx=True), now=now())
    assert job.status == ImportStatus.COMMITTED and count(Disclosure) == 1


def test_one_bad_row_shows_its_reasons_and_blocks_the_commit(app):
    """An exempt row without a reason is an error on its column; confirming writes nothing."""
    user = make_user("privacy")
    flow = make_covered_flow()
    job = upload(user, [row(flow), row(flow, Exempt="yes", **{"Records or individuals": "5"})])
    assert preview(job)[1] == (
        3,
        "error",
        "",
        [("Exempt reason", "Give the reason the disclosure is exempt.")],
    )
    assert not job.can_commit
    with pytest.raises(Conflict):
        importing.confirm_import(actor=user, job=job, now=now())
    assert count(Disclosure) == 0 and events("disclosure.recorded") == 0


def test_rows_fail_the_logs_own_checks(app):
    """Unapproved flows, foreign categories, missing frequencies and future dates are errors."""
    user = make_user("privacy")
    flow = make_covered_flow()
    job = upload(
        user,
        [
            row(flow, **{"System name": "No such system"}),
            row(flow, Categories="Blood type"),
            row(flow, Recurring="yes"),
            row(flow, **{"Date disclosed": "2999-01-01"}),
            row(flow, **{"Authorized by": "nobody@example.org"}),
        ],
    )
    columns = [[column for column, _ in errors] for _, _, _, errors in preview(job)]
    assert columns == [
        ["System name"],
        ["Categories"],
        ["Frequency"],
        ["Date disclosed"],
        ["Authorized by"],
    ]
    assert job.error_count == 5


def test_a_failure_midway_through_the_commit_writes_nothing(app, monkeypatch):
    """If recording row 3 fails, rows 1 and 2 are rolled back with it and the job fails."""
    user = make_user("privacy")
    flow = make_covered_flow()
    job = upload(user, [row(flow, **{"Records or individuals": str(n)}) for n in (1, 2, 3)])
    real, calls = log.add_disclosure, []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(log, "add_disclosure", failing)
    job = importing.confirm_import(actor=user, job=job, now=now())
    assert job.status == ImportStatus.FAILED and len(calls) == 3
    assert count(Disclosure) == 0 and events("disclosure.recorded") == 0
    assert events("import.failed") == 1


def test_the_preview_says_which_rows_will_be_flagged(app):
    """No agreement in force, or a purpose outside the agreed ones, shows before the commit."""
    user = make_user("privacy")
    uncovered = make_covered_flow(agreement=False)
    covered = make_covered_flow()
    job = upload(user, [row(uncovered), row(covered, Purpose="Marketing")])
    details = [detail for _, _, detail, _ in preview(job)]
    assert details == [
        "Will be flagged: no agreement in force.",
        "Will be flagged: purpose outside the agreed purposes.",
    ]
    importing.confirm_import(actor=user, job=job, now=now())
    recorded = db.session.scalars(select(Disclosure).order_by(Disclosure.id)).all()
    assert [d.flag_reasons for d in recorded] == [[log.NO_AGREEMENT], [log.OUTSIDE_PURPOSE]]


def test_an_exempt_row_with_a_reason_is_recorded_as_exempt(app):
    """Exempt entries are kept, with their reason, not left out."""
    user = make_user("privacy")
    flow = make_covered_flow()
    reason = "Public Records Act release"
    job = upload(user, [row(flow, Exempt="yes", **{"Exempt reason": reason})])
    assert preview(job)[0][2] == f"Exempt: {reason}"
    importing.confirm_import(actor=user, job=job, now=now())
    entry = db.session.scalar(select(Disclosure))
    assert (entry.exempt, entry.exempt_reason) == (True, reason)


def test_authorized_by_is_matched_to_a_staff_email(app):
    """The authorizer is found by email, in any case."""
    user = make_user("privacy")
    officer = make_user("privacy", email="Officer@City.example")
    flow = make_covered_flow()
    job = upload(user, [row(flow, **{"Authorized by": "officer@city.example"})])
    importing.confirm_import(actor=user, job=job, now=now())
    assert db.session.scalar(select(Disclosure)).authorized_by_id == officer.id


def test_importing_the_same_file_twice_records_nothing_twice(app):
    """A row identical to an entry already in the log is unchanged on the second import."""
    user = make_user("privacy")
    flow = make_covered_flow()
    importing.confirm_import(actor=user, job=upload(user, [row(flow)]), now=now())
    again = upload(user, [row(flow)])
    assert preview(again)[0][1] == "unchanged"
    assert not again.can_commit
    assert count(Disclosure) == 1


def test_the_same_disclosure_twice_in_one_file_is_an_error(app):
    """A repeated row is reported rather than recorded twice."""
    user = make_user("privacy")
    flow = make_covered_flow()
    job = upload(user, [row(flow), row(flow)])
    assert preview(job)[1][3] == [("", "The same disclosure as row 2.")]


def test_a_registry_file_is_refused_as_disclosures_and_the_other_way_round(app):
    """Each upload page reads only its own kind of rows."""
    user = make_user("admin")
    flow = make_covered_flow()
    registry = [["Organisation", "Department", "System name"], ["Acme", "DOT", "Sensors"]]
    wrong = importing.upload_import(
        actor=user,
        stream=io.BytesIO(csv_bytes(registry)),
        filename="flows.csv",
        now=now(),
        disclosures=True,
    )
    assert "not disclosures" in wrong.file_errors[0]["reason"]
    other = upload(user, [row(flow)], disclosures=False)
    assert "import it from the disclosure log" in other.file_errors[0]["reason"]
    assert not wrong.can_commit and not other.can_commit


def test_a_privacy_officer_cannot_open_a_registry_import(app):
    """Only disclosure imports are visible to a role that may not import the registry."""
    user = make_user("privacy")
    flow = make_covered_flow()
    job = upload(user, [row(flow)], disclosures=False)
    with pytest.raises(Exception, match="does not exist"):
        import_jobs.get_job(job.id, user)
    assert import_jobs.get_job(upload(user, [row(flow)]).id, user).id != job.id


def test_entry_problems_is_the_check_hand_entry_uses(app):
    """The shared check reports every field at once, as the form shows them."""
    flow = make_covered_flow()
    entry = log.DisclosureEntry(
        flow_id=flow.id,
        disclosed_on=date(2999, 1, 1),
        categories=[],
        purpose=" ",
        is_recurring=True,
        exempt=True,
    )
    problems = log.entry_problems(flow, entry, today=TODAY)
    assert set(problems) == {"disclosed_on", "categories", "purpose", "frequency", "exempt_reason"}


def test_confirm_refuses_when_a_flag_changed_since_the_preview(app):
    """An agreement ending after the preview: nothing recorded, a fresh preview shows the flag."""
    user = make_user("privacy")
    flow = make_covered_flow()
    job = upload(user, [row(flow)])
    assert preview(job)[0][2] == ""
    agreement = db.session.scalar(
        select(Agreement).where(Agreement.organisation_id == flow.organisation_id)
    )
    agreement.status = AgreementStatus.TERMINATED
    db.session.commit()
    job = importing.confirm_import(actor=user, job=job, now=now())
    assert job.status == ImportStatus.READY and "nothing was imported" in job.message
    assert preview(job)[0][2] == "Will be flagged: no agreement in force."
    assert count(Disclosure) == 0 and events("import.refused") == 1
