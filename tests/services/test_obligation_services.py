"""Loading the library, drafts, edits, publishing, immutability, and the impact of a new version."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.agreements.policy_impact import impact_of
from sharing.audit.models import AuditEvent
from sharing.errors import Conflict, ValidationFailed
from sharing.obligations import services
from sharing.obligations.cli import obligations_cli
from sharing.obligations.library import DATA_DIR
from sharing.obligations.models import Obligation, PolicyStatus, PolicyVersion
from tests.factories import make_flow, make_organisation, make_user

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
# These tests edit and publish on top of the first shipped library.
FIRST_FILE = DATA_DIR / "policy-2026.1.json"


def events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def count_versions(db) -> int:
    return db.session.scalar(select(func.count()).select_from(PolicyVersion))


@pytest.fixture
def privacy(db):
    return make_user("privacy")


@pytest.fixture
def published(db, privacy) -> PolicyVersion:
    return services.load_library(actor=privacy, path=FIRST_FILE, now=NOW)


@pytest.fixture
def draft(published, privacy) -> PolicyVersion:
    return services.create_draft(actor=privacy, label="2026.2")


def obligation(version: PolicyVersion, code: str) -> Obligation:
    return next(o for o in version.obligations if o.code == code)


def edited(ob: Obligation, **changes) -> dict:
    values = copy.deepcopy(services.snapshot(ob))
    values.update(changes)
    return values


# Loading -------------------------------------------------------------------------------


def test_loading_publishes_the_library_once(db, published, privacy):
    """The file becomes published policy 2026.1; loading again does nothing."""
    assert published.status == PolicyStatus.PUBLISHED and published.label == "2026.1"
    assert published.effective_date == date(2026, 1, 1)
    assert [o.sort_order for o in published.obligations] == list(
        range(1, len(published.obligations) + 1)
    )
    assert services.load_library(actor=privacy, path=FIRST_FILE, now=NOW) is None
    assert count_versions(db) == 1
    assert len(events(db, "policy.loaded")) == 1


def test_a_file_with_a_new_label_adds_a_version(db, published, privacy, tmp_path):
    """A changed library under a new label is published alongside the old one."""
    data = json.loads(FIRST_FILE.read_text())
    data["label"], data["effective_date"] = "2027.1", "2027-01-01"
    path = tmp_path / "policy-2027.1.json"
    path.write_text(json.dumps(data))
    added = services.load_library(actor=privacy, path=path, now=NOW)
    assert added.label == "2027.1" and count_versions(db) == 2


def test_a_changed_file_under_a_loaded_label_is_refused(db, published, privacy, tmp_path):
    """A published version never changes, so the same label with new content is a conflict."""
    data = json.loads(FIRST_FILE.read_text())
    data["obligations"][0]["title"] = "Something else"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(data))
    with pytest.raises(Conflict, match="new label"):
        services.load_library(actor=privacy, path=path, now=NOW)


def test_the_load_command_is_idempotent(app, db):
    """`flask obligations load` publishes every shipped file once, in label order, then
    reports nothing to do."""
    runner = app.test_cli_runner()
    first = runner.invoke(obligations_cli, ["load"])
    assert first.exit_code == 0, first.output
    assert first.output.index("Published policy 2026.1") < first.output.index(
        "Published policy 2026.2"
    )
    assert "based on 2026.1" in first.output
    second = runner.invoke(obligations_cli, ["load"])
    assert second.exit_code == 0 and "nothing to do" in second.output
    assert count_versions(db) == 2


# Drafts, edits and publishing ------------------------------------------------------------


def test_a_draft_copies_the_latest_published_version(db, published, draft):
    """Same obligations, new rows; the draft records its source and is audited."""
    assert draft.status == PolicyStatus.DRAFT and draft.based_on_id == published.id
    assert [services.snapshot(o) for o in draft.obligations] == [
        services.snapshot(o) for o in published.obligations
    ]
    assert not {o.id for o in draft.obligations} & {o.id for o in published.obligations}
    assert len(events(db, "policy.draft_created")) == 1


def test_only_one_draft_at_a_time_and_labels_are_unique(db, draft, privacy):
    """A second draft is a conflict; a label already used is a field error."""
    with pytest.raises(Conflict):
        services.create_draft(actor=privacy, label="2026.3")
    with pytest.raises(ValidationFailed) as caught:
        services.create_draft(actor=privacy, label="2026.1")
    assert "label" in caught.value.errors


def test_editing_a_draft_obligation_records_the_diff(db, draft, privacy):
    """The change is saved and audited with before and after."""
    breach = obligation(draft, "BRN-1")
    params = copy.deepcopy(breach.parameters)
    params[0]["default"] = 48
    services.update_obligation(
        actor=privacy, obligation=breach, values=edited(breach, parameters=params)
    )
    assert obligation(draft, "BRN-1").parameters[0]["default"] == 48
    (event,) = events(db, "obligation.updated")
    assert event.changes["parameters"]["after"][0]["default"] == 48


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"clause_template": "Within {{ hours }} hours."}, "clause_template"),
        ({"applicability": {"rule": "whenever"}}, "applicability"),
        ({"attestation_question": " "}, "attestation_question"),
        (
            {
                "parameters": [
                    {
                        "name": "breach_notice_hours",
                        "label": "Hours",
                        "default": 9,
                        "min": 24,
                        "max": 168,
                    }
                ]
            },
            "parameters",
        ),
    ],
)
def test_invalid_edits_are_refused_on_their_field(db, draft, privacy, change, field):
    """Undeclared parameters, unknown rules, blanks and impossible bounds are refused."""
    breach = obligation(draft, "BRN-1")
    with pytest.raises(ValidationFailed) as caught:
        services.update_obligation(
            actor=privacy, obligation=breach, values=edited(breach, **change)
        )
    assert field in caught.value.errors
    assert not events(db, "obligation.updated")


def test_a_published_version_cannot_be_edited_through_the_service(db, published, privacy):
    """The service refuses every change to a published version."""
    breach = obligation(published, "BRN-1")
    with pytest.raises(Conflict, match="published"):
        services.update_obligation(actor=privacy, obligation=breach, values=edited(breach))
    with pytest.raises(Conflict):
        services.remove_obligation(actor=privacy, obligation=breach)
    with pytest.raises(Conflict):
        services.add_obligation(actor=privacy, version=published, values=edited(breach))


def test_a_published_version_cannot_be_changed_even_directly(db, published):
    """The model refuses to flush a change to a published obligation or version."""
    from sharing.obligations.models import PublishedPolicyChanged

    obligation(published, "BRN-1").title = "Rewritten"
    with pytest.raises(PublishedPolicyChanged):
        db.session.flush()
    db.session.rollback()
    published.notes = "Rewritten"
    with pytest.raises(PublishedPolicyChanged):
        db.session.flush()
    db.session.rollback()
    db.session.delete(obligation(published, "BRN-1"))
    with pytest.raises(PublishedPolicyChanged):
        db.session.flush()
    db.session.rollback()


def test_adding_and_removing_obligations_in_a_draft(db, draft, privacy):
    """A new code is appended; a removed one disappears; both are audited."""
    values = edited(obligation(draft, "NOT-1"), code="NOT-2", title="Second notice")
    added = services.add_obligation(actor=privacy, version=draft, values=values)
    assert added.sort_order == max(o.sort_order for o in draft.obligations)
    with pytest.raises(ValidationFailed):
        services.add_obligation(actor=privacy, version=draft, values=values)
    services.remove_obligation(actor=privacy, obligation=obligation(draft, "PER-1"))
    assert "PER-1" not in {o.code for o in draft.obligations}
    assert len(events(db, "obligation.created")) == len(events(db, "obligation.removed")) == 1


def test_publishing_a_draft_makes_a_new_published_version(db, draft, privacy):
    """Status, effective date and publisher are set, and the step is audited once."""
    services.publish_policy(actor=privacy, version=draft, effective_date=date(2026, 7, 1), now=NOW)
    assert draft.status == PolicyStatus.PUBLISHED and draft.effective_date == date(2026, 7, 1)
    assert draft.published_by_id == privacy.id
    assert services.latest_published().id == draft.id
    # Loading the library published 2026.1 through the same step, so count the draft's own.
    assert [e.object_id for e in events(db, "policy.published")].count(str(draft.id)) == 1
    with pytest.raises(Conflict):
        services.publish_policy(
            actor=privacy, version=draft, effective_date=date(2026, 8, 1), now=NOW
        )


def test_a_new_version_cannot_take_effect_before_its_source(db, draft, privacy):
    """The effective date must not precede the version the draft was copied from."""
    with pytest.raises(ValidationFailed) as caught:
        services.publish_policy(
            actor=privacy, version=draft, effective_date=date(2025, 12, 31), now=NOW
        )
    assert "effective_date" in caught.value.errors


# Impact --------------------------------------------------------------------------------


def make_agreement(version: PolicyVersion, status=AgreementStatus.ACTIVE, **values) -> Agreement:
    from sharing.extensions import db

    organisation = make_organisation()
    flow = make_flow(organisation, **values.pop("flow", {}))
    agreement = Agreement(
        number=f"DSA-2026-{flow.id:04d}",
        organisation_id=organisation.id,
        policy_version_id=version.id,
        status=status,
        obligation_codes=values.pop("codes", ["NOT-1", "BRN-1", "PER-1", "RET-1"]),
        parameters=values.pop("parameters", {"breach_notice_hours": 24}),
    )
    agreement.flows = [flow]
    db.session.add(agreement)
    db.session.commit()
    return agreement


def test_impact_lists_changed_removed_and_added_obligations(db, published, draft, privacy):
    """Per agreement not yet ended (drafts too): parameter changes, removals, new codes and
    rules that now apply, drafts listed before the agreements in force."""
    active = make_agreement(published)
    drafted = make_agreement(published, status=AgreementStatus.DRAFT)
    breach = obligation(draft, "BRN-1")
    params = copy.deepcopy(breach.parameters)
    params[0].update(default=48, min=48)
    services.update_obligation(
        actor=privacy, obligation=breach, values=edited(breach, parameters=params)
    )
    services.remove_obligation(actor=privacy, obligation=obligation(draft, "PER-1"))
    children = obligation(draft, "CHD-1")
    services.update_obligation(
        actor=privacy,
        obligation=children,
        values=edited(children, applicability={"rule": "always"}),
    )
    services.add_obligation(
        actor=privacy,
        version=draft,
        values=edited(obligation(draft, "NOT-1"), code="NOT-2", title="Second notice"),
    )
    drafted_impact, impact = impact_of(draft)
    assert (drafted_impact.agreement.id, impact.agreement.id) == (drafted.id, active.id)
    assert drafted_impact.action.text == "Regenerate on policy 2026.2"
    assert impact.action.text == "Prepare a renewal amendment"
    kinds = {c.code: c.kind for c in impact.changes}
    assert kinds == {
        "BRN-1": "changed",
        "PER-1": "removed",
        "NOT-2": "added",
        "CHD-1": "now_applies",
    }
    breach_change = next(c for c in impact.changes if c.code == "BRN-1")
    assert "default 72 → 48" in breach_change.details[0]
    assert "the agreed 24 is now out of bounds" in breach_change.details[0]


def test_impact_ignores_agreements_on_the_same_or_newer_versions(db, published, draft):
    """Only agreements generated under older versions are listed; unchanged ones have no changes."""
    make_agreement(published, status=AgreementStatus.EXPIRING)
    assert impact_of(published) == []
    (impact,) = impact_of(draft)
    assert impact.changes == []


def test_applicable_obligations_for_real_flows_follow_their_rules(db, published):
    """A flow stored in Ireland with a subprocessor gets LOC-2 and SUB-1, not CHD-1 or AUT-1.

    (Policy 2026.1, where SUB-1 applies only when subprocessors are listed.)"""
    from sharing.obligations.rules import applicable_obligations

    flow = make_flow(
        storage_country="IE",
        subprocessors=[{"name": "CloudCo", "service": "Hosting", "country": "IE"}],
    )
    chosen = {o.code: reason for o, reason in applicable_obligations(published, [flow])}
    assert chosen["LOC-2"].endswith("stores data outside the US (IE)")
    assert chosen["SUB-1"].endswith("uses subprocessors (CloudCo)")
    assert chosen["BRN-1"] == "Applies to every agreement"
    assert "CHD-1" not in chosen and "AUT-1" not in chosen and "SEC-2" not in chosen
