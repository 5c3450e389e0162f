"""Registering and editing organisations: duplicates, typed values kept, stale edits, roles."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.attestations.models import AttestationRequest
from sharing.audit.models import AuditEvent
from sharing.disclosures.models import Incident
from sharing.flows.models import FlowStatus
from sharing.vendors import services
from sharing.vendors.models import Organisation
from tests.factories import make_contact, make_flow, make_organisation, make_user
from tests.web.tables.vendors import contact_form, organisation_form


def organisation_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation))


def form_version(html: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)


# Register ------------------------------------------------------------------------------


def test_procurement_registers_an_organisation(client, login_as, db):
    login_as("procurement")
    response = client.post_form("/vendors/new", organisation_form(ein="123456789"))
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation))
    assert response.headers["Location"] == f"/vendors/{org.id}"
    assert org.ein == "12-3456789"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Registered Harbour Analytics LLC." in page


def test_rejected_form_keeps_what_was_typed_and_shows_the_error_beside_the_field(
    client, login_as, db
):
    login_as("admin")
    typed = organisation_form(
        legal_name="Ríoverde Transit Ltd",
        ein="12-34",
        city="San José",
        website="ftp://rioverde.example",
        certifications="SOC 2, ISO 27001",
    )
    response = client.post_form("/vendors/new", typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Ríoverde Transit Ltd"' in html
    assert 'value="San José"' in html and 'value="SOC 2, ISO 27001"' in html
    assert 'id="ein-error"' in html and "NN-NNNNNNN" in html
    assert 'id="website-error"' in html
    assert 'aria-invalid="true"' in html
    assert organisation_count(db) == 0


def test_missing_legal_name_is_refused_by_the_form(client, login_as, db):
    login_as("admin")
    response = client.post_form("/vendors/new", organisation_form(legal_name=""))
    assert response.status_code == 200
    assert 'id="legal_name-error"' in response.get_data(as_text=True)
    assert organisation_count(db) == 0


@pytest.mark.parametrize(
    ("existing", "typed", "reason"),
    [
        ({"legal_name": "Harbour Analytics, Inc."}, {}, "same name"),
        ({"legal_name": "HA Holdings", "ein": "12-3456789"}, {"ein": "123456789"}, "same EIN"),
        ({"legal_name": "HA Holdings", "duns": "001234567"}, {"duns": "001234567"}, "same DUNS"),
        (
            {"legal_name": "HA Holdings", "state_registration": "C555"},
            {"state_registration": "C555"},
            "same state registration",
        ),
    ],
    ids=["name", "ein", "duns", "state-registration"],
)
def test_possible_duplicate_warns_and_links_to_the_match(
    client, login_as, db, existing, typed, reason
):
    """Nothing is saved; the warning links to the existing record and says what matched."""
    login_as("procurement")
    match = make_organisation(**existing)
    response = client.post_form("/vendors/new", organisation_form(**typed))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="possible-duplicates"' in html
    assert f'href="/vendors/{match.id}">{match.legal_name}</a>' in html
    assert reason in html
    assert 'name="confirm_distinct"' in html
    assert 'value="Harbour Analytics LLC"' in html
    assert organisation_count(db) == 1


def test_cyrillic_lookalike_of_a_registered_name_shows_the_duplicate_warning(client, login_as, db):
    """ "Сloudy Hosting" typed with a Cyrillic "С" is warned about as "Cloudy Hosting"."""
    login_as("procurement")
    match = make_organisation(legal_name="Cloudy Hosting")
    lookalike = "\u0421loudy Hosting"
    response = client.post_form("/vendors/new", organisation_form(legal_name=lookalike))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="possible-duplicates"' in html
    assert f'href="/vendors/{match.id}">Cloudy Hosting</a>' in html
    assert "same name" in html
    assert f'value="{lookalike}"' in html
    assert organisation_count(db) == 1


def test_save_anyway_registers_a_distinct_organisation(client, login_as, db):
    login_as("procurement")
    make_organisation(legal_name="Harbour Analytics, Inc.")
    response = client.post_form("/vendors/new", organisation_form(confirm_distinct="y"))
    assert response.status_code == 302
    assert organisation_count(db) == 2


# Edit ----------------------------------------------------------------------------------


def test_edit_form_opens_with_saved_values_and_saves_changes(client, login_as, db):
    login_as("admin")
    parent = make_organisation(legal_name="Parent Group")
    org = make_organisation(legal_name="Child Co", certifications=["ISO 27001"])
    html = client.get(f"/vendors/{org.id}/edit").get_data(as_text=True)
    assert 'value="Child Co"' in html and 'value="ISO 27001"' in html
    assert f'<option value="{org.id}"' not in html  # not its own parent
    data = organisation_form(
        legal_name="Child Co", parent_id=str(parent.id), version=form_version(html)
    )
    response = client.post_form(f"/vendors/{org.id}/edit", data)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).parent_id == parent.id


def test_stale_edit_shows_the_other_change_and_overwrites_nothing(client, login_as, db):
    """Open the form, someone else saves, submit: a conflict naming their change."""
    login_as("procurement")
    org = make_organisation(legal_name="Copperline Inc.", common_name="Copperline")
    html = client.get(f"/vendors/{org.id}/edit").get_data(as_text=True)
    opened_at = form_version(html)

    other = make_user("admin", email="colleague@example.org")
    services.update_organisation(
        actor=other,
        organisation=org,
        values={"common_name": "Copperline Networks"},
        expected_version=int(opened_at),
    )

    mine = organisation_form(
        legal_name="Copperline Inc.", common_name="Copper", notes="My note", version=opened_at
    )
    response = client.post_form(f"/vendors/{org.id}/edit", mine)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'id="conflict"' in html
    assert "colleague@example.org" in html
    assert "common name</strong>: Copperline → Copperline Networks" in html
    assert 'value="Copper"' in html and "My note" in html  # what I typed is kept
    db.session.expire_all()
    saved = db.session.get(Organisation, org.id)
    assert (saved.common_name, saved.notes) == ("Copperline Networks", "")

    # Having seen their change, saving again is a deliberate choice and goes through.
    again = {**mine, "version": form_version(html)}
    assert client.post_form(f"/vendors/{org.id}/edit", again).status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).common_name == "Copper"


def test_renaming_onto_another_organisation_warns(client, login_as, db):
    login_as("admin")
    existing = make_organisation(legal_name="Granite Systems")
    org = make_organisation(legal_name="Granite Sys")
    data = organisation_form(legal_name="Granite Systems LLC", version=str(org.version))
    response = client.post_form(f"/vendors/{org.id}/edit", data)
    assert f'href="/vendors/{existing.id}"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).legal_name == "Granite Sys"


# Roles -------------------------------------------------------------------------------


def test_privacy_can_view_but_not_create_or_edit(client, login_as, db):
    login_as("privacy")
    org = make_organisation()
    assert client.get(f"/vendors/{org.id}").status_code == 200
    assert "Edit organisation" not in client.get(f"/vendors/{org.id}").get_data(as_text=True)
    token = client.csrf_token("/vendors/")
    assert (
        client.post("/vendors/new", data={**organisation_form(), "csrf_token": token}).status_code
        == 403
    )
    edit = {**organisation_form(), "csrf_token": token}
    assert client.post(f"/vendors/{org.id}/edit", data=edit).status_code == 403
    assert organisation_count(db) == 1


def test_vendor_users_get_403_on_every_vendors_route(client, login_as, db):
    org = make_organisation()
    contact = make_contact(org)
    login_as("vendor", organisation_id=org.id)
    token = client.csrf_token("/")
    for url in ("/vendors/", f"/vendors/{org.id}", "/vendors/new", f"/vendors/{org.id}/edit"):
        assert client.get(url).status_code == 403, url
    posts = (
        "/vendors/new",
        f"/vendors/{org.id}/edit",
        f"/vendors/{org.id}/contacts/new",
        f"/vendors/{org.id}/contacts/{contact.id}/edit",
        f"/vendors/{org.id}/contacts/{contact.id}/delete",
    )
    for url in posts:
        assert client.post(url, data={**contact_form(), "csrf_token": token}).status_code == 403


# Detail page ---------------------------------------------------------------------------


def _at(day: int) -> datetime:
    return datetime(2026, 3, day, 12, tzinfo=UTC)


def test_detail_page_shows_every_section_of_the_organisation(client, login_as, db):
    login_as("privacy")
    org = make_organisation(legal_name="Beacon Health Data")
    make_contact(org, name="Dana Wells", email="dana@beacon.example")
    make_user("vendor", organisation_id=org.id, name="Portal Person")
    make_flow(org, system_name="Clinic Scheduling")
    make_flow(org, system_name="Old Export", status=FlowStatus.SUPERSEDED)
    agreement = Agreement(
        number="DSA-2026-0042", organisation_id=org.id, status=AgreementStatus.ACTIVE
    )
    db.session.add(agreement)
    db.session.flush()
    db.session.add_all(
        [
            AttestationRequest(
                agreement_id=agreement.id, organisation_id=org.id, due_date=date(2026, 6, 30)
            ),
            Incident(
                reference="INC-2026-007",
                organisation_id=org.id,
                title="Misdirected email",
                description="A report went to the wrong address.",
                discovered_at=_at(1),
                reported_at=_at(2),
            ),
        ]
    )
    db.session.commit()
    services.update_organisation(
        actor=make_user("admin"),
        organisation=org,
        values={"notes": "Reviewed"},
        expected_version=None,
    )
    other = make_organisation(legal_name="Elsewhere")
    make_contact(other, name="Not Ours")

    html = client.get(f"/vendors/{org.id}").get_data(as_text=True)
    for text in (
        "Dana Wells",
        "Portal Person",
        "Clinic Scheduling",
        "DSA-2026-0042",
        "2026-06-30",
        "INC-2026-007",
        "<strong>Notes</strong>: — → Reviewed",
        "Open in the audit trail",
    ):
        assert text in html, text
    assert "Old Export" not in html  # superseded revisions are history, not current flows
    assert "Not Ours" not in html


def test_missing_organisation_is_404(client, login_as):
    login_as("admin")
    assert client.get("/vendors/999999").status_code == 404
    assert client.get("/vendors/999999/edit").status_code == 404


def test_audit_history_is_newest_first(client, login_as, db):
    login_as("admin")
    org = make_organisation()
    actor = make_user("admin")
    for note in ("first", "second"):
        services.update_organisation(
            actor=actor, organisation=org, values={"notes": note}, expected_version=None
        )
    html = client.get(f"/vendors/{org.id}").get_data(as_text=True)
    history = html.split('id="history"', 1)[1]
    assert history.index("→ second") < history.index("→ first")
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) >= 2
