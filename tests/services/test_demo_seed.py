"""`flask demo seed`: a realistic demo set, loaded once, and only into a demo database."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from sharing.agreements import files
from sharing.agreements.models import Agreement, AgreementStatus, TemplateKind
from sharing.agreements.rendering import docx_text
from sharing.attestations import evidence
from sharing.attestations.models import (
    AnswerValue,
    AttestationRequest,
    AttestationStatus,
    EvidenceFile,
)
from sharing.audit.models import AuditEvent
from sharing.auth.models import Role, User
from sharing.core.clock import today
from sharing.core.models import Setting
from sharing.demo.seed import demo_sign_ins
from sharing.disclosures.models import Disclosure, Incident, IncidentStatus
from sharing.files import inspect
from sharing.flows.models import DataCategory, DataFlow, FlowStatus
from sharing.flows.vocabulary import CATEGORIES, ensure_vocabulary
from sharing.inbox.models import InboxItem
from sharing.obligations.models import PolicyStatus, PolicyVersion
from sharing.vendors.models import ContactRole, Organisation, OrganisationKind
from tests.factories import make_organisation, make_user

OPEN = (AttestationStatus.PENDING, AttestationStatus.IN_PROGRESS, AttestationStatus.RETURNED)


def seed(app):
    return app.test_cli_runner().invoke(args=["demo", "seed"])


@pytest.fixture
def seeded(app, db):
    result = seed(app)
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result


def all_of(db, model) -> list:
    return list(db.session.scalars(select(model)))


def row_counts(db) -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_seed_creates_every_organisation_kind_with_every_contact_role(seeded, db):
    """About 25 demo organisations of all four kinds; their contacts cover every role."""
    organisations = all_of(db, Organisation)
    assert 20 <= len(organisations) <= 30
    assert {o.kind for o in organisations} == set(OrganisationKind)
    assert {c.role for o in organisations for c in o.contacts} == set(ContactRole)
    assert all(o.is_demo for o in organisations)
    names = {o.legal_name for o in organisations}
    assert any("&" in name for name in names)
    assert "Servicios Públicos García, LLC" in names


def test_seed_creates_flows_in_every_status_with_categories_and_lineage(seeded, db):
    """About 60 flows in every status, 2-6 categories each, some left unjustified."""
    flows = all_of(db, DataFlow)
    assert 55 <= len(flows) <= 65
    assert {f.status for f in flows} == set(FlowStatus)
    assert all(f.lineage_id is not None and f.risk_tier and f.risk_factors for f in flows)
    assert all(2 <= len(f.categories) <= 6 for f in flows)
    assert any(fc.justification == "" for f in flows for fc in f.categories)
    assert {f.storage_country for f in flows} >= {"US", "CA", "IE"}
    assert any(f.published for f in flows if f.status == FlowStatus.APPROVED)
    assert any(f.comments for f in flows if f.status == FlowStatus.CHANGES_REQUESTED)


def test_each_superseded_flow_has_an_approved_second_revision(seeded, db):
    """A superseded revision 1 shares its lineage with an approved revision 2."""
    flows = all_of(db, DataFlow)
    superseded = [f for f in flows if f.status == FlowStatus.SUPERSEDED]
    assert superseded
    for old in superseded:
        assert old.revision == 1 and old.lineage_id == old.id
        newer = [f for f in flows if f.lineage_id == old.lineage_id and f.revision == 2]
        assert [f.status for f in newer] == [FlowStatus.APPROVED]


def test_seed_creates_agreements_in_every_status_over_approved_flows(seeded, db):
    """Each agreement status appears; flows are approved and belong to the same organisation."""
    agreements = all_of(db, Agreement)
    assert {a.status for a in agreements} == set(AgreementStatus)
    for agreement in agreements:
        assert agreement.number.startswith("DSA-") and agreement.policy_version is not None
        assert agreement.flows and agreement.obligation_codes
        assert all(f.status == FlowStatus.APPROVED for f in agreement.flows)
        assert {f.organisation_id for f in agreement.flows} == {agreement.organisation_id}
        if agreement.signed_on is None:
            assert agreement.signed_file is None
        else:  # a signed agreement has its signed copy, a real PDF the upload check accepts
            signed = files.read(agreement.signed_file)
            inspect(signed, "signed.pdf", files.SIGNED_AGREEMENT)
            assert hashlib.sha256(signed).hexdigest() == agreement.signed_sha256
        if agreement.status == AgreementStatus.DRAFT:
            assert agreement.generated_file is None
        else:  # each generated agreement has its real .docx, naming its number
            data = files.read(agreement.generated_file)
            assert hashlib.sha256(data).hexdigest() == agreement.generated_sha256
            assert agreement.number in docx_text(data)
    renewed = next(a for a in agreements if a.status == AgreementStatus.RENEWED)
    assert renewed.successor is not None and renewed.successor.status == AgreementStatus.ACTIVE
    assert renewed.successor.renews_id == renewed.id
    assert renewed.successor.template_version.template.kind == TemplateKind.RENEWAL_AMENDMENT
    terminated = next(a for a in agreements if a.status == AgreementStatus.TERMINATED)
    assert terminated.termination_reason and terminated.terminated_on is not None


def test_every_generated_demo_agreement_is_ready_and_has_no_unaccepted_conflict(seeded, db):
    """What the demo generated would pass generation today: complete, with the template its
    partner's kind needs, and every conflict with the policy accepted with a reason."""
    from sharing.agreements import conflicts, readiness
    from sharing.agreements.covered import covered_flows

    generated = [a for a in all_of(db, Agreement) if a.generated_file]
    assert len(generated) >= 15
    for agreement in generated:
        flows = covered_flows(agreement)
        assert readiness.problems(agreement, flows) == {}, agreement.number
        found = conflicts.find_conflicts(agreement, flows=flows)
        assert conflicts.unresolved(agreement, found) == [], agreement.number
    accepted = [a for a in generated if a.conflict_overrides]
    assert accepted, "the demo shows at least one conflict accepted with a reason"


