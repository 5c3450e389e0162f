"""The agreement lifecycle: one transition table, the steps it allows, and execution.

States run generated → sent for signature → executed → active → expiring → expired, renewed or
terminated. People take the steps that have roles in TRANSITIONS; the daily roll (roll.py)
takes the automatic ones: activation on the effective date, the notice window, expiry, and
tacit renewal, which moves the expiry and so the cancel-by date forward.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from sqlalchemy import or_, select

from sharing.agreements import events, files, notices
from sharing.agreements.dates import term_end
from sharing.agreements.models import Agreement, AgreementStatus
from sharing.agreements.steps import SERVICE_STEPS, TRANSITIONS, Transition
from sharing.audit import services as audit
from sharing.audit.services import SYSTEM
from sharing.core.clock import now
from sharing.core.database import commit_or_conflict
from sharing.core.signals import announce
from sharing.errors import Conflict, Forbidden, ValidationFailed
from sharing.extensions import db
from sharing.files import inspect
from sharing.vendors import services as vendor_services

STALE_MESSAGE = "Someone changed this agreement at the same time. Reload the page and try again."

S = AgreementStatus
MAX_COMMENT = 5000
MAX_REASON = 2000
# What a step may change, shown before and after in its audit event.
AUDITED_FIELDS = (
    "status",
    "sent_for_signature_at",
    "signed_on",
    "signed_sha256",
    "effective_date",
    "expiry_date",
    "cancel_by",
    "successor_id",
    "termination_reason",
    "terminated_on",
)


# A renewal may name as successor an agreement on its way to, or in, force.
SUCCESSOR_STATUSES = (S.GENERATED, S.SENT_FOR_SIGNATURE, S.EXECUTED, S.ACTIVE)


def available_actions(
    agreement: Agreement, user: Any, *, today: date | None = None
) -> list[tuple[str, Transition]]:
    """The steps this user may take on this agreement now, in table order. With `today`,
    activation is offered only once the effective date has come."""
    role = _role(user)
    actions = []
    for action, step in TRANSITIONS.items():
        if agreement.status not in step.sources or role not in step.roles:
            continue
        if action == "activate" and today is not None and not may_activate(agreement, today):
            continue
        actions.append((action, step))
    return actions


def eligible_successors(agreement: Agreement) -> list[Agreement]:
    """Agreements of the same organisation that may be recorded as this one's renewal: a
    renewal amendment of it, or a newer agreement, not yet ended and renewing no other."""
    query = (
        select(Agreement)
        .where(
            Agreement.organisation_id == agreement.organisation_id,
            Agreement.id != agreement.id,
            Agreement.status.in_(SUCCESSOR_STATUSES),
            or_(Agreement.renews_id == agreement.id, Agreement.renews_id.is_(None)),
            or_(Agreement.renews_id == agreement.id, Agreement.id > agreement.id),
        )
        .order_by(Agreement.id.desc())
    )
    return list(db.session.scalars(query))


def transition_agreement(
    *,
    actor: Any,
    agreement: Agreement,
    action: str,
    today: date,
    expected_version: int | None,
    comment: str = "",
    successor: Agreement | None = None,
    reason: str = "",
    terminated_on: date | None = None,
) -> Agreement:
    """Take one step of the lifecycle, as the transition table allows, announce it
    (events.agreement_transitioned; what its receivers return joins the audit event) and
    audit it."""
    step = _allowed_step(actor, agreement, action, expected_version)
    if action == "execute":
        raise Conflict("An agreement is executed by uploading its signed copy.")
    if action in SERVICE_STEPS:
        raise Conflict(f"“{step.label}” is taken on its own page.")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed({"comment": f"Use at most {MAX_COMMENT} characters."})
    before = snapshot(agreement)
    try:
        _apply_step(agreement, action, today, successor, reason, terminated_on)
    except (Conflict, ValidationFailed):
        db.session.rollback()
        raise
    extra = {"comment": {"before": None, "after": comment}} if comment else {}
    move_agreement(
        actor=actor,
        agreement=agreement,
        action=action,
        today=today,
        expected_version=None,
        extra=extra,
        before=before,
    )
    commit_or_conflict(STALE_MESSAGE)
    return agreement


def move_agreement(
    *,
    actor: Any,
    agreement: Agreement,
    action: str,
    today: date,
    expected_version: int | None,
    extra: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
) -> Transition:
    """Move the agreement by one step of the table, announce it and record its audit event,
    without committing: for a service that records more in the same transaction (signing's
    steps). `extra` joins the audit event; `before` is the snapshot taken before the caller
    changed anything. Refuses as transition_agreement does."""
    step = _allowed_step(actor, agreement, action, expected_version)
    before = before if before is not None else snapshot(agreement)
    if action == "send_for_signature":
        agreement.sent_for_signature_at = now()
    agreement.status = step.target
    changes = dict(extra or {})
    changes.update(
        announce(events.agreement_transitioned, agreement=agreement, action=action, today=today)
    )
    record_step(actor, agreement, step, before, changes)
    return step


def system_step(
    *,
    agreement: Agreement,
    action: str,
    today: date,
    actor: Any = SYSTEM,
    extra: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
) -> Transition:
    """Take a step no person takes by hand (the daily roll's, or one that follows another
    agreement, as an adoption follows its base), without committing: the same status change,
    announcement and audit event as a person's step, with no role to check. `extra` joins the
    audit event (say why the step was taken); `before` is the snapshot taken before the caller
    changed anything (a termination's reason and date)."""
    step = TRANSITIONS[action]
    if agreement.status not in step.sources:
        raise Conflict(
            f"A {agreement.status.label.lower()} agreement cannot be moved to "
            f"{step.target.label.lower()} (“{step.label}”)."
        )
    before = before if before is not None else snapshot(agreement)
    agreement.status = step.target
    changes = dict(extra or {})
    changes.update(
        announce(events.agreement_transitioned, agreement=agreement, action=action, today=today)
    )
    record_step(actor, agreement, step, before, changes)
    return step


def record_execution(
    *,
    actor: Any,
    agreement: Agreement,
    signed_pdf: bytes,
    original_name: str,
    signed_on: date,
    today: date,
    expected_version: int | None,
) -> Agreement:
    """Archive a PDF signed on paper (the wet-ink path): the agreement is executed. Its
    effective date and term are those of the generated document, set when it was drafted, so
    they are not asked again. The daily roll (or the Activate button) makes it active once its
    effective date comes."""
    step = _allowed_step(actor, agreement, "execute", expected_version)
    checked = inspect(signed_pdf, original_name, files.signed_policy())
    if signed_on > today:
        raise ValidationFailed({"signed_on": "The signing date cannot be in the future."})
    effective_date = agreement.effective_date
    if effective_date is None:
        raise Conflict(
            "This agreement has no effective date. Set it on the draft and generate the "
            "agreement again, so that the document and the register say the same."
        )
    expiry = agreement.expiry_date or term_end(effective_date, agreement.term_months)
    before = snapshot(agreement)
    stored = files.store(signed_pdf, ".pdf")
    try:
        agreement.signed_file = stored
        agreement.signed_sha256 = hashlib.sha256(signed_pdf).hexdigest()
        agreement.signed_on = signed_on
        agreement.signed_uploaded_at = now()
        agreement.expiry_date = expiry
        agreement.status = step.target
        extra = {
            "signed_file": {"before": None, "after": checked.name},
            "signed_size": {"before": None, "after": len(signed_pdf)},
        }
        record_step(actor, agreement, step, before, extra)
        commit_or_conflict(STALE_MESSAGE)
    except BaseException:
        db.session.rollback()
        files.remove(stored)
        raise
    return agreement


# Checks and helpers ---------------------------------------------------------------------


def _allowed_step(
    actor: Any, agreement: Agreement, action: str, expected_version: int | None
) -> Transition:
    step = TRANSITIONS.get(action)
    if step is None:
        raise Conflict("That is not a step of the agreement lifecycle.")
    if not step.roles:
        raise Conflict(f"“{step.label}” happens by itself, in the daily run over agreements.")
    if _role(actor) not in step.roles:
        raise Forbidden(f"Your role may not {step.label.lower()} for an agreement.")
    if agreement.status not in step.sources:
        raise Conflict(
            f"A {agreement.status.label.lower()} agreement cannot be moved to "
            f"{step.target.label.lower()} (“{step.label}”)."
        )
    if expected_version is not None and expected_version != agreement.version:
        raise Conflict(
            "Someone changed this agreement since you opened it. Reload the page to see its "
            "current state, then try again."
        )
    return step


def _apply_step(
    agreement: Agreement,
    action: str,
    today: date,
    successor: Agreement | None,
    reason: str,
    terminated_on: date | None,
) -> None:
    """What each step records besides the new status."""
    if action == "activate":
        if not may_activate(agreement, today):
            raise Conflict(_not_yet_effective(agreement))
    elif action == "renew":
        _link_successor(agreement, successor)
    elif action == "terminate":
        agreement.termination_reason, agreement.terminated_on = _termination(
            reason, terminated_on, today
        )


def may_activate(agreement: Agreement, today: date) -> bool:
    return agreement.effective_date is not None and agreement.effective_date <= today


def _not_yet_effective(agreement: Agreement) -> str:
    if agreement.effective_date is None:
        return "This agreement has no effective date yet, so it cannot be activated."
    return (
        f"This agreement takes effect on {agreement.effective_date.isoformat()}; it can be "
        "activated from that day (the daily run does it by itself)."
    )


def _link_successor(agreement: Agreement, successor: Agreement | None) -> None:
    if successor is None:
        raise ValidationFailed({"successor": "Choose the agreement that renews this one."})
    if successor.id not in {a.id for a in eligible_successors(agreement)}:
        raise ValidationFailed(
            {
                "successor": "That agreement cannot renew this one: choose a renewal amendment "
                "or a newer agreement of the same organization that has not ended."
            }
        )
    # Two row updates, one after the other: each row points at the other, which a single
    # flush of the two relationships cannot order.
    agreement.successor_id = successor.id
    db.session.flush()
    if successor.renews_id is None:
        successor.renews_id = agreement.id


def _termination(reason: str, terminated_on: date | None, today: date) -> tuple[str, date]:
    reason = (reason or "").strip()
    when = terminated_on or today
    problems = {}
    if not reason:
        problems["reason"] = "Say why the agreement is terminated."
    elif len(reason) > MAX_REASON:
        problems["reason"] = f"Use at most {MAX_REASON} characters."
    if when > today:
        problems["terminated_on"] = "The termination date cannot be in the future."
    if problems:
        raise ValidationFailed(problems)
    return reason, when


def snapshot(agreement: Agreement) -> dict[str, Any]:
    return audit.snapshot(agreement, AUDITED_FIELDS)


def record_step(
    actor: Any,
    agreement: Agreement,
    step: Transition,
    before: dict[str, Any],
    extra: dict[str, Any],
) -> None:
    changes = audit.diff(before, snapshot(agreement))
    changes.update(extra)
    audit.record(
        actor=actor,
        action=step.event,
        object_type="agreement",
        object_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes=changes,
        summary=f"{step.label}: {agreement.number}",
    )
    notices.notify_step(agreement, step.event, actor=actor)
    if step.target == S.ACTIVE:
        vendor_services.activate_prospective_organisation(
            actor=actor, organisation=agreement.organisation
        )


def _role(user: Any) -> str:
    role = getattr(user, "role", "")
    return getattr(role, "value", str(role))
