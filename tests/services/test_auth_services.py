"""Account services: sign-in, rate limiting, passwords, users, departments and the first admin."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from sharing.audit.models import AuditEvent
from sharing.auth import limits, services
from sharing.auth.limits import SignInSlowed
from sharing.auth.models import Department, Role, SignInFailure, User
from sharing.auth.passwords import verify_password
from sharing.core.clock import now
from sharing.errors import Conflict, DomainError, NotFound, ValidationFailed
from sharing.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.factories import make_department, make_user

NEW_PASSWORD = "a brand new passphrase"


def events(action: str | None = None) -> list[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return list(db.session.scalars(stmt))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def fail_sign_in(email: str, *, ip: str = "10.0.0.1", at=None, times: int = 1) -> None:
    for _ in range(times):
        with pytest.raises(DomainError) as caught:
            services.sign_in(email=email, password="wrong password!", ip=ip, now=at or now())
        assert caught.value.message == services.SIGN_IN_FAILED


# Sign-in -----------------------------------------------------------------------------


def test_successful_sign_in_records_last_sign_in_and_audits_it(db):
    """A good password sets last_sign_in_at and writes auth.signed_in."""
    user = make_user("privacy", password=TEST_PASSWORD)
    moment = now()
    signed_in = services.sign_in(
        email=user.email, password=TEST_PASSWORD, ip="10.0.0.1", now=moment
    )
    assert signed_in.id == user.id
    db.session.expire_all()
    assert db.session.get(User, user.id).last_sign_in_at == moment
    (event,) = events()
    assert (event.action, event.actor_id, event.object_id) == (
        "auth.signed_in",
        user.id,
        str(user.id),
    )


def test_sign_in_ignores_email_case_and_surrounding_spaces(db):
    """People type their email in any case; the account is still found."""
    user = make_user("admin", password=TEST_PASSWORD)
    signed_in = services.sign_in(
        email=f"  {user.email.upper()} ", password=TEST_PASSWORD, ip="10.0.0.1", now=now()
    )
    assert signed_in.id == user.id


def test_unknown_email_and_wrong_password_fail_alike_and_are_both_audited(db):
    """No enumeration: the same error for both, and each failure is an auth.sign_in_failed."""
    user = make_user("procurement", password=TEST_PASSWORD)
    fail_sign_in("nobody@example.org")
    fail_sign_in(user.email)
    failed = events("auth.sign_in_failed")
    assert len(failed) == 2
    assert failed[0].actor_id is None and failed[0].object_id is None
    assert failed[1].object_id == str(user.id)
    assert count(SignInFailure) == 2


def test_deactivated_user_cannot_sign_in_even_with_the_right_password(db):
    """An inactive account fails with the same message as a wrong password."""
    user = make_user("privacy", password=TEST_PASSWORD, active=False)
    with pytest.raises(DomainError) as caught:
        services.sign_in(email=user.email, password=TEST_PASSWORD, ip="10.0.0.1", now=now())
    assert caught.value.message == services.SIGN_IN_FAILED
    assert len(events("auth.sign_in_failed")) == 1


def add_failures(email: str, n: int, *, at, ip: str = "10.0.0.1", ips=None) -> None:
    """`n` stored failures of one account at one instant (or one per address of `ips`)."""
    addresses = ips or [ip] * n
    db.session.add_all(SignInFailure(email=email, ip=a, at=at) for a in addresses[:n])
    db.session.commit()


def refused(email: str, *, ip: str, at) -> SignInSlowed:
    with pytest.raises(SignInSlowed) as caught:
        services.sign_in(email=email, password=TEST_PASSWORD, ip=ip, now=at)
    return caught.value


def test_ten_failures_from_one_address_slow_that_account_there_with_a_retry_after(db):
    """At SIGNIN_MAX_FAILURES the pair waits 5 seconds, even with the right password; the
    refused attempt is not counted and nobody is signed in."""
    user = make_user("admin", password=TEST_PASSWORD)
    start = now()
    fail_sign_in(user.email, times=10, at=start, ip="10.9.9.9")
    slowed = refused(user.email, ip="10.9.9.9", at=start + timedelta(seconds=1))
    assert slowed.status_code == 429
    assert slowed.retry_after == 4
    assert "Try again in 4 seconds." in slowed.message
    assert events("auth.signed_in") == []
    assert count(SignInFailure) == 10


def test_the_pair_delay_does_not_reach_the_same_account_from_another_address(db):
    """Ten failures from one address leave the account usable from another one."""
    user = make_user("admin", password=TEST_PASSWORD)
    fail_sign_in(user.email, times=10, ip="10.9.9.9")
    assert services.sign_in(email=user.email, password=TEST_PASSWORD, ip="10.0.0.2", now=now())


def test_the_delay_doubles_with_each_failure_up_to_fifteen_minutes(db):
    """5 s after the tenth failure, 10 s after the eleventh, 20 s after the twelfth, and
    never more than SIGNIN_MAX_DELAY_MINUTES."""
    user = make_user("admin", password=TEST_PASSWORD)
    start = now()
    add_failures(user.email, 10, at=start)
    assert refused(user.email, ip="10.0.0.1", at=start).retry_after == 5
    fail_sign_in(user.email, at=start + timedelta(seconds=5))
    assert refused(user.email, ip="10.0.0.1", at=start + timedelta(seconds=5)).retry_after == 10
    fail_sign_in(user.email, at=start + timedelta(seconds=15))
    assert refused(user.email, ip="10.0.0.1", at=start + timedelta(seconds=15)).retry_after == 20
    add_failures(user.email, 30, at=start + timedelta(seconds=35))
    late = refused(user.email, ip="10.0.0.1", at=start + timedelta(seconds=35))
    assert late.retry_after == 15 * 60
    assert "Try again in 15 minutes." in late.message


def test_a_correct_password_after_the_delay_signs_in_and_clears_the_failures(db):
    """Once the delay has passed the password is checked again; success forgets every
    failure of the account, from every address."""
    user = make_user("admin", password=TEST_PASSWORD)
    start = now()
    add_failures(user.email, 10, at=start)
    add_failures(user.email, 3, at=start, ip="10.0.0.7")
    later = start + timedelta(seconds=5)
    assert services.sign_in(email=user.email, password=TEST_PASSWORD, ip="10.0.0.1", now=later)
    assert count(SignInFailure) == 0
    assert limits.limit_for(email=user.email, ip="10.0.0.1") == limits.SignInLimit()


def test_failures_from_many_addresses_slow_the_account_everywhere(db):
    """Guessing from many addresses is met by the per-account count (50 by default)."""
    user = make_user("admin", password=TEST_PASSWORD)
    start = now()
    add_failures(user.email, 50, at=start, ips=[f"10.1.0.{n}" for n in range(50)])
    assert refused(user.email, ip="192.0.2.1", at=start).retry_after == 5


def test_a_hundred_consecutive_failures_lock_the_account_until_cleared(db):
    """NIST SP 800-63B §5.2.2: no more than 100 consecutive failures; the lock has no end
    of its own and no Retry-After, and an administrator's clearing is audited."""
    user = make_user("privacy", password=TEST_PASSWORD)
    admin = make_user("admin")
    start = now() - timedelta(days=30)
    add_failures(user.email, 100, at=start)
    locked = refused(user.email, ip="10.0.0.1", at=now())
    assert locked.retry_after is None and locked.message == limits.LOCKED_MESSAGE
    assert limits.limit_for(email=user.email).locked

    limits.clear_sign_in_limit(actor=admin, user_id=user.id, now=now())
    (event,) = events("user.sign_in_limit_cleared")
    assert event.actor_id == admin.id and event.object_id == str(user.id)
    assert event.changes["sign_in_failures"] == {"before": 100, "after": 0}
    assert event.changes["sign_in_locked"] == {"before": True, "after": False}
    assert services.sign_in(email=user.email, password=TEST_PASSWORD, ip="10.0.0.1", now=now())


