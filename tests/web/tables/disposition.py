"""Set-ups the disposition tests share (an agreement in force with a flow of several categories
and subprocessors, ended so that a directive is issued; a certificate answered and signed), and
the coverage-table rows of disposition's routes: pages (PAGES), audit events (AUDIT_CASES) and
vendor isolation (ISOLATION_CASES)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from sharing.agreements import lifecycle
from sharing.agreements.models import Agreement
from sharing.core.clock import now, today
from sharing.disposition import certificates
from sharing.disposition.models import DispositionDirective
from sharing.extensions import db
from sharing.flows.models import Direction, Sensitivity, TransferMethod
from tests.conftest import TEST_PASSWORD
from tests.factories import add_category, make_category, make_user
from tests.fixtures.terms import active_agreement
from tests.web.tables import AuditCase, IsolationCase, Page

OFFICE = ("admin", "privacy")
EVERYONE = ("admin", "procurement", "privacy", "vendor")
SUBPROCESSORS = [
    {"name": "Cloud Host LLC", "service": "Hosting", "country": "US"},
    {"name": "Mail House", "service": "Printing", "country": "US"},
    {"name": "", "service": "", "country": ""},
]


def agreement_with_data(
    organisation_id: int | None = None,
    *,
    direction: Direction = Direction.OUTBOUND,
    transfer_method: TransferMethod = TransferMethod.SFTP,
) -> Agreement:
    """An agreement in force whose flow shares four categories (one internal, one
    confidential, one restricted, one health) through two named subprocessors."""
    agreement = active_agreement()
    if organisation_id is not None:
        agreement.organisation_id = organisation_id
    flow = agreement.flows[0]
    if organisation_id is not None:
        flow.organisation_id = organisation_id
    flow.direction, flow.transfer_method = direction, transfer_method
    flow.subprocessors = SUBPROCESSORS
    db.session.commit()
    add_category(flow, make_category(name=f"Zip codes {flow.id}", sensitivity=Sensitivity.INTERNAL))
    add_category(
        flow, make_category(name=f"Case notes {flow.id}", sensitivity=Sensitivity.RESTRICTED)
    )
    add_category(flow, make_category(name=f"Allergies {flow.id}", is_health=True))
    db.session.refresh(flow)
    return agreement


def terminate(agreement: Agreement) -> DispositionDirective | None:
    lifecycle.transition_agreement(
        actor=make_user("privacy"),
        agreement=agreement,
        action="terminate",
        today=today(),
        expected_version=None,
        reason="The service is no longer needed",
        terminated_on=today() - timedelta(days=2),
    )
    return directive_of(agreement)


def directive_of(agreement: Agreement) -> DispositionDirective | None:
    return db.session.scalar(
        select(DispositionDirective).where(DispositionDirective.key == f"agreement:{agreement.id}")
    )


def issued_directive(organisation_id: int | None = None, **flow: Any) -> DispositionDirective:
    """A directive issued by terminating an agreement in force two days ago."""
    directive = terminate(agreement_with_data(organisation_id, **flow))
    assert directive is not None
    return directive


def full_answers(directive: DispositionDirective, **changes: Any) -> dict[int, Any]:
    """An answer for every element, doing what was directed, yesterday."""
    return {
        element.id: certificates.Answer(
            done_action=element.action.value,
            done_on=today() - timedelta(days=1),
            done_method="Purged with the provider's cryptographic erase",
            subprocessors_confirmed="confirmed" if element.subprocessors else "",
            backups="Backups expire on their 35-day cycle",
            **changes,
        )
        for element in directive.elements
    }


def answered(directive: DispositionDirective, person: Any) -> DispositionDirective:
    return certificates.save_answers(
        actor=person,
        directive=directive,
        answers=full_answers(directive),
        today=today(),
        expected_version=None,
    )


def vendor_signer(organisation_id: int, **overrides: Any):
    values = {"organisation_id": organisation_id, "may_sign": True}
    values.update(overrides)
    return make_user("vendor", password=TEST_PASSWORD, **values)


def signed(directive: DispositionDirective, person: Any = None) -> DispositionDirective:
    person = person or vendor_signer(directive.organisation_id)
    answered(directive, person)
    return certificates.sign_certificate(
        actor=person,
        directive=directive,
        typed_name=person.name,
        typed_title="Chief Operating Officer",
        consent=True,
        password=TEST_PASSWORD,
        ip="203.0.113.9",
        user_agent="Test browser",
        now=now(),
        today=today(),
        expected_version=None,
    )


def _is_vendor(user: Any) -> bool:
    return user is not None and user.role.value == "vendor"


# Pages ---------------------------------------------------------------------------------------


def _directive(user: Any = None) -> dict:
    organisation_id = user.organisation_id if _is_vendor(user) else None
    directive = issued_directive(organisation_id)
    return {"directive": directive.id, "element": directive.elements[0].id}


def _to_sign(user: Any = None) -> dict:
    """A directive whose certificate is answered, for the signed-in vendor's organisation."""
    organisation_id = user.organisation_id if _is_vendor(user) else None
    directive = issued_directive(organisation_id)
    answered(directive, vendor_signer(directive.organisation_id))
    return {"directive": directive.id}


