"""Alembic migrations: empty → head → base → head, and the result matches the models exactly.

Each test migrates a brand-new empty database: a new SQLite file, or a new PostgreSQL
database dropped afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from sharing import create_app
from sharing.extensions import db
from tests.conftest import USING_POSTGRES, base_config


@pytest.fixture
def migration_app(empty_database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on a brand-new empty database."""
    application = create_app(base_config(empty_database_url, tmp_path))
    with application.app_context():
        try:
            yield application
        finally:
            db.session.remove()
            db.engine.dispose()


def table_names() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def head_revision() -> str:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def audit_triggers() -> set[str]:
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            sql = (
                "SELECT name FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'audit_events'"
            )
        else:
            sql = (
                "SELECT tgname FROM pg_trigger "
                "WHERE tgrelid = 'audit_events'::regclass AND NOT tgisinternal"
            )
        return set(connection.scalars(text(sql)))


def schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_downgrade_upgrade_round_trip(migration_app):
    """An empty database upgrades to head, downgrades to nothing, and upgrades again."""
    assert table_names() <= {"alembic_version"}

    upgrade()
    model_tables = {table.name for table in db.metadata.sorted_tables}
    assert model_tables <= table_names()
    assert head_revision() is not None

    downgrade(revision="base")
    assert table_names() <= {"alembic_version"}
    assert head_revision() is None

    upgrade()
    assert model_tables <= table_names()


def test_migrated_schema_matches_the_models(migration_app):
    """Autogenerate finds nothing to change: every model column, type and index is migrated."""
    upgrade()

    assert schema_differences() == []


def test_audit_triggers_exist_after_upgrade_and_go_with_downgrade(migration_app):
    """The append-only triggers are created with the schema and removed on downgrade."""
    upgrade()

    expected = (
        {"audit_events_append_only"}
        if USING_POSTGRES
        else {"audit_events_no_update", "audit_events_no_delete"}
    )
    assert audit_triggers() == expected

    downgrade(revision="base")
    if USING_POSTGRES:
        with db.engine.connect() as connection:
            function = connection.scalar(
                text("SELECT count(*) FROM pg_proc WHERE proname = 'audit_events_append_only'")
            )
        assert function == 0
    else:
        with db.engine.connect() as connection:
            triggers = connection.scalar(
                text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
            )
        assert triggers == 0


def test_tallies_migration_counts_the_entries_already_in_the_log(migration_app):
    """Migration 0010 fills the accounting tallies from existing entries, exactly as a
    recount would (one-offs, a recurring series and an exempt entry, over two categories)."""
    from datetime import date

    from sharing.disclosures import tallies
    from sharing.disclosures.models import Disclosure
    from tests.factories import add_category, make_category, make_flow

    upgrade()
    flow = make_flow()
    first, second = make_category(), make_category()
    add_category(flow, first)
    add_category(flow, second)
    for day, last, records, exempt, categories in (
        (date(2026, 1, 5), None, 10, False, [first]),
        (date(2026, 1, 5), date(2026, 3, 1), 25, True, [first, second]),
        (date(2026, 2, 9), None, None, False, [second]),
    ):
        db.session.add(
            Disclosure(
                flow_id=flow.id,
                organisation_id=flow.organisation_id,
                disclosed_on=day,
                last_disclosed_on=last,
                record_count=records,
                exempt=exempt,
                purpose="Service delivery",
                categories=categories,
            )
        )
    db.session.commit()
    db.session.remove()

    def rows() -> list:
        with db.engine.connect() as connection:
            return connection.execute(
                text("SELECT * FROM disclosure_day_tallies ORDER BY category_id, day")
            ).all()

    kept_on_write = rows()
    downgrade(revision="0009")
    upgrade()
    backfilled = rows()
    with db.engine.begin() as connection:
        tallies.rebuild(connection)
    assert backfilled == rows() == kept_on_write
    assert len(backfilled) == 8  # every entry: 3 days; the first category 2; the second 3


def test_confusable_names_migration_gives_old_rows_the_new_key(migration_app):
    """Migration 0011 recomputes stored name keys, so an organisation registered with a
    Cyrillic look-alike name gets its Latin key; the downgrade puts the old key back."""
    from tests.factories import make_organisation

    upgrade()
    lookalike = make_organisation(legal_name="\u0421loudy Hosting")  # Cyrillic "С"
    latin = make_organisation(legal_name="Cloudy Hosting")
    ids = (lookalike.id, latin.id)
    db.session.remove()

    def keys() -> list[str]:
        with db.engine.connect() as connection:
            sql = text("SELECT normalised_name FROM organisations WHERE id IN (:a, :b) ORDER BY id")
            return list(connection.scalars(sql, {"a": ids[0], "b": ids[1]}))

    downgrade(revision="0010")
    assert keys() == ["loudy hosting", "cloudy hosting"]  # the key as 0010 stored it
    upgrade(revision="0011")
    assert keys() == ["cloudy hosting", "cloudy hosting"]


