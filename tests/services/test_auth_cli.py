"""`flask --app app users ...`: the first administrator, and clearing a sign-in limit."""

from sqlalchemy import func, select

from sharing.audit.models import AuditEvent
from sharing.auth.models import Role, SignInFailure, User
from sharing.auth.passwords import verify_password
from tests.factories import make_sign_in_failures, make_user

PASSWORD = "a long enough passphrase"


def create_admin(app, email="first.admin@example.org", password=PASSWORD):
    args = ["users", "create-admin", "--email", email, "--name", "First Admin"]
    return app.test_cli_runner().invoke(args=[*args, "--password", password])


def test_create_admin_command_creates_an_admin_who_can_sign_in(app, db):
    """The command exits 0 and the new admin's password verifies."""
    result = create_admin(app)
    assert result.exit_code == 0, result.output
    assert "Created administrator first.admin@example.org" in result.output
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "first.admin@example.org"))
    assert (user.role, user.active) == (Role.ADMIN, True)
    assert verify_password(user.password_hash, PASSWORD)


def test_create_admin_command_rejects_a_short_password(app, db):
    """A password under 12 characters exits 1 with the reason, and creates nobody."""
    result = create_admin(app, password="short")
    assert result.exit_code == 1
    assert "password: Use at least 12 characters." in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_create_admin_command_rejects_an_existing_email(app, db):
    """An email already in use exits 1 with the reason, and creates nobody."""
    existing = make_user("privacy", email="taken@example.org")
    result = create_admin(app, email="TAKEN@example.org")
    assert result.exit_code == 1
    assert "email: A user with this email already exists." in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert db.session.get(User, existing.id).role == Role.PRIVACY


def test_create_admin_command_prompts_for_what_is_missing(app, db):
    """Run without options, the command asks for email, name and the password twice."""
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin"],
        input=f"prompted@example.org\nPrompted Admin\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    db.session.expire_all()
    assert db.session.scalar(select(User.name).where(User.email == "prompted@example.org")) == (
        "Prompted Admin"
    )


def test_clear_sign_in_limit_command_unlocks_a_locked_account_and_audits_it(app, db):
    """For a lone administrator locked out: the command forgets the failures, as SYSTEM."""
    admin = make_user("admin")
    make_sign_in_failures(admin.email, 100)
    args = ["users", "clear-sign-in-limit", "--email", admin.email.upper()]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(SignInFailure)) == 0
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "user.sign_in_limit_cleared")
    )
    assert event.changes["sign_in_locked"] == {"before": True, "after": False}
    unknown = app.test_cli_runner().invoke(
        args=["users", "clear-sign-in-limit", "--email", "x@y.z"]
    )
    assert unknown.exit_code == 1
