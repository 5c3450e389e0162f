"""The fixtures themselves: a migrated database per worker, put back between tests; one app
per worker, its settings put back between tests; the CSRF client, login_as and the form sign-in."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from sharing.audit.models import AuditEvent
from tests.conftest import _reconfigure, base_config
from tests.factories import make_audit_event, make_organisation
from tests.web.test_app_security import assert_friendly_page


def test_each_test_starts_with_an_empty_migrated_database(db):
    """Every test sees the migrated schema and no rows left over from another test."""
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_login_as_signs_the_client_in_without_the_form(client, login_as, db):
    """login_as puts the user in the session: the pages know them, and no sign-in is audited."""
    user = login_as("privacy")
    response = client.get("/")
    assert response.status_code == 200
    assert user.name in response.get_data(as_text=True)
    assert db.session.scalars(select(AuditEvent.action)).all() == []


def test_login_through_form_signs_in_with_csrf_and_audits_it(client, login_through_form, db):
    """login_through_form goes through the real sign-in form with CSRF on."""
    user = login_through_form("privacy")
    response = client.get("/")
    assert response.status_code == 200
    assert user.name in response.get_data(as_text=True)
    assert db.session.scalars(select(AuditEvent.action)).all() == ["auth.signed_in"]


def test_the_reset_empties_every_table_and_keeps_the_audit_trail_append_only(
    app, db, worker_database
):
    """Putting the database back removes every row, audit events included, and afterwards the
    database still refuses to delete an audit event."""
    make_organisation()
    make_audit_event()
    db.session.commit()

    worker_database.reset(app)

    for table in db.metadata.sorted_tables:
        assert db.session.scalar(select(func.count()).select_from(table)) == 0, table.name
    make_audit_event()
    db.session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_events"))
    db.session.rollback()


def test_settings_a_test_changed_are_put_back_for_the_next(app, tmp_path, database_url):
    """A test that writes to app.config (or adds a setting) leaves nothing for the next test."""
    propagate = app.config.get("PROPAGATE_EXCEPTIONS")
    app.config["PROPAGATE_EXCEPTIONS"] = not propagate
    app.config["MAIL_SERVER"] = "mail.invalid"
    app.config["SOMETHING_NEW"] = 1

    _reconfigure(app, base_config(database_url, tmp_path, TIMEZONE="Europe/Paris"))

    assert app.config.get("PROPAGATE_EXCEPTIONS") == propagate
    assert app.config["MAIL_SERVER"] is None
    assert "SOMETHING_NEW" not in app.config
    assert app.config["TIMEZONE"] == "Europe/Paris"


@pytest.mark.own_app
def test_a_test_marked_own_app_gets_an_app_of_its_own(app, shared_app, client):
    """Routes added to an own_app app never reach the app the other tests share."""
    assert app is not shared_app
    app.add_url_rule("/_test/only-here", "only_here", lambda: "here")
    assert client.get("/_test/only-here").get_data(as_text=True) == "here"
    assert "only_here" not in shared_app.view_functions
    assert_friendly_page(shared_app.test_client().get("/_test/only-here"), 404, "Not found")
