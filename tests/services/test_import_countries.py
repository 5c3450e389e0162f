"""Spreadsheet import reads countries given by name as well as by code."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sharing.core.clock import now
from sharing.extensions import db
from sharing.flows.models import DataFlow
from sharing.reports import importing
from sharing.vendors.models import Organisation
from tests.factories import make_department, make_organisation, make_user
from tests.fixtures.spreadsheets import upload, xlsx_bytes


@pytest.fixture
def app_config() -> dict:
    return {"IMPORT_BACKGROUND": False}  # every step runs before the service returns


def test_import_stores_the_code_of_countries_given_by_name(app):
    user = make_user("procurement")
    make_department(name="Transportation", code="DOT")
    make_organisation(legal_name="Acme Data")
    flows = [
        [
            "Organisation",
            "Department",
            "System name",
            "Purposes",
            "Storage country",
            "Subprocessors",
        ],
        ["Acme Data", "DOT", "Meters", "Pay", "Vietnam", "Hanoi Cloud (hosting, Việt Nam)"],
    ]
    organisations = [["Legal name", "Kind", "Country"], ["Saigon Data JSC", "Vendor", "Viet Nam"]]
    job = upload(user, xlsx_bytes({"Organisations": organisations, "Flows": flows}))
    assert job.error_count == 0, job.counts
    importing.confirm_import(actor=user, job=job, now=now())
    flow = db.session.scalar(select(DataFlow))
    assert flow.storage_country == "VN"
    assert flow.subprocessors == [{"name": "Hanoi Cloud", "service": "hosting", "country": "VN"}]
    saigon = db.session.scalar(select(Organisation).where(Organisation.legal_name.like("Saigon%")))
    assert saigon.country == "VN"


def test_import_reports_an_unknown_country(app):
    user = make_user("procurement")
    make_department(name="Transportation", code="DOT")
    make_organisation(legal_name="Acme Data")
    flows = [
        ["Organisation", "Department", "System name", "Purposes", "Storage country"],
        ["Acme Data", "DOT", "Meters", "Pay", "Atlantis"],
    ]
    job = upload(user, xlsx_bytes({"Flows": flows}))
    assert job.error_count == 1
