"""Organisation and contact services: validation rules, duplicates, stale edits, audit events."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sharing.audit.models import AuditEvent
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from sharing.vendors import services
from sharing.vendors.models import (
    Contact,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    normalise_name,
)
from tests.factories import make_contact, make_organisation, make_user

pytestmark = pytest.mark.usefixtures("app")


def events(action: str) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(stmt))


def organisation_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation))


def values(**overrides) -> dict:
    data = {"legal_name": "Northwind Mobility Inc.", "kind": "vendor"}
    data.update(overrides)
    return data


# Rules (no database) -----------------------------------------------------------------


def test_legal_name_and_kind_are_required():
    """Both are reported at once, each on its own field."""
    errors = services.check_organisation({"legal_name": "  ", "kind": ""})
    assert set(errors) == {"legal_name", "kind"}


@pytest.mark.parametrize(
    "kind", ["vendor", OrganisationKind.RESEARCH, "Public agency", "NONPROFIT"]
)
def test_kind_accepts_members_values_and_labels(kind):
    """Import rows and forms may name the kind in several ways."""
    assert services.check_organisation(values(kind=kind)) == {}


def test_unknown_kind_and_status_are_refused():
    errors = services.check_organisation(values(kind="supplier", status="dormant"))
    assert set(errors) == {"kind", "status"}


def test_nine_digit_ein_gets_its_hyphen():
    """123456789, 12 3456789 and 12-3456789 are the same EIN."""
    for raw in ("123456789", "12 3456789", " 12-3456789 "):
        assert services.clean_organisation_values({"ein": raw})["ein"] == "12-3456789"
        assert services.check_organisation(values(ein=raw)) == {}


@pytest.mark.parametrize("ein", ["12345678", "12-345678X", "1234567890"])
def test_malformed_ein_is_refused(ein):
    assert "ein" in services.check_organisation(values(ein=ein))


def test_duns_keeps_its_leading_zeros():
    """DUNS is text: 001234567 stays 001234567, and 8 digits are refused."""
    assert services.clean_organisation_values({"duns": "001-234-567"})["duns"] == "001234567"
    assert services.check_organisation(values(duns="001234567")) == {}
    assert "duns" in services.check_organisation(values(duns="1234567"))


def test_country_is_stored_as_its_two_letter_code_and_must_be_known():
    assert services.clean_organisation_values({"country": " ca "})["country"] == "CA"
    assert services.clean_organisation_values({"country": "Viet Nam"})["country"] == "VN"
    assert "country" in services.check_organisation(values(country="Atlantis"))
    assert "country" in services.check_organisation(values(country=""))


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example.org", "https://"])
def test_only_http_web_addresses_are_accepted(url):
    assert "website" in services.check_organisation(values(website=url))


def test_bare_domain_becomes_an_https_address():
    cleaned = services.clean_organisation_values({"website": "www.example.org"})
    assert cleaned["website"] == "https://www.example.org"


def test_certifications_split_on_commas_and_drop_repeats():
    cleaned = services.clean_organisation_values(
        {"certifications": "SOC 2 Type II, ISO 27001; soc 2 type ii,"}
    )
    assert cleaned["certifications"] == ["SOC 2 Type II", "ISO 27001"]


def test_overlong_values_are_refused_per_field():
    errors = services.check_organisation(
        values(legal_name="x" * 201, certifications=["y" * 81], postal_code="1" * 21)
    )
    assert set(errors) == {"legal_name", "certifications", "postal_code"}


# Duplicates --------------------------------------------------------------------------


def test_duplicates_match_on_the_normalised_name():
    """Case, punctuation and legal suffixes do not hide a duplicate."""
    existing = make_organisation(legal_name="Northwind Mobility, Incorporated")
    assert services.find_duplicates(legal_name="NORTHWIND MOBILITY LLC") == [existing]
    assert services.find_duplicates(legal_name="Northwind Transit") == []


def test_cyrillic_lookalike_name_gets_the_latin_key():
    """Look-alike letters (Cyrillic "А" and "а", Greek "ο") key as the Latin letters they
    imitate, so the look-alike name is found as a duplicate of the Latin one."""
    existing = make_organisation(legal_name="Acme Data Inc.")
    lookalike = "\u0410cme D\u0430ta Inc."  # Cyrillic capital and small A
    assert normalise_name(lookalike) == existing.normalised_name == "acme data"
    assert normalise_name("Inf\u03bf Systems") == "info systems"  # Greek small omicron
    assert services.find_duplicates(legal_name=lookalike) == [existing]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Rn Mill 10 Ltd", "rn mill 10"),  # UTS #39 would read "m" as "rn", "I" and "1" as "l"
        ("Ríoverde & Sons", "rioverde and sons"),
        ("\u0414\u0430\u043d\u043d\u044b\u0435 Holdings", "holdings"),  # Cyrillic "Данные"
    ],
)
def test_lookalike_folding_leaves_latin_names_and_other_scripts_alone(name, key):
    """Plain Latin letters and digits keep their keys; a word that does not look Latin
    throughout is dropped whole, not turned into a half-Latin key."""
    assert normalise_name(name) == key


@pytest.mark.parametrize(
    ("column", "stored", "given"),
    [
        ("ein", "12-3456789", "123456789"),
        ("duns", "001234567", "001-234-567"),
        ("state_registration", "C1234567", "C1234567"),
    ],
)
def test_duplicates_match_on_each_identifier(column, stored, given):
    existing = make_organisation(**{column: stored})
    found = services.find_duplicates(legal_name="Something Else", **{column: given})
    assert found == [existing]
    assert services.find_duplicates(legal_name="Something Else", exclude_id=existing.id) == []


def test_register_refuses_a_possible_duplicate_and_names_the_match():
    existing = make_organisation(legal_name="Northwind Mobility Inc.", ein="12-3456789")
    with pytest.raises(services.PossibleDuplicate) as caught:
        services.register_organisation(
            actor=make_user("procurement"), values=values(ein="123456789")
        )
    assert caught.value.matches == [existing]
    assert caught.value.reasons[existing.id] == ["name", "EIN"]
    assert organisation_count() == 1


def test_register_with_confirmation_saves_a_similar_organisation():
    make_organisation(legal_name="Northwind Mobility Inc.")
    created = services.register_organisation(
        actor=make_user("procurement"), values=values(), allow_duplicate=True
    )
    assert organisation_count() == 2
    assert "confirmed as distinct" in events("organisation.registered")[-1].summary
    assert created.normalised_name == "northwind mobility"


# Register and update -------------------------------------------------------------------


def test_register_saves_normalised_values_and_audits_them():
    actor = make_user("procurement")
    org = services.register_organisation(
        actor=actor,
        values=values(ein="123456789", country="ca", certifications="ISO 27001", status=""),
    )
    assert (org.ein, org.country, org.certifications) == ("12-3456789", "CA", ["ISO 27001"])
    assert org.status == OrganisationStatus.PROSPECTIVE
    event = events("organisation.registered")[-1]
    assert (event.actor_id, event.object_id, event.organisation_id) == (
        actor.id,
        str(org.id),
        org.id,
    )
    assert event.changes["ein"] == {"before": None, "after": "12-3456789"}


def test_register_reports_every_invalid_field():
    with pytest.raises(ValidationFailed) as caught:
        services.register_organisation(
            actor=make_user("admin"), values=values(ein="12", duns="x", website="nope nope")
        )
    assert set(caught.value.errors) == {"ein", "duns", "website"}
    assert organisation_count() == 0


def test_register_without_commit_leaves_the_transaction_to_the_caller():
    """Imports register many rows and commit once; a rollback drops them all."""
    actor = make_user("admin")
    services.register_organisation(actor=actor, values=values(), commit=False)
    services.register_organisation(actor=actor, values=values(legal_name="Other"), commit=False)
    db.session.rollback()
    assert organisation_count() == 0


def test_update_records_the_diff_and_the_new_version():
    org = make_organisation(common_name="Old")
    version = org.version
    services.update_organisation(
        actor=make_user("procurement"),
        organisation=org,
        values={"common_name": "New", "status": "active"},
        expected_version=version,
    )
    event = events("organisation.updated")[-1]
    assert event.changes["common_name"] == {"before": "Old", "after": "New"}
    assert event.changes["status"] == {"before": "prospective", "after": "active"}
    assert event.changes["version"] == {"before": version, "after": version + 1}


def test_update_without_changes_still_records_one_event():
    """Every accepted save leaves a trace, even when nothing differed."""
    org = make_organisation()
    services.update_organisation(
        actor=make_user("admin"), organisation=org, values={}, expected_version=org.version
    )
    event = events("organisation.updated")[-1]
    assert event.changes == {} and event.summary == "Saved without changes"


def test_stale_update_is_refused_and_shows_the_other_change():
    """Opened at version 1, saved by someone else since: nothing of ours is written."""
    org = make_organisation(legal_name="Harbour Data Inc.", common_name="Harbour")
    opened_at = org.version
    services.update_organisation(
        actor=make_user("procurement", email="first@example.org"),
        organisation=org,
        values={"common_name": "Harbour Data"},
        expected_version=opened_at,
    )
    with pytest.raises(services.StaleOrganisation) as caught:
        services.update_organisation(
            actor=make_user("procurement"),
            organisation=org,
            values={"common_name": "Mine", "notes": "mine"},
            expected_version=opened_at,
        )
    assert isinstance(caught.value, Conflict)
    [change] = caught.value.changes
    assert change.actor_email == "first@example.org"
    assert change.changes == {"common_name": {"before": "Harbour", "after": "Harbour Data"}}
    assert "first@example.org changed common_name" in caught.value.message
    db.session.expire_all()
    saved = db.session.get(Organisation, org.id)
    assert (saved.common_name, saved.notes) == ("Harbour Data", "")


def test_update_checks_duplicates_only_when_identity_changes():
    """Renaming onto another record warns; editing other fields of a known twin does not."""
    make_organisation(legal_name="Twin Labs Inc.")
    twin = make_organisation(legal_name="Twin Labs LLC")
    actor = make_user("admin")
    services.update_organisation(
        actor=actor, organisation=twin, values={"notes": "fine"}, expected_version=None
    )
    other = make_organisation(legal_name="Solo Labs")
    with pytest.raises(services.PossibleDuplicate):
        services.update_organisation(
            actor=actor,
            organisation=other,
            values={"legal_name": "Twin Labs"},
            expected_version=None,
        )


def test_an_organisation_cannot_be_its_own_ancestor():
    parent = make_organisation()
    child = make_organisation(parent_id=parent.id)
    with pytest.raises(ValidationFailed) as caught:
        services.update_organisation(
            actor=make_user("admin"),
            organisation=parent,
            values={"parent_id": str(child.id)},
            expected_version=None,
        )
    assert "parent_id" in caught.value.errors


def test_unknown_parent_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        services.register_organisation(actor=make_user("admin"), values=values(parent_id=99999))
    assert "parent_id" in caught.value.errors


def test_organisation_changes_previews_without_modifying():
    org = make_organisation(common_name="Before")
    preview = services.organisation_changes(org, {"common_name": " After ", "ein": "123456789"})
    assert preview == {
        "common_name": {"before": "Before", "after": "After"},
        "ein": {"before": None, "after": "12-3456789"},
    }
    assert org.common_name == "Before"


# Contacts ----------------------------------------------------------------------------


def test_contact_lifecycle_is_audited_under_its_organisation():
    org = make_organisation()
    actor = make_user("procurement")
    contact = services.add_contact(
        actor=actor,
        organisation=org,
        values={"name": "Ana Ruiz", "email": " Ana@Example.ORG ", "role": "security"},
    )
    assert contact.email == "ana@example.org"
    services.update_contact(actor=actor, contact=contact, values={"title": "CISO"})
    services.delete_contact(actor=actor, contact=contact)
    added, updated, removed = (
        events("contact.added")[-1],
        events("contact.updated")[-1],
        events("contact.removed")[-1],
    )
    assert {added.organisation_id, updated.organisation_id, removed.organisation_id} == {org.id}
    assert updated.changes == {"title": {"before": "", "after": "CISO"}}
    assert removed.changes["email"] == {"before": "ana@example.org", "after": None}
    assert db.session.get(Contact, contact.id) is None


def test_contact_email_is_unique_within_an_organisation_only():
    org, other = make_organisation(), make_organisation()
    make_contact(org, email="same@example.org")
    new = {"name": "B", "email": "SAME@example.org", "role": "privacy"}
    with pytest.raises(ValidationFailed) as caught:
        services.add_contact(actor=make_user("admin"), organisation=org, values=new)
    assert "email" in caught.value.errors
    services.add_contact(actor=make_user("admin"), organisation=other, values=new)


def test_contact_needs_a_name_a_valid_email_and_a_role():
    with pytest.raises(ValidationFailed) as caught:
        services.add_contact(
            actor=make_user("admin"),
            organisation=make_organisation(),
            values={"name": "", "email": "not-an-email", "role": "boss"},
        )
    assert set(caught.value.errors) == {"name", "email", "role"}


def test_blank_status_on_update_keeps_the_current_status():
    """A spreadsheet row with an empty status cell does not clear or break the status."""
    org = make_organisation(status=OrganisationStatus.ACTIVE)
    services.update_organisation(
        actor=make_user("admin"), organisation=org, values={"status": ""}, expected_version=None
    )
    assert org.status == OrganisationStatus.ACTIVE
