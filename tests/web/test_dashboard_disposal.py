"""The privacy office's dashboard lists the signed agreements that ended (expired or
terminated, adoptions included) with no accepted certificate of disposition, in a fixed number
of statements."""

from __future__ import annotations

from datetime import timedelta

from sharing.agreements.models import AgreementStatus
from sharing.core.clock import today
from sharing.disposition.models import DirectiveStatus, DispositionDirective, DispositionTrigger
from sharing.extensions import db
from tests.factories import make_department
from tests.web.tables.agreement_lifecycle import make_agreement
from tests.web.test_dashboards import _count_statements

A = AgreementStatus


def ended(status=A.EXPIRED, *, signed=True, **overrides):
    values = {"expiry_date": today() - timedelta(days=40)}
    if status == A.TERMINATED:
        values["terminated_on"] = today() - timedelta(days=10)
    values.update(overrides)
    agreement = make_agreement(status, **values)
    agreement.signed_on = today() - timedelta(days=400) if signed else None
    db.session.commit()
    return agreement


def directive(agreement, status=DirectiveStatus.ISSUED):
    row = DispositionDirective(
        number=f"DD-{agreement.number}",
        key=f"agreement:{agreement.id}",
        agreement_id=agreement.id,
        organisation_id=agreement.organisation_id,
        trigger=DispositionTrigger.AGREEMENT_ENDED,
        ended_on=today() - timedelta(days=10),
        due_on=today() + timedelta(days=20),
        status=status,
    )
    db.session.add(row)
    db.session.commit()
    return row


def _section(page: str) -> str:
    start = page.index('id="undisposed"')
    return page[start : page.index("</section>", start)]


def test_ended_agreements_without_an_accepted_certificate_are_listed(client, login_as):
    no_directive = ended()
    waiting = ended(A.TERMINATED)
    issued = directive(waiting, DirectiveStatus.RETURNED)
    accepted = ended()
    directive(accepted, DirectiveStatus.ACCEPTED)
    never_signed = ended(A.TERMINATED, signed=False)
    renewed = ended(A.RENEWED)
    in_force = make_agreement(A.ACTIVE)
    login_as("privacy")
    section = _section(client.get("/").get_data(as_text=True))
    assert 'id="undisposed-count">2<' in section
    assert no_directive.number in section and "No directive issued yet" in section
    assert waiting.number in section and issued.number in section
    assert "Certificate returned with questions" in section
    assert (today() + timedelta(days=20)).isoformat() in section
    for absent in (accepted, never_signed, renewed, in_force):
        assert absent.number not in section
    # The longest-ended first.
    assert section.index(no_directive.number) < section.index(waiting.number)


def test_the_list_says_when_every_ended_agreement_is_disposed_of(client, login_as):
    directive(ended(), DirectiveStatus.ACCEPTED)
    login_as("privacy")
    section = _section(client.get("/").get_data(as_text=True))
    assert 'id="undisposed-count">0<' in section
    assert "Every ended agreement has an accepted certificate" in section


def test_the_list_costs_the_same_statements_with_1_and_15_ended_agreements(client, login_as):
    department = make_department()

    def one_of_each():
        ended(department_id=department.id)
        directive(ended(A.TERMINATED))

    one_of_each()
    login_as("privacy")
    client.get("/")
    one = _count_statements(client, "/")
    for _ in range(14):
        one_of_each()
    assert _count_statements(client, "/") == one