def test_agreement_dates_match_their_status_relative_to_today(seeded, db):
    """Active agreements run past today, expired ones ended, expiring ones end within notice."""
    on = today()
    for agreement in all_of(db, Agreement):
        if agreement.status == AgreementStatus.ACTIVE:
            assert agreement.effective_date <= on < agreement.expiry_date
        if agreement.status == AgreementStatus.EXPIRED:
            assert agreement.expiry_date < on
        if agreement.status == AgreementStatus.EXPIRING:
            assert 0 <= (agreement.expiry_date - on).days <= agreement.notice_days


def test_seed_creates_pending_overdue_submitted_and_accepted_attestations(seeded, db):
    """Requests in every useful state, with explained answers where they were answered."""
    requests = all_of(db, AttestationRequest)
    on = today()
    assert any(r.status == AttestationStatus.PENDING and r.due_date > on for r in requests)
    assert any(r.is_overdue(on=on) for r in requests)
    assert {r.status for r in requests} >= {AttestationStatus.SUBMITTED, AttestationStatus.ACCEPTED}
    for request in requests:
        assert request.organisation_id == request.agreement.organisation_id
        assert request.questionnaire and request.is_demo
        if request.status in (AttestationStatus.SUBMITTED, AttestationStatus.ACCEPTED):
            assert request.answers and request.signer_name and request.signer_title
        for answer in request.answers:
            if answer.answer in (AnswerValue.NO, AnswerValue.NOT_APPLICABLE):
                assert answer.explanation


def test_seed_creates_disclosures_and_incidents(seeded, db):
    """Recurring, exempt and flagged disclosures, and incidents in several statuses."""
    disclosures = all_of(db, Disclosure)
    assert any(d.is_recurring and d.occurrence_count > 1 for d in disclosures)
    assert any(d.exempt and d.exempt_reason for d in disclosures)
    assert any(d.flagged and d.flag_reasons for d in disclosures)
    assert all(d.categories for d in disclosures)
    incidents = all_of(db, Incident)
    assert len({i.status for i in incidents}) >= 3
    assert all(i.reference.startswith("INC-") and i.notice_deadline for i in incidents)
    assert IncidentStatus.CLOSED in {i.status for i in incidents}


def test_seed_stores_evidence_files_that_pass_the_checks_and_match_their_rows(seeded, db):
    """Demo evidence is real: each file is where its row says, with its SHA-256, and the
    vendor's organisation has a file expiring soon and one attached to its open request."""
    rows = all_of(db, EvidenceFile)
    assert len(rows) >= 6
    for row in rows:
        data = evidence.read_evidence(row)
        inspect(data, row.original_name, evidence.EVIDENCE)
    assert evidence.consistency_report().clean
    vendor = db.session.scalar(select(User).where(User.role == Role.VENDOR))
    soon = evidence.expiring_evidence(organisation_id=vendor.organisation_id, today=today())
    assert soon
    assert any(r.request_id and r.organisation_id == vendor.organisation_id for r in rows)


def test_seed_creates_one_user_per_role_and_the_category_vocabulary(seeded, db):
    """One sign-in per role (the vendor's in a demo vendor) and at least 30 categories."""
    users = all_of(db, User)
    assert Counter(u.role for u in users) == Counter(set(Role))
    vendor = next(u for u in users if u.role == Role.VENDOR)
    assert vendor.organisation.is_demo and vendor.organisation.kind == OrganisationKind.VENDOR
    assert all(u.department is not None for u in users if u.is_staff)
    assert db.session.scalar(select(func.count()).select_from(DataCategory)) >= 30


