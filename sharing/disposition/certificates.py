"""The vendor's certificate of disposition: answers saved element by element (partial work
kept), the signature given as an agreement's is (typed name and title, the password again,
consent to words kept with their version), and the privacy office's acceptance or return with
questions. Every step is audited and notified, and each commits once under the directive's
optimistic lock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.core.models import utcnow
from sharing.core.roles import Role
from sharing.core.signals import announce
from sharing.disposition import events, notices
from sharing.disposition.directives import EDITABLE, STALE
from sharing.disposition.models import (
    DirectiveStatus,
    DispositionAction,
    DispositionDirective,
    DispositionElement,
    SubprocessorConfirmation,
)
from sharing.errors import Conflict, Forbidden, NotFound, ValidationFailed
from sharing.signing.services import check_typed, confirm_password

MAX_TEXT = 2000
MAX_COMMENT = 4000
# Bump the version whenever the words change: each certificate keeps the words it agreed to.
CONSENT_VERSION = "2026-1"
CONSENT_TEXT = (
    "I agree to sign this certificate of disposition electronically. My typed name, confirmed "
    "by my password at this moment, is my signature and binds the organization I sign for as "
    "a handwritten signature would (15 U.S.C. 7001; California Civil Code section 1633.7). I "
    "certify that the answers above are true and complete to the best of my knowledge after "
    "asking those who did the work, including our subprocessors."
)
ANSWER_FIELDS = (
    "done_action",
    "done_on",
    "done_method",
    "subprocessors_confirmed",
    "backups",
    "notes",
)
SIGNATURE_FIELDS = (
    "status",
    "signer_id",
    "signer_name",
    "signer_title",
    "consent_version",
    "signed_at",
    "signed_ip",
    "signed_user_agent",
    "submitted_at",
)
REVIEW_FIELDS = ("status", "review_comment", "reviewed_by_id", "accepted_at", "disposed_on")


@dataclass(frozen=True)
class Answer:
    """What the vendor says about one element; blanks are work not yet done."""

    done_action: str = ""
    done_on: date | None = None
    done_method: str = ""
    subprocessors_confirmed: str = ""
    backups: str = ""
    notes: str = ""


# Checks -------------------------------------------------------------------------------------


def check_vendor(actor: Any, directive: DispositionDirective) -> None:
    """Only the organisation's vendor users answer; another organisation's directive does not
    exist for them."""
    if str(getattr(actor, "role", "")) != Role.VENDOR.value:
        raise Forbidden("Only the vendor's users complete a certificate of disposition.")
    if getattr(actor, "organisation_id", None) != directive.organisation_id:
        raise NotFound("That directive does not exist.")


def _check_open(directive: DispositionDirective, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != directive.version:
        raise Conflict(STALE)
    if directive.status not in EDITABLE:
        raise Conflict(
            f"Directive {directive.number} is {directive.status.label.lower()}; the "
            "certificate cannot be changed now."
        )


def answer_problems(
    directive: DispositionDirective,
    element: DispositionElement,
    answer: Answer,
    *,
    today: date,
    complete: bool,
) -> dict[str, str]:
    """Why an answer cannot stand, by field. With `complete`, a blank is a problem too."""
    problems: dict[str, str] = {}
    if answer.done_action and answer.done_action not in set(DispositionAction):
        problems["done_action"] = "Choose returned, destroyed or de-identified."
    elif complete and not answer.done_action:
        problems["done_action"] = "Say what was done with these data."
    if answer.done_on is not None:
        if answer.done_on < directive.ended_on:
            ended = f"{directive.ended_on:%B} {directive.ended_on.day}, {directive.ended_on.year}"
            problems["done_on"] = f"The date cannot be before the directive's end date, {ended}."
        elif answer.done_on > today:
            problems["done_on"] = "The date cannot be in the future."
    elif complete:
        problems["done_on"] = "Enter the day it was done."
    if complete and not answer.done_method.strip():
        problems["done_method"] = "Say by what method it was done."
    confirmation = answer.subprocessors_confirmed
    if confirmation and confirmation not in set(SubprocessorConfirmation):
        problems["subprocessors_confirmed"] = "Choose one of the answers."
    elif element.subprocessors and complete and not confirmation:
        problems["subprocessors_confirmed"] = (
            "Say whether the subprocessors named for this element confirmed."
        )
    if complete and not answer.backups.strip():
        problems["backups"] = "Say how backup copies were handled, or when they expire."
    differs = answer.done_action and answer.done_action != element.action.value
    if differs and not answer.notes.strip():
        problems["notes"] = "Explain why what was done differs from what was directed."
    for name in ("done_method", "backups", "notes"):
        if len(getattr(answer, name)) > MAX_TEXT:
            problems[name] = f"Use at most {MAX_TEXT} characters."
    return problems


def certificate_problems(
    directive: DispositionDirective, answers: Mapping[int, Answer], *, today: date, complete: bool
) -> dict[str, str]:
    """Problems keyed "elements-<n>-<field>", n counting the directive's elements from 0 as the
    certificate form's rows do."""
    found: dict[str, str] = {}
    for index, element in enumerate(directive.elements):
        answer = answers.get(element.id, _answer_of(element))
        for field, reason in answer_problems(
            directive, element, answer, today=today, complete=complete
        ).items():
            found[f"elements-{index}-{field}"] = reason
    return found


