"""Set-ups the reminder tests share: an organisation with a contact in every role, the people
who should (and should not) hear about its reminders, and one object due for each kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sharing.agreements.models import AgreementStatus
from sharing.attestations.models import EvidenceType
from sharing.auth.models import Department
from sharing.disposition.models import DirectiveStatus, DispositionDirective, DispositionTrigger
from sharing.extensions import db
from sharing.vendors.models import ContactRole, Organisation
from tests.factories import make_contact, make_department, make_organisation, make_user
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.tables.attestations import make_request
from tests.web.tables.evidence import make_evidence
from tests.web.tables.portal import make_incident

TODAY = date(2026, 6, 1)
NOW = datetime.combine(TODAY, time(19, 0), tzinfo=UTC)  # noon in the city (PDT)


@dataclass
class World:
    organisation: Organisation
    department: Department
    signatory: str
    privacy_contact: str
    security_contact: str
    vendor_user: str
    procurement: str
    privacy_officer: str


def make_world(**contacts: bool) -> World:
    """An organisation with signatory, privacy, security and billing contacts (pass
    privacy=False or security=False to leave one out), an active vendor user, a department
    with a procurement user, and a privacy officer; plus people who must not be written to."""
    org = make_organisation()
    department = make_department()
    addresses = {}
    for role in (ContactRole.SIGNATORY, ContactRole.PRIVACY, ContactRole.SECURITY):
        if contacts.get(role.value, True):
            addresses[role.value] = make_contact(
                org, role=role, email=f"{role.value}{org.id}@Vendor.example"
            ).email.lower()
    make_contact(org, role=ContactRole.BILLING, email=f"billing{org.id}@vendor.example")
    vendor = make_user("vendor", organisation_id=org.id)
    make_user("vendor", organisation_id=org.id, active=False)
    procurement = make_user("procurement", department_id=department.id)
    make_user("procurement", department_id=make_department().id)  # another department
    privacy = make_user("privacy")
    make_user("privacy", active=False)
    return World(
        organisation=org,
        department=department,
        signatory=addresses.get("signatory", ""),
        privacy_contact=addresses.get("privacy", ""),
        security_contact=addresses.get("security", ""),
        vendor_user=vendor.email,
        procurement=procurement.email,
        privacy_officer=privacy.email,
    )


def renewal_due(world: World, days_left: int = 30, **overrides):
    """An active agreement of the department whose expiry is `days_left` after TODAY."""
    values = {
        "organisation_id": world.organisation.id,
        "department_id": world.department.id,
        "expiry_date": TODAY + timedelta(days=days_left),
        "notice_days": 90,
        "auto_renew": False,
    }
    values.update(overrides)
    return make_agreement(AgreementStatus.ACTIVE, **values)


def attestation_due(world: World, days_left: int = 14):
    request = make_request(world.organisation.id, due_date=TODAY + timedelta(days=days_left))
    request.agreement.department_id = world.department.id
    db.session.commit()
    return request


def evidence_due(world: World, days_left: int = 30, **overrides):
    values = {"valid_until": TODAY + timedelta(days=days_left)}
    values.update(overrides)
    return make_evidence(world.organisation.id, **values)


def incident_due(world: World, hours_left: float = 30):
    return make_incident(world.organisation.id, notice_deadline=NOW + timedelta(hours=hours_left))


def directive_due(world: World, days_left: int = 7, status=DirectiveStatus.ISSUED):
    """A disposition directive of an expired agreement of the department, due `days_left`
    after TODAY."""
    agreement = make_agreement(
        AgreementStatus.EXPIRED,
        organisation_id=world.organisation.id,
        department_id=world.department.id,
    )
    directive = DispositionDirective(
        number=f"DD-{agreement.number}",
        key=f"agreement:{agreement.id}",
        agreement_id=agreement.id,
        organisation_id=world.organisation.id,
        trigger=DispositionTrigger.AGREEMENT_ENDED,
        ended_on=TODAY - timedelta(days=30),
        due_on=TODAY + timedelta(days=days_left),
        status=status,
    )
    db.session.add(directive)
    db.session.commit()
    return directive


def one_of_each(world: World) -> dict[str, int]:
    """One object due for each kind; returns their ids by object type."""
    return {
        "agreement": renewal_due(world).id,
        "attestation": attestation_due(world).id,
        "evidence": evidence_due(world, evidence_type=EvidenceType.ISO27001).id,
        "incident": incident_due(world).id,
    }
