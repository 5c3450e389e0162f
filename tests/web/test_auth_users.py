"""Admin pages for users and departments: role changes, deactivation, form round-trips."""

from __future__ import annotations

from sqlalchemy import select

from sharing.audit.models import AuditEvent
from sharing.auth.models import Department, Role, User
from tests.factories import make_department, make_user


def last_event(db) -> AuditEvent | None:
    return db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))


def edit(client, user: User, **fields):
    data = {"name": user.name, "role": user.role.value, "department_id": "", "version": ""}
    data.update(fields)
    return client.post_form(f"/auth/users/{user.id}", data)


# Users ---------------------------------------------------------------------------------


def test_role_change_is_saved_and_audited_with_before_and_after(client, login_as, db):
    """user.role_changed names the admin and the old and new role."""
    admin = login_as("admin")
    user = make_user("procurement")
    response = edit(client, user, role="privacy")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).role == Role.PRIVACY
    event = last_event(db)
    assert (event.action, event.actor_id, event.object_id) == (
        "user.role_changed",
        admin.id,
        str(user.id),
    )
    assert event.changes["role"] == {"before": "procurement", "after": "privacy"}


def test_the_edit_form_round_trips_its_version(client, login_as, db):
    """The page carries the record's version, and posting it back unchanged saves."""
    login_as("admin")
    user = make_user("privacy")
    html = client.get(f"/auth/users/{user.id}").get_data(as_text=True)
    version = html.split('name="version" type="hidden" value="')[1].split('"')[0]
    assert version
    assert edit(client, user, name="Renamed", version=version).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Renamed"


def test_user_in_a_deactivated_department_can_still_be_edited(client, login_as, db):
    """The edit form offers the user's current department even after it was deactivated."""
    login_as("admin")
    closed = make_department(name="Closed Office", active=False)
    make_department(name="Open Office")
    user = make_user("privacy", department_id=closed.id)
    html = client.get(f"/auth/users/{user.id}").get_data(as_text=True)
    assert "Closed Office" in html and "Open Office" in html
    response = edit(client, user, name="Renamed", department_id=closed.id)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Renamed"


def test_vendor_user_cannot_become_staff(client, login_as, db):
    """The refusal is shown beside the role field, and the role is unchanged."""
    login_as("admin")
    vendor = make_user("vendor")
    response = edit(client, vendor, role="privacy")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="role-error"' in html
    assert "A vendor user cannot become staff" in html
    db.session.expire_all()
    assert db.session.get(User, vendor.id).role == Role.VENDOR
    assert last_event(db) is None  # the refused change wrote no audit event


def test_admin_cannot_demote_themselves(client, login_as, db):
    """An admin removing their own admin role is refused beside the role field."""
    admin = login_as("admin")
    response = edit(client, admin, role="privacy")
    assert response.status_code == 200
    assert "You cannot remove your own administrator role." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == Role.ADMIN
    assert client.get("/auth/users").status_code == 200


def test_admin_cannot_deactivate_themselves(client, login_as, db):
    """Self-deactivation is refused with a message and the admin stays signed in."""
    admin = login_as("admin")
    response = client.post_form(
        f"/auth/users/{admin.id}/deactivate", {}, from_url=f"/auth/users/{admin.id}"
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "You cannot deactivate your own account." in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).active is True
    assert last_event(db) is None  # the refused change wrote no audit event


def test_deactivating_requires_csrf(client, login_as, db):
    """A deactivation post without the token is refused and the user stays active."""
    login_as("admin")
    user = make_user("privacy")
    response = client.post(f"/auth/users/{user.id}/deactivate")
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).active is True
    assert last_event(db) is None  # the refused change wrote no audit event


def test_deactivating_with_csrf_is_audited(client, login_as, db):
    """A confirmed deactivation turns the user off and writes user.deactivated."""
    admin = login_as("admin")
    user = make_user("vendor")
    response = client.post_form(
        f"/auth/users/{user.id}/deactivate", {}, from_url=f"/auth/users/{user.id}"
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).active is False
    event = last_event(db)
    assert (event.action, event.actor_id, event.object_id) == (
        "user.deactivated",
        admin.id,
        str(user.id),
    )
    assert event.changes == {"active": {"before": True, "after": False}}


def test_non_admins_cannot_change_users(client, login_as, db):
    """Privacy staff get 403 on user edits and deactivation, and nothing changes."""
    login_as("privacy")
    user = make_user("procurement")
    assert edit(client, user, role="privacy").status_code == 403
    response = client.post_form(f"/auth/users/{user.id}/deactivate", {}, from_url="/auth/account")
    assert response.status_code == 403
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert (saved.role, saved.active) == (Role.PROCUREMENT, True)


def test_user_list_filters_by_role_and_search(client, login_as):
    """The list narrows to the role and the text searched for."""
    login_as("admin")
    make_user("privacy", name="Priya Privacy", email="priya@example.org")
    make_user("procurement", name="Paco Procurement", email="paco@example.org")
    html = client.get("/auth/users?role=privacy&q=PRIYA").get_data(as_text=True)
    assert "priya@example.org" in html
    assert "paco@example.org" not in html


# Departments ---------------------------------------------------------------------------


def test_rejected_department_keeps_what_was_typed_with_the_error_beside_the_field(
    client, login_as, db
):
    """A duplicate code re-renders the form (200) with the typed name and the code's error."""
    login_as("admin")
    make_department(name="Transportation", code="DOT")
    response = client.post_form(
        "/auth/departments/new", {"name": "Digital Office Team", "code": "dot", "active": "y"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="Digital Office Team"' in html
    assert 'id="code-error"' in html
    assert "Another department already uses this code." in html
    assert 'id="name-error"' not in html
    assert (
        db.session.scalar(select(Department).where(Department.name == "Digital Office Team"))
        is None
    )


def test_department_is_created_and_audited(client, login_as, db):
    """A valid department is saved with an upper-case code and department.created."""
    login_as("admin")
    response = client.post_form("/auth/departments/new", {"name": "Parks", "code": "prns"})
    assert response.status_code == 302
    db.session.expire_all()
    department = db.session.scalar(select(Department))
    assert (department.name, department.code) == ("Parks", "PRNS")
    assert last_event(db).action == "department.created"


def test_editing_a_department_keeps_typed_values_when_refused(client, login_as, db):
    """On a clash, the edit form shows what was typed, not the stored values."""
    login_as("admin")
    make_department(name="Transportation", code="DOT")
    parks = make_department(name="Parks", code="PRNS")
    response = client.post_form(
        f"/auth/departments/{parks.id}", {"name": "Parks and Trails", "code": "DOT", "active": "y"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="Parks and Trails"' in html
    assert 'id="code-error"' in html
    db.session.expire_all()
    assert db.session.get(Department, parks.id).name == "Parks"