def test_seed_publishes_policy_2026_1_with_parameterised_obligations(seeded, db):
    """The demo policy is published, effective 2026-01-01, with a 72-hour breach notice."""
    policy = db.session.scalar(select(PolicyVersion).where(PolicyVersion.label == "2026.1"))
    assert policy.status == PolicyStatus.PUBLISHED
    assert policy.effective_date == date(2026, 1, 1)
    codes = {o.code for o in policy.obligations}
    assert {"NOT-1", "PUR-1", "MIN-1", "RET-1", "SHR-1", "SEC-1", "BRN-1", "ATT-1"} <= codes
    breach = next(o for o in policy.obligations if o.code == "BRN-1")
    assert breach.parameters[0]["name"] == "breach_notice_hours"
    assert breach.parameters[0]["default"] == 72
    assert "{{ breach_notice_hours }}" in breach.clause_template


def test_seed_records_exactly_one_audit_event_and_the_demo_marker(seeded, db):
    """The whole seed is one audited, committed unit, marked by the demo_seeded setting."""
    events = all_of(db, AuditEvent)
    assert [(e.action, e.object_type) for e in events] == [("demo.seeded", "demo")]
    assert db.session.get(Setting, "demo_seeded") is not None


def test_seeding_twice_adds_nothing_and_exits_zero(seeded, app, db):
    """A second run reports that the demo is there, shows the sign-ins, and writes nothing."""
    before = row_counts(db)
    result = seed(app)
    assert result.exit_code == 0
    assert "already seeded" in result.output
    assert all(s.email in result.output for s in demo_sign_ins())
    db.session.expire_all()
    assert row_counts(db) == before


@pytest.mark.parametrize("make_real_row", [make_organisation, make_user], ids=["org", "user"])
def test_seed_refuses_a_database_with_real_data(app, db, make_real_row):
    """Non-demo organisations or users make the seed exit 1 without writing anything."""
    make_real_row()
    before = row_counts(db)
    result = seed(app)
    assert result.exit_code == 1
    assert "Refusing" in result.stderr
    db.session.expire_all()
    assert row_counts(db) == before


def test_first_seed_prints_the_demo_sign_ins(app, db):
    """The command ends with the email, password and role of every demo user."""
    result = seed(app)
    assert result.exit_code == 0, result.output
    for sign_in in demo_sign_ins():
        assert sign_in.email in result.output and sign_in.password in result.output


# One test per user: clients in one test share the pushed app context's `g`, and so the
# cached CSRF token of whichever client asked first.
@pytest.mark.parametrize("sign_in", demo_sign_ins(), ids=lambda s: s.role)
def test_demo_users_can_sign_in_through_the_web_form(seeded, client, sign_in):
    """Every printed demo sign-in works on the real sign-in form (and a wrong one does not)."""
    wrong = client.post_form("/auth/sign-in", {"email": sign_in.email, "password": "wrong"})
    assert wrong.status_code == 200
    response = client.post_form(
        "/auth/sign-in", {"email": sign_in.email, "password": sign_in.password}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def test_ensure_vocabulary_adds_only_missing_categories(app, db):
    """Installing the vocabulary twice adds every category once, then nothing."""
    assert len(CATEGORIES) >= 30
    assert ensure_vocabulary(db.session) == len(CATEGORIES)
    assert ensure_vocabulary(db.session) == 0
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(DataCategory)) == len(CATEGORIES)


def test_seed_refuses_to_run_in_production(tmp_path, database_url, monkeypatch):
    """Demo accounts have published passwords, so production never gets them."""
    from sharing import create_app
    from sharing.auth.models import User
    from sharing.extensions import db as ext_db

    monkeypatch.delenv("SHARING_ENV", raising=False)
    prod = create_app(
        {
            "ENV": "production",
            "SECRET_KEY": "x" * 32,
            "DATABASE_URL": database_url,
            "UPLOAD_DIR": str(tmp_path / "files"),
        }
    )
    result = prod.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 1
    assert "SHARING_ENV=development" in result.output
    with prod.app_context():
        assert ext_db.session.query(User).count() == 0


def test_each_demo_person_but_the_admin_opens_with_notifications_of_real_handoffs(seeded, db):
    """The bell is not empty in a fresh demo: the office hears of flows and attestations to
    review and incidents, procurement of its returned flows, the vendor of its requests."""
    kinds = {
        role: set(
            db.session.scalars(
                select(InboxItem.kind)
                .join(User, User.id == InboxItem.user_id)
                .where(User.role == role)
            )
        )
        for role in (Role.PRIVACY, Role.PROCUREMENT, Role.VENDOR)
    }
    assert {"flow.submit", "attestation.submitted", "incident.reported"} <= kinds[Role.PRIVACY]
    assert kinds[Role.PROCUREMENT] == {"flow.request_changes"}
    assert kinds[Role.VENDOR] == {"attestation.requested"}