def test_fifty_failures_for_other_accounts_from_one_address_do_not_slow_this_one(db):
    """Failures against other accounts never count against this account's sign-in."""
    user = make_user("admin", password=TEST_PASSWORD)
    for n in range(50):
        fail_sign_in(f"guess{n}@example.org", ip="10.6.6.6")
    assert services.sign_in(email=user.email, password=TEST_PASSWORD, ip="10.6.6.6", now=now())


def test_an_unknown_email_is_slowed_like_a_real_account(db):
    """The limit does not tell which accounts exist."""
    start = now()
    add_failures("nobody@example.org", 10, at=start)
    slowed = refused("nobody@example.org", ip="10.0.0.1", at=start)
    assert slowed.retry_after == 5


def test_sign_out_bumps_the_session_generation_and_is_audited(db):
    """Signing out invalidates every copy of the session cookie."""
    user = make_user("vendor", password=TEST_PASSWORD)
    services.sign_out(user=user)
    db.session.expire_all()
    assert db.session.get(User, user.id).session_generation == 1
    assert [e.action for e in events()] == ["auth.signed_out"]


# Passwords ---------------------------------------------------------------------------


def test_change_password_needs_the_current_password(db):
    """A wrong current password is an error on that field, and nothing changes."""
    user = make_user("privacy", password=TEST_PASSWORD)
    with pytest.raises(ValidationFailed) as caught:
        services.change_password(
            user=user, current_password="not it at all", new_password=NEW_PASSWORD, now=now()
        )
    assert set(caught.value.errors) == {"current_password"}
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, TEST_PASSWORD)
    assert events() == []