def test_listing_and_status_tallies_migrations_fill_from_the_rows_already_there(migration_app):
    """Migrations 0012 and 0013 list the flows already on the register and count the
    agreements, attestation requests and flows already there, exactly as keeping them on
    write does."""
    from sharing.attestations.models import AttestationStatus
    from sharing.flows.models import FlowStatus, RiskTier
    from tests.factories import make_flow
    from tests.web.tables.attestations import make_request
    from tests.web.tables.register import make_arrangement

    upgrade()
    make_arrangement()
    make_arrangement(published=False, publication_exemption="Critical")
    make_flow(status=FlowStatus.SUBMITTED, risk_tier=RiskTier.HIGH)
    make_request(status=AttestationStatus.RETURNED)
    db.session.commit()
    db.session.remove()

    def rows() -> tuple[list, list]:
        with db.engine.connect() as connection:
            listed = connection.execute(text("SELECT flow_id FROM register_entries")).all()
            counted = connection.execute(
                text(
                    "SELECT subject, status, detail, day, n FROM status_tallies WHERE n <> 0 "
                    "ORDER BY subject, status, detail, day"
                )
            ).all()
        return listed, counted

    kept_on_write = rows()
    assert len(kept_on_write[0]) == 1 and kept_on_write[1]
    downgrade(revision="0011")
    upgrade()
    assert rows() == kept_on_write


def test_register_keys_migration_fills_the_listing_from_its_flows(migration_app):
    """Migration 0015 gives the rows already listed the sort keys, filter ids and search text
    that keeping them on write gives (register/changelog.py), and its downgrade removes them."""
    from tests.factories import make_department, make_organisation
    from tests.web.tables.register import make_arrangement

    upgrade()
    organisation = make_organisation(legal_name="Cloudy Hosting LLC", common_name="Cloudy")
    department = make_department(name="Parks & Recreation")
    make_arrangement(
        organisation=organisation,
        department_id=department.id,
        system_name="Pool Bookings",
        purposes="Book swimming\nlessons",
    )
    make_arrangement(system_name="Parking Permits")
    db.session.remove()

    def rows() -> list:
        with db.engine.connect() as connection:
            return connection.execute(
                text(
                    "SELECT flow_id, organisation_id, department_id, organisation_name, "
                    "department_name, system_name, search_text FROM register_entries "
                    "ORDER BY flow_id"
                )
            ).all()

    kept_on_write = rows()
    assert len(kept_on_write) == 2
    # As kept on write at head (migration 0020 folds them: the shown name, no case).
    assert kept_on_write[0][3:] == (
        "cloudy",
        "parks & recreation",
        "pool bookings",
        "pool bookings\nbook swimming\nlessons\ncloudy hosting llc\ncloudy\nparks & recreation",
    )
    downgrade(revision="0014")
    columns = {c["name"] for c in inspect(db.engine).get_columns("register_entries")}
    assert columns == {"flow_id"}
    upgrade()
    assert rows() == kept_on_write
    assert schema_differences() == []


def test_incident_updates_migration_folds_the_register_keys_and_its_downgrade_unfolds(
    migration_app,
):
    """Migration 0020 gives listed rows the folded keys that keeping them on write gives (the
    shown name, no case, no accents), and its downgrade puts back the keys of 0015."""
    from tests.factories import make_department, make_organisation
    from tests.web.tables.register import make_arrangement

    upgrade()
    organisation = make_organisation(legal_name="Công ty Sài Gòn", common_name="")
    make_arrangement(
        organisation=organisation,
        department_id=make_department(name="Élections").id,
        system_name="Bảng lương",
        purposes="Trả lương",
    )
    db.session.remove()

    def keys() -> tuple:
        with db.engine.connect() as connection:
            return connection.execute(
                text(
                    "SELECT organisation_name, department_name, system_name, search_text "
                    "FROM register_entries"
                )
            ).one()

    kept_on_write = keys()
    assert kept_on_write == (
        "cong ty sai gon",
        "elections",
        "bang luong",
        "bang luong\ntra luong\ncong ty sai gon\n\nelections",
    )
    downgrade(revision="0017")
    assert keys()[:3] == ("Công ty Sài Gòn", "Élections", "Bảng lương")
    assert "incident_updates" not in inspect(db.engine).get_table_names()
    upgrade()
    assert keys() == kept_on_write
    assert schema_differences() == []


def test_american_spelling_migration_renames_the_old_shipped_categories(migration_app):
    """Migration 0017 renames a stored category still called by its old British name,
    leaves a category alone when one with the new name already exists, touches no other
    category, and the downgrade renames back."""

    def names() -> set[str]:
        with db.engine.connect() as connection:
            return set(connection.scalars(text("SELECT name FROM data_categories")))

    upgrade(revision="0016")
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM data_categories"))
        for name in (
            "Licence-plate reads",
            "Driver's licence number",
            "Driver's license number",  # added by hand before the upgrade
            "Licence renewals",  # the office's own category: not a shipped name
        ):
            connection.execute(
                text(
                    "INSERT INTO data_categories (name, description, sensitivity, is_minors,"
                    " is_health, is_biometric, is_precise_location, is_licence_plate, is_ssn,"
                    " is_financial, is_criminal_justice, active, created_at, updated_at)"
                    " VALUES (:name, '', 'restricted', false, false, false, false, false, false,"
                    " false, false, true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"name": name},
            )

    upgrade(revision="0017")
    assert names() == {
        "License-plate reads",
        "Driver's licence number",
        "Driver's license number",
        "Licence renewals",
    }

    downgrade(revision="0016")
    assert "Licence-plate reads" in names() and "License-plate reads" not in names()
