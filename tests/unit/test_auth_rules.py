"""Pure account rules: invitation states, token hashing, who may invite whom, session ids."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from sharing.auth.invitations import INVITERS, roles_invitable_by, token_hash
from sharing.auth.models import Invitation, Role, User, normalise_email
from sharing.auth.session import load_user_from_session

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def _invitation(**overrides) -> Invitation:
    values = {"email": "a@example.org", "role": Role.VENDOR, "expires_at": NOW + timedelta(days=7)}
    values.update(overrides)
    return Invitation(**values)


def test_token_hash_is_the_sha256_hex_digest_of_the_token():
    """Only sha256(token) is stored, so the hash must be exactly that digest."""
    assert token_hash("abc") == hashlib.sha256(b"abc").hexdigest()
    assert len(token_hash("abc")) == 64


def test_a_fresh_invitation_is_pending_until_it_expires():
    """An invitation is pending before expires_at and expired from that instant on."""
    invitation = _invitation()
    assert invitation.state(at=NOW) == "pending"
    assert invitation.state(at=invitation.expires_at - timedelta(seconds=1)) == "pending"
    assert invitation.state(at=invitation.expires_at) == "expired"


def test_accepted_and_revoked_invitations_never_become_pending_again():
    """Acceptance wins over revocation and expiry; revocation wins over expiry."""
    later = NOW + timedelta(days=30)
    assert _invitation(accepted_at=NOW, revoked_at=NOW).state(at=later) == "accepted"
    assert _invitation(revoked_at=NOW).state(at=later) == "revoked"
    assert _invitation(revoked_at=NOW).state(at=NOW) == "revoked"


def test_normalise_email_trims_and_lowercases():
    """Emails are compared trimmed and in lower case everywhere."""
    assert normalise_email("  Ada@Example.ORG ") == "ada@example.org"


@pytest.mark.parametrize(
    ("role", "invitable"),
    [
        (Role.ADMIN, {Role.ADMIN, Role.PROCUREMENT, Role.PRIVACY, Role.VENDOR}),
        (Role.PROCUREMENT, {Role.VENDOR}),
        (Role.PRIVACY, {Role.PROCUREMENT, Role.PRIVACY}),
        (Role.VENDOR, set()),
    ],
)
def test_each_role_may_invite_only_the_roles_the_policy_allows(role, invitable):
    """Admins invite anyone, procurement vendors, privacy staff but not admins, vendors nobody."""
    assert set(roles_invitable_by(User(role=role))) == invitable


def test_every_role_has_an_inviter_rule():
    """A new role must be given explicit inviters rather than fail at invitation time."""
    assert set(INVITERS) == set(Role)


def test_session_id_carries_the_session_generation():
    """The cookie names the user and the generation, so bumping it kills old cookies."""
    user = User(role=Role.ADMIN)
    user.id, user.session_generation = 7, 3
    assert user.get_id() == "7:3"


@pytest.mark.parametrize("session_id", ["", "7", "7:", ":3", "x:1", "7:y", "-1:0", "7:-1"])
def test_malformed_session_ids_load_no_user(session_id):
    """A tampered session id, or one without a generation, is treated as signed out, without a
    lookup."""
    assert load_user_from_session(session_id) is None
