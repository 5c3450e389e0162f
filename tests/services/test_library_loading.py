"""Loading library files goes through the office's own publishing step: a draft based on the
latest published version, published by publish_policy with its audit event and date floor."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.agreements.policy_impact import impact_of
from sharing.audit.models import AuditEvent
from sharing.errors import Conflict, ValidationFailed
from sharing.obligations import services
from sharing.obligations.library import DATA_DIR
from sharing.obligations.models import PolicyStatus, PolicyVersion
from tests.factories import make_flow, make_organisation, make_user

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
FIRST = DATA_DIR / "policy-2026.1.json"
SECOND = DATA_DIR / "policy-2026.2.json"


def events(db, action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def versions(db) -> int:
    return db.session.scalar(select(func.count()).select_from(PolicyVersion))


@pytest.fixture
def privacy(db):
    return make_user("privacy")


def test_a_new_label_is_published_on_top_of_the_latest_version(db, privacy):
    """2026.2 becomes a version based on 2026.1, published through publish_policy."""
    first = services.load_library(actor=privacy, path=FIRST, now=NOW)
    second = services.load_library(actor=privacy, path=SECOND, now=NOW)
    assert first.based_on is None
    assert second.based_on_id == first.id
    assert second.status == PolicyStatus.PUBLISHED
    assert second.effective_date == date(2026, 12, 1)
    assert second.published_by_id == privacy.id and second.published_at is not None
    published = events(db, "policy.published")
    assert [e.object_id for e in published] == [str(first.id), str(second.id)]
    assert published[1].summary == "Published policy 2026.2, effective 2026-12-01"
    loaded = events(db, "policy.loaded")[1]
    assert loaded.summary.endswith("based on policy 2026.1")


def test_loading_every_shipped_file_goes_in_label_order_and_is_idempotent(db, privacy):
    """2026.1 then 2026.2; a second run loads nothing and writes no event."""
    loaded = services.load_shipped_libraries(actor=privacy, now=NOW)
    assert [v.label for v in loaded] == ["2026.1", "2026.2"]
    assert loaded[1].based_on is loaded[0]
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert services.load_shipped_libraries(actor=privacy, now=NOW) == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
    assert versions(db) == 2


def test_the_same_label_with_other_content_is_a_conflict(db, privacy, tmp_path):
    """A published version never changes, so a changed 2026.2 file is refused."""
    services.load_shipped_libraries(actor=privacy, now=NOW)
    data = json.loads(SECOND.read_text())
    data["obligations"][0]["title"] = "Something else"
    path = tmp_path / "policy-2026.2.json"
    path.write_text(json.dumps(data))
    with pytest.raises(Conflict, match="new label"):
        services.load_library(actor=privacy, path=path, now=NOW)


def test_a_file_dated_before_the_version_it_replaces_is_refused_and_nothing_stays(
    db, privacy, tmp_path
):
    """The effective-date floor of publish_policy holds for files too; the draft is rolled back."""
    services.load_shipped_libraries(actor=privacy, now=NOW)
    data = json.loads(SECOND.read_text())
    data["label"], data["effective_date"] = "2026.3", "2026-06-01"
    path = tmp_path / "policy-2026.3.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValidationFailed) as caught:
        services.load_library(actor=privacy, path=path, now=NOW)
    assert "2026-12-01" in caught.value.errors["effective_date"]
    assert versions(db) == 2
    assert services.open_draft() is None


def test_the_impact_pages_can_compare_a_loaded_version_with_its_source(db, privacy):
    """With based_on set, an agreement under 2026.1 shows what 2026.2 changes for it."""
    first, second = services.load_shipped_libraries(actor=privacy, now=NOW)
    organisation = make_organisation()
    agreement = Agreement(
        number="DSA-2026-0001",
        organisation_id=organisation.id,
        policy_version_id=first.id,
        status=AgreementStatus.ACTIVE,
        obligation_codes=["NOT-1", "RET-1", "BRN-1"],
        parameters={"retention_days": 730, "deletion_days": 30, "breach_notice_hours": 72},
    )
    agreement.flows = [make_flow(organisation)]
    db.session.add(agreement)
    db.session.commit()
    (impact,) = impact_of(second)
    kinds = {change.code: change.kind for change in impact.changes}
    assert kinds["RET-1"] == "changed" and kinds["POL-1"] == "added"