def _answer_of(element: DispositionElement) -> Answer:
    return Answer(
        done_action=element.done_action.value if element.done_action else "",
        done_on=element.done_on,
        done_method=element.done_method,
        subprocessors_confirmed=(
            element.subprocessors_confirmed.value if element.subprocessors_confirmed else ""
        ),
        backups=element.backups,
        notes=element.notes,
    )


def _answers_audit(directive: DispositionDirective) -> dict[str, Any]:
    return {f"element {e.position}": audit.snapshot(e, ANSWER_FIELDS) for e in directive.elements}


# Steps ----------------------------------------------------------------------------------------


def save_answers(
    *,
    actor: Any,
    directive: DispositionDirective,
    answers: Mapping[int, Answer],
    today: date,
    expected_version: int | None,
) -> DispositionDirective:
    """Keep the vendor's answers as they stand, blanks included; what is given must hold."""
    check_vendor(actor, directive)
    _check_open(directive, expected_version)
    problems = certificate_problems(directive, answers, today=today, complete=False)
    if problems:
        raise ValidationFailed(problems, "Some answers need another look; nothing was saved.")
    before = _answers_audit(directive)
    for element in directive.elements:
        answer = answers.get(element.id)
        if answer is None:
            continue
        element.done_action = DispositionAction(answer.done_action) if answer.done_action else None
        element.done_on = answer.done_on
        element.done_method = answer.done_method.strip()
        element.subprocessors_confirmed = (
            SubprocessorConfirmation(answer.subprocessors_confirmed)
            if answer.subprocessors_confirmed
            else None
        )
        element.backups, element.notes = answer.backups.strip(), answer.notes.strip()
    after = _answers_audit(directive)
    changes = {"answers": {"before": before, "after": after}} if after != before else {}
    if changes:
        # The elements are other rows: the directive's version moves with its answers, so a
        # stale form cannot overwrite them.
        directive.updated_at = utcnow()
    audit.record(
        actor=actor,
        action="disposition_directive.answers_saved",
        object_type="disposition_directive",
        object_id=directive.id,
        organisation_id=directive.organisation_id,
        changes=changes,
        summary=f"Saved the certificate answers of {directive.number}",
    )
    commit_or_conflict(STALE)
    return directive