@pytest.mark.parametrize(
    ("new_password", "reason"),
    [("short", "at least 12"), ("x" * 257, "at most 256"), (None, "email address")],
)
def test_new_password_must_follow_the_password_rules(db, new_password, reason):
    """At least 12 characters, at most 256, and not the email address."""
    user = make_user("privacy", password=TEST_PASSWORD, email="long.enough.address@example.org")
    with pytest.raises(ValidationFailed) as caught:
        services.change_password(
            user=user,
            current_password=TEST_PASSWORD,
            new_password=new_password or user.email.upper(),
            now=now(),
        )
    assert reason in caught.value.errors["new_password"]


def test_change_password_ends_other_sessions_and_hides_the_password_in_the_audit(db):
    """The generation is bumped, the new hash verifies, and the audit never holds the password."""
    user = make_user("privacy", password=TEST_PASSWORD)
    moment = now()
    services.change_password(
        user=user, current_password=TEST_PASSWORD, new_password=NEW_PASSWORD, now=moment
    )
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert saved.session_generation == 1
    assert saved.password_changed_at == moment
    assert verify_password(saved.password_hash, NEW_PASSWORD)
    (event,) = events()
    assert event.action == "user.password_changed"
    assert NEW_PASSWORD not in str(event.changes) and TEST_PASSWORD not in str(event.changes)


# Users -------------------------------------------------------------------------------


def _update(actor, user, **overrides):
    values = {
        "actor": actor,
        "user_id": user.id,
        "name": user.name,
        "role": user.role.value,
        "department_id": user.department_id,
        "version": "",
    }
    values.update(overrides)
    return services.update_user(**values)


def test_role_change_is_audited_with_before_and_after(db):
    """user.role_changed records the old and the new role."""
    admin, user = make_user("admin"), make_user("procurement")
    _update(admin, user, role="privacy")
    db.session.expire_all()
    assert db.session.get(User, user.id).role == Role.PRIVACY
    (event,) = events()
    assert event.action == "user.role_changed"
    assert event.actor_id == admin.id
    assert event.changes["role"] == {"before": "procurement", "after": "privacy"}


def test_name_change_without_role_change_is_audited_as_an_update(db):
    """Other edits are user.updated, with only the changed fields."""
    admin, user = make_user("admin"), make_user("procurement")
    _update(admin, user, name="Renamed Person")
    (event,) = events()
    assert event.action == "user.updated"
    assert set(event.changes) == {"name"}


