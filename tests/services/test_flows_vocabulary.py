"""The data-category vocabulary: its standard entries, installing it, and audited edits."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sharing.audit.models import AuditEvent
from sharing.errors import Conflict, DomainError, ValidationFailed
from sharing.flows import categories as service
from sharing.flows.models import DataCategory, Sensitivity
from sharing.flows.vocabulary import CATEGORIES
from tests.factories import make_category, make_user

# The kinds of data a city commonly shares, each with the vocabulary entry that covers it.
REQUIRED = {
    "name": "Full name",
    "email": "Email address",
    "phone": "Phone number",
    "home address": "Home address",
    "date of birth": "Date of birth",
    "SSN": "Social Security number",
    "driver's license": "Driver's license number",
    "license-plate reads": "License-plate reads",
    "vehicle location": "Vehicle location",
    "precise geolocation": "Precise geolocation",
    "video and images of people": "Video and images of people",
    "biometrics": "Biometric identifiers",
    "health": "Health information",
    "disability status": "Disability status",
    "payment card": "Payment card data",
    "bank account": "Bank account details",
    "income": "Income and household finances",
    "utility usage": "Utility usage",
    "permit and case records": "Permit and case records",
    "criminal-justice records": "Criminal-justice records",
    "immigration status": "Immigration status",
    "student records": "Student records",
    "minors' data": "Minors' data",
    "IP address and device ids": "IP address and device identifiers",
    "web analytics": "Web analytics",
    "social-login identifiers": "Social-login identifiers",
    "employee HR records": "Employee HR records",
}


def test_the_standard_vocabulary_covers_every_commonly_shared_kind():
    """At least 30 entries, including each kind of data a city commonly shares."""
    names = {entry["name"] for entry in CATEGORIES}
    assert len(CATEGORIES) >= 30 and len(names) == len(CATEGORIES)
    missing = {kind: name for kind, name in REQUIRED.items() if name not in names}
    assert missing == {}


def test_each_standard_entry_has_a_description_and_a_sensitivity():
    for entry in CATEGORIES:
        assert entry["description"].strip(), entry["name"]
        assert isinstance(entry["sensitivity"], Sensitivity)


def test_special_kinds_are_flagged_on_the_entries_that_carry_them():
    by_name = {entry["name"]: entry for entry in CATEGORIES}
    assert by_name["Social Security number"].get("is_ssn")
    assert by_name["Biometric identifiers"].get("is_biometric")
    assert by_name["Health information"].get("is_health")
    assert by_name["Student records"].get("is_minors")
    assert by_name["License-plate reads"].get("is_licence_plate")
    assert by_name["Criminal-justice records"].get("is_criminal_justice")


def test_install_vocabulary_adds_what_is_missing_once_and_is_audited(db):
    admin = make_user("admin")
    make_category(name="Full name", sensitivity=Sensitivity.CONFIDENTIAL)  # kept as edited
    added = service.install_vocabulary(actor=admin)
    assert added == len(CATEGORIES) - 1
    assert db.session.scalar(select(func.count()).select_from(DataCategory)) == len(CATEGORIES)
    kept = db.session.scalar(select(DataCategory).where(DataCategory.name == "Full name"))
    assert kept.sensitivity == Sensitivity.CONFIDENTIAL
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "category.vocabulary_installed")
    )
    assert (
        event.actor_email == admin.email and "Full name" not in event.changes["categories"]["after"]
    )
    with pytest.raises(DomainError):
        service.install_vocabulary(actor=admin)


def test_seed_vocabulary_command_installs_and_can_run_again(app, db):
    from sharing.flows.cli import flows_cli

    runner = app.test_cli_runner()
    first = runner.invoke(flows_cli, ["seed-vocabulary"])
    assert first.exit_code == 0 and f"Added {len(CATEGORIES)}" in first.output
    again = runner.invoke(flows_cli, ["seed-vocabulary"])
    assert again.exit_code == 0 and "already installed" in again.output


def test_create_category_is_audited(db):
    category = service.create_category(
        actor=make_user("privacy"),
        values={"name": " Parcel  owners ", "sensitivity": "internal", "is_financial": True},
    )
    assert category.name == "Parcel owners" and category.is_financial and category.active
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "category.created"))
    assert event.object_id == str(category.id)
    assert event.changes["sensitivity"] == {"before": None, "after": "internal"}


def test_category_names_are_unique_ignoring_case(db):
    make_category(name="Home address")
    with pytest.raises(ValidationFailed) as caught:
        service.create_category(
            actor=make_user("privacy"), values={"name": "home ADDRESS", "sensitivity": "internal"}
        )
    assert "name" in caught.value.errors


def test_update_category_records_the_diff(db):
    category = make_category(sensitivity=Sensitivity.INTERNAL)
    service.update_category(
        actor=make_user("admin"),
        category=category,
        values={"name": category.name, "sensitivity": "restricted", "active": False},
        expected_version=service.category_version(category),
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "category.updated"))
    assert event.changes["sensitivity"] == {"before": "internal", "after": "restricted"}
    assert event.changes["active"] == {"before": True, "after": False}


def test_stale_category_edit_is_refused(db):
    category = make_category()
    opened = service.category_version(category)
    service.update_category(
        actor=make_user("admin"),
        category=category,
        values={"name": "Renamed", "sensitivity": "internal"},
        expected_version=opened,
    )
    with pytest.raises(Conflict):
        service.update_category(
            actor=make_user("privacy"),
            category=category,
            values={"name": "Other", "sensitivity": "public"},
            expected_version=opened,
        )
    db.session.expire_all()
    assert category.name == "Renamed"