def sign_certificate(
    *,
    actor: Any,
    directive: DispositionDirective,
    typed_name: str,
    typed_title: str,
    consent: bool,
    password: str,
    ip: str,
    user_agent: str,
    now: datetime,
    today: date,
    expected_version: int | None,
) -> DispositionDirective:
    """The vendor's signer signs the completed certificate: the directive is submitted."""
    check_vendor(actor, directive)
    if not getattr(actor, "may_sign", False):
        raise Forbidden("Only a user with the right to sign for your organization may sign.")
    _check_open(directive, expected_version)
    problems = certificate_problems(directive, {}, today=today, complete=True)
    if problems:
        raise ValidationFailed(
            {}, "The certificate is not complete yet: answer every element before signing."
        )
    typed_name, typed_title = check_typed(typed_name, typed_title, consent)
    _check_password(actor, directive, password)
    before = audit.snapshot(directive, SIGNATURE_FIELDS)
    directive.status = DirectiveStatus.SUBMITTED
    directive.signer_id = actor.id
    directive.signer_name, directive.signer_title = typed_name, typed_title
    directive.consent_version, directive.consent_text = CONSENT_VERSION, CONSENT_TEXT
    directive.signed_at = directive.submitted_at = now
    directive.signed_ip = (ip or "")[:64]
    directive.signed_user_agent = (user_agent or "")[:512]
    audit.record(
        actor=actor,
        action="disposition_directive.signed",
        object_type="disposition_directive",
        object_id=directive.id,
        organisation_id=directive.organisation_id,
        changes=audit.diff(before, audit.snapshot(directive, SIGNATURE_FIELDS))
        | {"answers": {"before": None, "after": _answers_audit(directive)}},
        summary=f"Signed the certificate of disposition {directive.number} for the vendor",
    )
    notices.submitted(directive, actor=actor)
    commit_or_conflict(STALE)
    return directive


def _check_password(actor: Any, directive: DispositionDirective, password: str) -> None:
    confirm_password(
        actor,
        password,
        action="disposition_directive.sign_failed",
        object_type="disposition_directive",
        object_id=directive.id,
        organisation_id=directive.organisation_id,
        summary=f"A signature of certificate {directive.number} was refused: wrong password",
    )


def review_certificate(
    *,
    actor: Any,
    directive: DispositionDirective,
    accept: bool,
    comment: str,
    now: datetime,
    today: date,
    expected_version: int | None,
) -> DispositionDirective:
    """Accept the submitted certificate (the data were disposed of on the latest day given),
    or return it with questions, which the vendor answers before signing again."""
    if expected_version is not None and expected_version != directive.version:
        raise Conflict(STALE)
    if directive.status != DirectiveStatus.SUBMITTED:
        raise Conflict(f"Directive {directive.number} has no certificate waiting for review.")
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationFailed({"comment": "Write the questions the vendor must answer."})
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed({"comment": f"Use at most {MAX_COMMENT} characters."})
    before = audit.snapshot(directive, REVIEW_FIELDS)
    directive.review_comment = comment
    directive.reviewed_by_id, directive.reviewed_at = actor.id, now
    extra: dict[str, Any] = {}
    if accept:
        directive.status = DirectiveStatus.ACCEPTED
        directive.accepted_at = now
        directive.disposed_on = max(e.done_on for e in directive.elements if e.done_on)
        extra = announce(events.certificate_accepted, directive=directive, today=today)
    else:
        directive.status = DirectiveStatus.RETURNED
    audit.record(
        actor=actor,
        action="disposition_directive.accepted" if accept else "disposition_directive.returned",
        object_type="disposition_directive",
        object_id=directive.id,
        organisation_id=directive.organisation_id,
        changes=audit.diff(before, audit.snapshot(directive, REVIEW_FIELDS)) | extra,
        summary=(
            f"Accepted the certificate of disposition {directive.number}"
            if accept
            else f"Returned the certificate of disposition {directive.number} with questions"
        ),
    )
    notices.reviewed(directive, actor=actor, accepted=accept)
    commit_or_conflict(STALE)
    return directive
