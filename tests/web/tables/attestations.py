"""Coverage rows for the attestation request pages: roles (PAGES), audit events (AUDIT_CASES) and
vendor isolation (ISOLATION_CASES); and the set-ups the attestation tests share (an agreement in
force with obligations, a request in any state)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sharing.agreements.models import AgreementStatus
from sharing.attestations.models import (
    AnswerReview,
    AnswerValue,
    AttestationAnswer,
    AttestationFollowUp,
    AttestationRequest,
    AttestationStatus,
)
from sharing.attestations.services import build_questionnaire
from sharing.core.clock import now, today
from sharing.extensions import db
from tests.factories import make_organisation, make_policy
from tests.web.tables import ROLES, AuditCase, IsolationCase, Page
from tests.web.tables.agreement_lifecycle import make_agreement

S = AttestationStatus
OFFICE = ("admin", "privacy")
CODES = ["PUR-1", "SEC-1", "BRN-1"]


def make_agreement_in_force(organisation_id: int | None = None, **overrides: Any):
    """An active agreement under the shipped policy, with three obligations."""
    policy = make_policy()
    values = {"policy_version_id": policy.id, "obligation_codes": list(CODES)}
    values.update(overrides)
    return make_agreement(AgreementStatus.ACTIVE, organisation_id=organisation_id, **values)


def make_request(
    organisation_id: int | None = None,
    status: AttestationStatus = S.PENDING,
    *,
    codes: tuple[str, ...] | list[str] = tuple(CODES),
    **overrides: Any,
) -> AttestationRequest:
    """A request for a new agreement in force asking `codes` (the questions are the policy's);
    submitted ones carry yes answers and a signer."""
    agreement = make_agreement_in_force(
        organisation_id or make_organisation().id, obligation_codes=list(codes)
    )
    due = overrides.pop("due_date", today() + timedelta(days=30))
    request = AttestationRequest(
        agreement=agreement,
        organisation_id=agreement.organisation_id,
        due_date=due,
        period_start=due - timedelta(days=365),
        period_end=due - timedelta(days=1),
        status=status,
        questionnaire=build_questionnaire(agreement),
        **overrides,
    )
    if status in (S.SUBMITTED, S.ACCEPTED):
        request.signer_name, request.signer_title, request.attested = "Ada Signer", "CISO", True
        request.submitted_at = now()
        for question in request.questionnaire:
            request.answers.append(
                AttestationAnswer(
                    obligation_code=question["code"],
                    round=request.round or 1,
                    answer=AnswerValue.YES,
                    answered_at=now(),
                    review=AnswerReview.ACCEPTED if status == S.ACCEPTED else AnswerReview.PENDING,
                )
            )
    db.session.add(request)
    db.session.commit()
    return request


def _org_of(user) -> int | None:
    return user.organisation_id if user is not None and user.role.value == "vendor" else None


def _request_for(status: AttestationStatus):
    def params(user=None) -> dict:
        return {"request": make_request(_org_of(user), status).id}

    return params


# Pages ---------------------------------------------------------------------------------

_PENDING, _DRAFT, _SUBMITTED = (_request_for(s) for s in (S.PENDING, S.IN_PROGRESS, S.SUBMITTED))
_VENDOR = ("vendor",)
_ID = "/attestations/{request}"

PAGES: tuple[Page, ...] = (
    Page("attestations.requests", "/attestations/", ROLES),
    Page("attestations.request", _ID, ROLES, params=_PENDING, for_user=True),
    Page("attestations.answer", f"{_ID}/answer", _VENDOR, params=_PENDING, for_user=True),
    Page("attestations.submit", f"{_ID}/submit", _VENDOR, params=_DRAFT, for_user=True),
    Page("attestations.review", f"{_ID}/review", OFFICE, params=_SUBMITTED),
    Page("attestations.new_request", "/attestations/new", OFFICE),
    Page("attestations.follow_ups", "/attestations/follow-ups", OFFICE),
    Page(
        "attestations.close_follow_up",
        "/attestations/follow-ups/{follow_up}/close",
        OFFICE,
        params=lambda: {"follow_up": make_follow_up().id},
    ),
)


def make_follow_up(organisation_id: int | None = None, code: str = "SEC-1") -> AttestationFollowUp:
    """An open follow-up on an accepted request whose answer to `code` was no."""
    request = make_request(organisation_id, S.ACCEPTED)
    item = AttestationFollowUp(
        request_id=request.id, obligation_code=code, text="Keep the data safe: answered no."
    )
    db.session.add(item)
    db.session.commit()
    return item


# Audited posts -------------------------------------------------------------------------


def _answers(codes: list[str], value: str = "yes") -> dict[str, str]:
    data = {}
    for code in codes:
        slug = code.lower().replace("-", "_")
        data[f"answer_{slug}"] = value
        data[f"explanation_{slug}"] = ""
    return data


def save(login_as):
    user = login_as("vendor")
    request = make_request(user.organisation_id)
    return f"/attestations/{request.id}/answer", {
        **_answers(CODES),
        "version": str(request.version),
    }


def submit(login_as):
    user = login_as("vendor")
    request = make_request(user.organisation_id, S.IN_PROGRESS)
    for code in CODES:
        request.answers.append(AttestationAnswer(obligation_code=code, answer=AnswerValue.YES))
    db.session.commit()
    return f"/attestations/{request.id}/submit", {
        "signer_name": "Ada Signer",
        "signer_title": "CISO",
        "attested": "y",
        "version": str(request.version),
    }


def _decisions(codes: list[str], returned: set[str]) -> dict[str, str]:
    data = {}
    for code in codes:
        slug = code.lower().replace("-", "_")
        data[f"decision_{slug}"] = "returned" if code in returned else "accepted"
        data[f"comment_{slug}"] = "Attach the current SOC 2 report." if code in returned else ""
    return data


def _review(returned: set[str]):
    def setup(login_as):
        login_as("privacy")
        request = make_request(status=S.SUBMITTED)
        data = {**_decisions(CODES, returned), "comment": "", "version": str(request.version)}
        return f"/attestations/{request.id}/review", data

    return setup


def autosave(login_as):
    user = login_as("vendor")
    request = make_request(user.organisation_id)
    return f"/attestations/{request.id}/autosave", {
        **_answers(CODES),
        "version": str(request.version),
    }


def close_follow_up(login_as):
    login_as("privacy")
    item = make_follow_up()
    return f"/attestations/follow-ups/{item.id}/close", {"note": "Encryption at rest is on now."}


def new_request(login_as):
    login_as("privacy")
    agreement = make_agreement_in_force()
    due = (today() + timedelta(days=30)).isoformat()
    return "/attestations/new", {"agreement_id": str(agreement.id), "due_date": due}


AUDIT_CASES: tuple[AuditCase, ...] = (
    AuditCase("attestations.answer", "attestation.saved", save),
    AuditCase("attestations.submit", "attestation.submitted", submit),
    AuditCase("attestations.review", "attestation.accepted", _review(set()), "accept"),
    AuditCase("attestations.review", "attestation.returned", _review({"SEC-1"}), "return"),
    AuditCase("attestations.new_request", "attestation.requested", new_request),
    AuditCase("attestations.autosave", "attestation.saved", autosave),
    AuditCase("attestations.close_follow_up", "attestation.follow_up_closed", close_follow_up),
)


# Vendor isolation ----------------------------------------------------------------------


def _open_request(organisation) -> dict:
    return {"request_id": make_request(organisation.id, S.IN_PROGRESS).id}


ISOLATION_CASES: tuple[IsolationCase, ...] = (
    IsolationCase("attestations.request", "GET", _open_request),
    IsolationCase("attestations.answer", "GET", _open_request),
    IsolationCase("attestations.answer", "POST", _open_request, data=_answers(CODES), name="save"),
    IsolationCase(
        "attestations.autosave", "POST", _open_request, data=_answers(CODES), name="autosave"
    ),
    IsolationCase("attestations.submit", "GET", _open_request),
    IsolationCase(
        "attestations.submit",
        "POST",
        _open_request,
        data={"signer_name": "Mallory", "signer_title": "CEO", "attested": "y"},
        name="submit",
    ),
)