@pytest.mark.parametrize(("start", "target"), [("vendor", "procurement"), ("privacy", "vendor")])
def test_vendor_users_cannot_become_staff_nor_staff_vendors(db, start, target):
    """Crossing the vendor/staff line is refused on the role field; nothing is written."""
    admin, user = make_user("admin"), make_user(start)
    with pytest.raises(ValidationFailed) as caught:
        _update(admin, user, role=target)
    assert set(caught.value.errors) == {"role"}
    db.session.expire_all()
    assert db.session.get(User, user.id).role == Role(start)
    assert events() == []


def test_admin_cannot_remove_their_own_admin_role(db):
    """Self-demotion is refused, so the last admin cannot lock everyone out."""
    admin = make_user("admin")
    with pytest.raises(ValidationFailed) as caught:
        _update(admin, admin, role="privacy")
    assert set(caught.value.errors) == {"role"}
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == Role.ADMIN


def test_an_unknown_role_is_a_validation_error(db):
    """A role outside the enumeration is refused on the role field, not a crash."""
    admin, user = make_user("admin"), make_user("privacy")
    with pytest.raises(ValidationFailed) as caught:
        _update(admin, user, role="superuser")
    assert set(caught.value.errors) == {"role"}


def test_stale_version_is_a_conflict(db):
    """Saving over someone else's change is refused with Conflict."""
    admin, user = make_user("admin"), make_user("privacy")
    with pytest.raises(Conflict):
        _update(admin, user, name="Another", version="2000-01-01T00:00:00+00:00")
    assert events() == []


def test_staff_department_is_kept_and_vendor_department_cleared(db):
    """Departments belong to staff only."""
    admin, department = make_user("admin"), make_department()
    staff = make_user("procurement")
    _update(admin, staff, department_id=department.id)
    vendor = make_user("vendor")
    _update(admin, vendor, department_id=department.id)
    db.session.expire_all()
    assert db.session.get(User, staff.id).department_id == department.id
    assert db.session.get(User, vendor.id).department_id is None


def test_staff_cannot_be_moved_into_an_inactive_or_unknown_department(db):
    """Only active departments take new members; the error is on the department field."""
    admin, user = make_user("admin"), make_user("procurement")
    closed = make_department(active=False)
    for department_id in (closed.id, 999_999):
        with pytest.raises(ValidationFailed) as caught:
            _update(admin, user, department_id=department_id)
        assert set(caught.value.errors) == {"department_id"}
    assert events() == []


def test_staff_keep_a_department_that_was_deactivated(db):
    """Editing someone whose department closed since does not force a move."""
    admin, closed = make_user("admin"), make_department(active=False)
    user = make_user("privacy", department_id=closed.id)
    _update(admin, user, name="Still Here")
    db.session.expire_all()
    assert db.session.get(User, user.id).department_id == closed.id


def test_user_search_treats_wildcards_as_plain_text(db):
    """An underscore typed in the search box matches an underscore, not any character."""
    make_user("privacy", email="a_b@example.org")
    make_user("privacy", email="axb@example.org")
    found = db.session.scalars(services.users_query(search="A_B")).all()
    assert [u.email for u in found] == ["a_b@example.org"]
    assert db.session.scalars(services.users_query(search="%")).all() == []


def test_updating_a_missing_user_is_not_found(db):
    """An unknown id raises NotFound."""
    with pytest.raises(NotFound):
        _update(make_user("admin"), User(id=999_999, name="x", role=Role.ADMIN))


def test_deactivating_a_user_ends_their_sessions_and_is_audited(db):
    """user.deactivated records active true to false, and the generation is bumped."""
    admin, user = make_user("admin"), make_user("vendor")
    services.set_user_active(actor=admin, user_id=user.id, active=False)
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert (saved.active, saved.session_generation) == (False, 1)
    (event,) = events()
    assert event.action == "user.deactivated"
    assert event.changes == {"active": {"before": True, "after": False}}
    assert event.organisation_id == user.organisation_id


