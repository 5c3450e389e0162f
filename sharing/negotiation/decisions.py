"""The privacy office's decision on each deviation of a returned copy, and the regeneration
that applies them.

A decision takes effect on the agreement at once (a parameter change sets the parameter; an
exception is written to `Agreement.exceptions`, which generation prints) and can be changed
until the agreement is regenerated; changing it undoes its effect first.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sharing.agreements.generation import generate_agreement
from sharing.agreements.models import Agreement, AgreementStatus
from sharing.agreements.terms import check_with_terms
from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from sharing.negotiation import notices
from sharing.negotiation.models import (
    Decision,
    Deviation,
    DeviationKind,
    ReturnedCopy,
    ReturnStatus,
)
from sharing.obligations.rules import applicable_obligations

S = AgreementStatus
MAX_NOTE = 2000
# The agreement's content may change only while it is not out for signature (as in drafting).
DECIDABLE = frozenset({S.DRAFT, S.GENERATED})
NOTE_REQUIRED = {
    Decision.EXCEPTION: "Give the reason the City accepts this exception.",
    Decision.REJECTED: "Write a comment for the vendor saying why the change is rejected.",
}


def decide_deviation(
    *, actor: Any, deviation: Deviation, decision: Decision, note: str, now: datetime
) -> Deviation:
    """Record the office's decision on one deviation and apply it to the agreement."""
    copy = deviation.returned_copy
    agreement = copy.agreement
    _check_open(copy, agreement)
    note = (note or "").strip()
    _check_decision(deviation, decision, note, agreement)
    before = _decision_values(deviation, agreement)
    undo_effect(deviation, agreement)
    deviation.decision = decision
    deviation.note = note
    deviation.decided_by_id = actor.id
    deviation.decided_at = now
    _apply_effect(deviation, agreement, actor=actor, now=now)
    audit.record(
        actor=actor,
        action="agreement.deviation_decided",
        object_type="agreement",
        object_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes=audit.diff(before, _decision_values(deviation, agreement)),
        summary=f"{decision.label}: {deviation.heading or deviation.code} in returned copy "
        f"{copy.round} of {agreement.number}",
    )
    commit_or_conflict()
    return deviation


def regenerate_with_decisions(
    *, actor: Any, copy: ReturnedCopy, today: date, now: datetime
) -> Agreement:
    """Once every deviation is decided: regenerate the agreement, close the copy and tell the
    vendor, in the generation's one commit and audit event."""
    agreement = copy.agreement
    _check_open(copy, agreement)
    undecided = [d for d in copy.deviations if d.decision == Decision.UNDECIDED]
    if undecided:
        raise ValidationFailed(
            {"regenerate": f"Decide every change first: {len(undecided)} still undecided."}
        )
    copy.status = ReturnStatus.DECIDED
    copy.decided_at = now
    notices.decisions_made(copy, actor=actor)
    decided = {d.heading or d.code or d.key: d.decision.value for d in copy.deviations}
    occasion = (
        f", with the decisions on returned copy {copy.round}",
        {"returned_copy_decisions": {"before": None, "after": decided}},
    )
    try:
        return generate_agreement(
            actor=actor, agreement=agreement, today=today, expected_version=None, occasion=occasion
        )
    except Exception:
        db.session.rollback()
        raise


def undo_effect(deviation: Deviation, agreement: Agreement) -> None:
    """Take back what the deviation's current decision did to the agreement."""
    if deviation.decision == Decision.PARAMETER and deviation.parameter_name:
        values = dict(agreement.parameters or {})
        if values.get(deviation.parameter_name) == deviation.parameter_after:
            values[deviation.parameter_name] = deviation.parameter_before
            agreement.parameters = values
    elif deviation.decision == Decision.EXCEPTION:
        exceptions = dict(agreement.exceptions or {})
        if exceptions.get(exception_key(deviation), {}).get("deviation_id") == deviation.id:
            exceptions.pop(exception_key(deviation))
            agreement.exceptions = exceptions


def exception_key(deviation: Deviation) -> str:
    """Exceptions are kept by obligation code; a frame section or an added clause has none, so
    its comparison key stands in."""
    return deviation.code or deviation.key


def _apply_effect(deviation: Deviation, agreement: Agreement, *, actor: Any, now: datetime) -> None:
    if deviation.decision == Decision.PARAMETER:
        values = dict(agreement.parameters or {})
        values[deviation.parameter_name] = deviation.parameter_after
        agreement.parameters = values
    elif deviation.decision == Decision.EXCEPTION:
        agreement.exceptions = {
            **(agreement.exceptions or {}),
            exception_key(deviation): {
                "reason": deviation.note,
                # A removed clause leaves no text; any other accepted change is the vendor's.
                "text": "" if deviation.kind == DeviationKind.REMOVED else deviation.after_text,
                "kind": deviation.kind.value,
                "heading": deviation.heading,
                "by": getattr(actor, "email", ""),
                "at": now.isoformat(),
                "deviation_id": deviation.id,
            },
        }


def _check_open(copy: ReturnedCopy, agreement: Agreement) -> None:
    if copy.status != ReturnStatus.OPEN:
        raise Conflict(
            f"Returned copy {copy.round} of {agreement.number} is {copy.status.label.lower()}; "
            "its decisions can no longer change."
        )
    if agreement.status not in DECIDABLE:
        raise Conflict(
            f"Agreement {agreement.number} is {agreement.status.label.lower()}; decisions on "
            "returned changes are made while it is a draft or generated."
        )


def _check_decision(
    deviation: Deviation, decision: Decision, note: str, agreement: Agreement
) -> None:
    if decision == Decision.UNDECIDED:
        raise ValidationFailed({"decision": "Choose a decision."})
    if decision in NOTE_REQUIRED and not note:
        raise ValidationFailed({"note": NOTE_REQUIRED[decision]})
    if len(note) > MAX_NOTE:
        raise ValidationFailed({"note": f"Keep it under {MAX_NOTE} characters."})
    if decision == Decision.PARAMETER:
        _check_parameter(deviation, agreement)


def _check_parameter(deviation: Deviation, agreement: Agreement) -> None:
    if not deviation.changes_parameter:
        raise ValidationFailed(
            {"decision": "This change sets no parameter; accept it as an exception instead."}
        )
    obligations = [o for o, _ in applicable_obligations(agreement.policy_version, agreement.flows)]
    values = {**(agreement.parameters or {}), deviation.parameter_name: deviation.parameter_after}
    clean, errors = check_with_terms(obligations, values)
    if deviation.parameter_name not in clean and deviation.parameter_name not in errors:
        raise ValidationFailed(
            {"decision": "This agreement states no such parameter; accept it as an exception."}
        )
    if deviation.parameter_name in errors:
        raise ValidationFailed(
            {
                "decision": f"{deviation.parameter_after} {deviation.parameter_unit} is outside "
                f"what the policy allows for {deviation.parameter_label.lower()} "
                f"({errors[deviation.parameter_name]}); accept it as an exception or reject it."
            }
        )


def _decision_values(deviation: Deviation, agreement: Agreement) -> dict[str, Any]:
    values: dict[str, Any] = {"decision": deviation.decision.value, "note": deviation.note}
    if deviation.parameter_name:
        # Keyed by the parameter's name, as setting the parameters records it.
        values[deviation.parameter_name] = (agreement.parameters or {}).get(
            deviation.parameter_name
        )
    values["exception"] = (
        (agreement.exceptions or {}).get(exception_key(deviation), {}).get("reason")
    )
    return values