PAGES: tuple[Page, ...] = (
    Page("disposition.directives", "/disposition/", EVERYONE),
    Page(
        "disposition.directive",
        "/disposition/{directive}",
        EVERYONE,
        params=_directive,
        for_user=True,
    ),
    Page(
        "disposition.element",
        "/disposition/{directive}/elements/{element}",
        OFFICE,
        params=_directive,
    ),
    Page("disposition.sign", "/disposition/{directive}/sign", ("vendor",), params=_to_sign,
         for_user=True),
    Page(
        "disposition.document",
        "/disposition/{directive}/directive.docx",
        EVERYONE,
        params=_directive,
        for_user=True,
    ),
)  # fmt: skip


# Audit events ----------------------------------------------------------------------------------


def save_answers(login_as) -> tuple[str, dict]:
    person = login_as("vendor")
    directive = issued_directive(person.organisation_id)
    data: dict[str, Any] = {"version": directive.version}
    for index, element in enumerate(directive.elements):
        data[f"elements-{index}-element_id"] = element.id
        data[f"elements-{index}-done_action"] = element.action.value
        data[f"elements-{index}-done_on"] = (today() - timedelta(days=1)).isoformat()
    return f"/disposition/{directive.id}", data


def sign(login_as) -> tuple[str, dict]:
    person = login_as("vendor", may_sign=True)
    if not person.may_sign:
        person.may_sign = True
        db.session.commit()
    directive = issued_directive(person.organisation_id)
    answered(directive, person)
    return f"/disposition/{directive.id}/sign", {
        "typed_name": "Pat Signer",
        "typed_title": "Director",
        "consent": "y",
        "password": TEST_PASSWORD,
        "version": directive.version,
    }


def authorize(login_as) -> tuple[str, dict]:
    login_as("privacy")
    directive = issued_directive()
    return f"/disposition/{directive.id}/authorization", {
        "reference": "Records officer's approval RM-2026-14",
        "dated": (today() - timedelta(days=1)).isoformat(),
        "version": directive.version,
    }


def change_element(login_as) -> tuple[str, dict]:
    login_as("privacy")
    directive = issued_directive(direction=Direction.INBOUND)
    element = directive.elements[0]
    return f"/disposition/{directive.id}/elements/{element.id}", {
        "action": "deidentify",
        "method": "",
        "version": directive.version,
    }


def review(login_as) -> tuple[str, dict]:
    login_as("privacy")
    directive = signed(issued_directive())
    return f"/disposition/{directive.id}/review", {
        "decision": "accept",
        "version": directive.version,
    }


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("disposition.directive", "disposition_directive.answers_saved", save_answers),
    AuditCase("disposition.sign", "disposition_directive.signed", sign),
    AuditCase("disposition.authorize", "disposition_directive.authorized", authorize),
    AuditCase("disposition.element", "disposition_directive.element_changed", change_element),
    AuditCase("disposition.review", "disposition_directive.accepted", review),
)


# Isolation -------------------------------------------------------------------------------------


def _iso(organisation) -> dict:
    return {"directive_id": issued_directive(organisation.id).id}


def _iso_document(organisation) -> dict:
    return {"directive_id": issued_directive(organisation.id).id, "fmt": "docx"}


ISOLATION_CASES: tuple[IsolationCase, ...] = (
    IsolationCase("disposition.directive", "GET", _iso),
    IsolationCase("disposition.directive", "POST", _iso, data={"version": "1"}),
    IsolationCase("disposition.sign", "GET", _iso),
    IsolationCase(
        "disposition.sign",
        "POST",
        _iso,
        data={"typed_name": "X", "typed_title": "Y", "consent": "y", "password": "z"},
    ),
    IsolationCase("disposition.document", "GET", _iso_document),
)
