"""The fixtures themselves: a migrated database, the CSRF client and login_as."""

from sqlalchemy import func, select

from sharing.audit.models import AuditEvent


def test_each_test_starts_with_an_empty_migrated_database(db):
    """Every test sees the migrated schema and no rows left over from another test."""
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_login_as_signs_the_client_in_and_audits_it(client, login_as, db):
    """login_as goes through the real sign-in form with CSRF on."""
    user = login_as("privacy")
    response = client.get("/")
    assert response.status_code == 200
    assert user.name in response.get_data(as_text=True)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions == ["auth.signed_in"]
