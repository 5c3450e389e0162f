"""Import choices made on the preview: the remembered column mapping, and contacts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sharing.audit.models import AuditEvent
from sharing.core.clock import now
from sharing.errors import ValidationFailed
from sharing.extensions import db
from sharing.reports import import_choices, import_jobs, import_mapping, importing
from sharing.vendors.models import Contact, ContactRole, Organisation
from tests.factories import make_department, make_organisation, make_user
from tests.fixtures.spreadsheets import upload, xlsx_bytes

FLOW_HEADERS = ["Vendor", "Dept", "Application", "Purposes", "Reference"]


@pytest.fixture
def app_config() -> dict:
    return {"IMPORT_BACKGROUND": False}


@pytest.fixture
def user(app):
    make_department(name="Transportation", code="DOT")
    make_organisation(legal_name="Acme Data")
    return make_user("procurement")


def flows_file(headers: list[str]) -> bytes:
    return xlsx_bytes({"Flows": [headers, ["Acme Data", "DOT", "Meters", "Pay", "R-001"]]})


def choices_of(job) -> list[str]:
    [sheet] = import_mapping.mapping_sheets(job)
    return [column.choice for column in sheet.columns]


def test_a_saved_mapping_is_offered_again_for_the_same_headers_only(user):
    job = upload(user, flows_file(FLOW_HEADERS))
    assert choices_of(job)[4] == ""  # "Reference" means nothing to the import
    chosen = [*choices_of(job)[:4], "flows.description"]
    import_choices.remap_import(actor=user, job=job, choices={0: chosen}, now=now())
    assert db.session.scalar(
        select(func.count()).where(AuditEvent.action == "import.mapping_changed")
    )

    # The same headers, typed a little differently, start from the saved choices.
    again = upload(user, flows_file(["VENDOR", "dept.", "Application", "purposes", "reference"]))
    assert choices_of(again) == chosen
    assert import_mapping.mapping_sheets(again)[0].remembered

    # Other headers start from the suggestions of the column tables.
    other = upload(user, flows_file([*FLOW_HEADERS[:4], "Remarks"]))
    assert choices_of(other)[4] == ""
    assert not import_mapping.mapping_sheets(other)[0].remembered


def test_two_columns_for_one_field_are_refused_beside_both_and_nothing_is_saved(user):
    job = upload(user, flows_file(FLOW_HEADERS))
    chosen = [*choices_of(job)[:4], "flows.organisation"]  # "Reference" as the vendor too
    with pytest.raises(ValidationFailed) as error:
        import_choices.remap_import(actor=user, job=job, choices={0: chosen}, now=now())
    assert set(error.value.errors) == {"sheet0_col0", "sheet0_col4"}
    assert "“Vendor” and “Reference” both mean Organization" in error.value.errors["sheet0_col0"]
    assert choices_of(job)[4] == ""


CONTACT_HEADERS = ["Organization", "Name", "E-mail", "Phone", "Role"]


def contacts_file(*rows: list[str]) -> bytes:
    organisations = [["Legal name", "Kind"], ["Brand New Co", "Vendor"]]
    return xlsx_bytes({"Organisations": organisations, "Contacts": [CONTACT_HEADERS, *rows]})


def test_contacts_are_imported_with_the_rest_all_or_nothing(user):
    data = contacts_file(
        ["Acme Data", "Dana Rivera", "Dana@Acme.example", "+1 408 555 0100", "Privacy"],
        ["Brand New Co", "Lee Chen", "lee@new.example", "", "signatory"],
    )
    job = upload(user, data)
    assert job.error_count == 0 and job.count("contacts", "create") == 2
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 0
    importing.confirm_import(actor=user, job=job, now=now())
    contacts = {c.email: c for c in db.session.scalars(select(Contact))}
    assert contacts["dana@acme.example"].role == ContactRole.PRIVACY
    new_co = db.session.scalar(
        select(Organisation).where(Organisation.legal_name == "Brand New Co")
    )
    assert contacts["lee@new.example"].organisation_id == new_co.id
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "contact.added")) == 2

    # The same file again changes nothing.
    assert upload(user, data).count("contacts", "unchanged") == 2


def test_bad_contact_rows_are_listed_by_the_contact_forms_rules_and_nothing_is_written(user):
    job = upload(
        user,
        contacts_file(
            ["Acme Data", "Dana Rivera", "not-an-email", "", "Privacy"],
            ["Acme Data", "Sam Park", "sam@acme.example", "", "Chief"],
            ["Acme Data", "", "pat@acme.example", "", "Billing"],
            ["Nobody Inc", "Kim Lee", "kim@nobody.example", "", "Security"],
            ["Acme Data", "Good Person", "good@acme.example", "", "Security"],
        ),
    )
    report = [tuple(r) for r in import_jobs.error_report_rows(job)]
    assert report == [
        ("Contacts", 2, "E-mail", "Enter a valid email address, such as name@example.org."),
        ("Contacts", 3, "Role", "“Chief” is not one of: Signatory, Privacy, Security, Billing."),
        ("Contacts", 4, "Name", "Enter the contact's name."),
        (
            "Contacts",
            5,
            "Organization",
            "No organization “Nobody Inc” is registered or in this file.",
        ),
    ]
    with pytest.raises(Exception):  # noqa: B017,PT011 - a Conflict: errors block the import
        importing.confirm_import(actor=user, job=job, now=now())
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 0