def test_reactivating_a_user_is_audited(db):
    """user.activated records active false to true."""
    admin, user = make_user("admin"), make_user("privacy", active=False)
    services.set_user_active(actor=admin, user_id=user.id, active=True)
    (event,) = events()
    assert event.action == "user.activated"
    assert event.changes == {"active": {"before": False, "after": True}}


def test_admin_cannot_deactivate_themselves(db):
    """Self-deactivation is refused and the account stays active."""
    admin = make_user("admin")
    with pytest.raises(DomainError, match="your own account"):
        services.set_user_active(actor=admin, user_id=admin.id, active=False)
    db.session.expire_all()
    assert db.session.get(User, admin.id).active is True
    assert events() == []


def test_deactivating_an_inactive_user_is_refused(db):
    """A no-op state change is an error rather than a second audit event."""
    admin, user = make_user("admin"), make_user("privacy", active=False)
    with pytest.raises(DomainError, match="already inactive"):
        services.set_user_active(actor=admin, user_id=user.id, active=False)
    assert events() == []


# First administrator -----------------------------------------------------------------


def test_create_admin_makes_an_active_admin_and_audits_it(db):
    """The first admin can sign in at once; the system is the recorded actor."""
    user = services.create_admin(email=" First@Example.org", name=" First ", password=NEW_PASSWORD)
    assert (user.email, user.name, user.role, user.active) == (
        "first@example.org",
        "First",
        Role.ADMIN,
        True,
    )
    assert verify_password(user.password_hash, NEW_PASSWORD)
    (event,) = events()
    assert (event.action, event.actor_email, event.actor_id) == ("user.created", "system", None)


def test_create_admin_refuses_an_existing_email_and_a_short_password(db):
    """Duplicates, weak passwords and blank names are validation errors."""
    existing = make_user("privacy")
    with pytest.raises(ValidationFailed) as caught:
        services.create_admin(email=existing.email.upper(), name="X", password=NEW_PASSWORD)
    assert set(caught.value.errors) == {"email"}
    with pytest.raises(ValidationFailed) as caught:
        services.create_admin(email="new@example.org", name="X", password="short")
    assert set(caught.value.errors) == {"password"}
    with pytest.raises(ValidationFailed) as caught:
        services.create_admin(email="new@example.org", name="  ", password=NEW_PASSWORD)
    assert set(caught.value.errors) == {"name"}
    assert count(User) == 1


# Departments -------------------------------------------------------------------------


def test_create_department_upper_cases_the_code_and_audits_it(db):
    """department.created holds the new values."""
    admin = make_user("admin")
    department = services.create_department(actor=admin, name=" Parks ", code="prns")
    assert (department.name, department.code, department.active) == ("Parks", "PRNS", True)
    (event,) = events()
    assert event.action == "department.created"
    assert event.changes["code"] == {"before": None, "after": "PRNS"}


def test_department_name_and_code_are_unique_ignoring_case(db):
    """A duplicate name or code is refused on its own field."""
    admin = make_user("admin")
    make_department(name="Parks", code="PRNS")
    with pytest.raises(ValidationFailed) as caught:
        services.create_department(actor=admin, name="parks", code="prns")
    assert set(caught.value.errors) == {"name", "code"}
    assert count(Department) == 1


def test_update_department_may_keep_its_own_name_and_is_audited(db):
    """A department does not clash with itself; the audit holds only what changed."""
    admin = make_user("admin")
    department = make_department(name="Parks", code="PRNS")
    services.update_department(
        actor=admin, department_id=department.id, name="Parks", code="PRNS", active=False
    )
    (event,) = events()
    assert event.action == "department.updated"
    assert event.changes == {"active": {"before": True, "after": False}}


def test_update_department_refuses_another_departments_code(db):
    """Taking another department's code is refused on the code field."""
    admin = make_user("admin")
    make_department(name="Parks", code="PRNS")
    other = make_department(name="Transport", code="DOT")
    with pytest.raises(ValidationFailed) as caught:
        services.update_department(
            actor=admin, department_id=other.id, name="Transport", code="prns", active=True
        )
    assert set(caught.value.errors) == {"code"}
