"""The daily roll: every agreement's status brought up to today (activation on the effective
date, the notice window, expiry, and tacit renewal), one audit event per change, and the
steps it took announced at the end (events.agreements_rolled) so that the register brings its
changelog in step."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from sharing.agreements import events
from sharing.agreements.dates import tacit_renewal
from sharing.agreements.lifecycle import (
    STALE_MESSAGE,
    TRANSITIONS,
    S,
    may_activate,
    snapshot,
    system_step,
)
from sharing.agreements.models import Agreement, agreement_adoptions
from sharing.audit import services as audit
from sharing.audit.services import SYSTEM
from sharing.core.database import commit_or_conflict
from sharing.core.signals import announce
from sharing.extensions import db


@dataclass
class RollSummary:
    """The agreement numbers each kind of change touched in one run."""

    activated: list[str] = field(default_factory=list)
    expiring: list[str] = field(default_factory=list)
    renewed_tacitly: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)
    # Adoptions not yet in force when their base expired.
    ended_with_base: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(
            len(numbers)
            for numbers in (
                self.activated,
                self.expiring,
                self.renewed_tacitly,
                self.expired,
                self.ended_with_base,
            )
        )

    def text(self) -> str:
        if not self.changed:
            return "No agreement changed."
        lines = []
        for label, numbers in (
            ("Activated", self.activated),
            ("Entered the notice window", self.expiring),
            ("Renewed tacitly", self.renewed_tacitly),
            ("Expired", self.expired),
            ("Ended with their base agreement", self.ended_with_base),
        ):
            if numbers:
                lines.append(f"{label} ({len(numbers)}): {', '.join(numbers)}")
        return "\n".join(lines)


TACIT_RENEWAL_EVENT = "agreement.renewed_tacitly"
# The audit events a roll writes, so that the settings page can tell when it last did work.
ROLL_EVENTS = (
    *(TRANSITIONS[step].event for step in ("activate", "mark_expiring", "expire")),
    TACIT_RENEWAL_EVENT,
)


def roll_agreements(*, today: date, actor: Any = SYSTEM) -> RollSummary:
    """Bring every agreement's status up to `today`, one audit event per change. Running it
    again the same day changes nothing; after missed days it catches up. An adoption is
    activated on its own date, but its notice window, expiry and tacit renewal are its base's:
    each step of the base is announced, and the adoptions follow it (adoptions.cascade); the
    summary counts them too. At the end it announces the steps it took
    (events.agreements_rolled, dated `today`): the register brings its changelog in step."""
    summary = RollSummary()
    steps: list[tuple[Agreement, str]] = []
    candidates = db.session.scalars(
        select(Agreement).where(Agreement.status.in_(S.RENEWABLE)).order_by(Agreement.id)
    ).all()
    followers = _followers_by_base()
    adoptions = {adoption.id for group in followers.values() for adoption in group}
    for agreement in candidates:
        if agreement.status == S.EXECUTED and may_activate(agreement, today):
            _roll_step(actor, agreement, "activate", today, summary.activated)
            steps.append((agreement, "activate"))
        if agreement.id in adoptions:
            continue
        before = {a.id: (a.status, a.expiry_date) for a in followers.get(agreement.id, ())}
        if agreement.status in S.IN_FORCE and agreement.is_expired(on=today):
            if agreement.auto_renew:
                _renew_tacitly(actor, agreement, today)
                summary.renewed_tacitly.append(agreement.number)
            else:
                _roll_step(actor, agreement, "expire", today, summary.expired)
                steps.append((agreement, "expire"))
        if agreement.status == S.ACTIVE and agreement.in_notice_window(on=today):
            _roll_step(actor, agreement, "mark_expiring", today, summary.expiring)
        _count_followers(followers.get(agreement.id, ()), before, summary, steps)
    announce(events.agreements_rolled, steps=steps, today=today)
    commit_or_conflict(STALE_MESSAGE)
    return summary


def roll(today: date) -> str:
    """The daily roll for the command line: run it and describe what changed."""
    return roll_agreements(today=today).text()


def _roll_step(
    actor: Any, agreement: Agreement, action: str, today: date, numbers: list[str]
) -> None:
    system_step(agreement=agreement, action=action, today=today, actor=actor)
    numbers.append(agreement.number)


def _followers_by_base() -> dict[int, list[Agreement]]:
    """The adoptions not yet ended, by the base they adopt: one statement."""
    rows = db.session.execute(
        select(agreement_adoptions.c.base_id, Agreement)
        .join(agreement_adoptions, agreement_adoptions.c.agreement_id == Agreement.id)
        .where(Agreement.status.in_(S.NOT_ENDED))
        .order_by(Agreement.id)
    )
    followers: dict[int, list[Agreement]] = {}
    for base_id, adoption in rows:
        followers.setdefault(base_id, []).append(adoption)
    return followers


# What a follower's new status says it did with its base, for the summary and the register.
FOLLOWED = {S.EXPIRED: "expire", S.EXPIRING: "mark_expiring", S.TERMINATED: "terminate"}


def _count_followers(
    adoptions: Iterable[Agreement],
    before: dict[int, tuple[S, date | None]],
    summary: RollSummary,
    steps: list[tuple[Agreement, str]],
) -> None:
    """Count the base's adoptions that followed its step (adoptions.cascade moved them)."""
    for adoption in adoptions:
        status, expiry = before[adoption.id]
        if adoption.status != status and adoption.status in FOLLOWED:
            action = FOLLOWED[adoption.status]
            lists = {
                "expire": summary.expired,
                "mark_expiring": summary.expiring,
                "terminate": summary.ended_with_base,
            }
            lists[action].append(adoption.number)
            if action != "mark_expiring":
                steps.append((adoption, action))
        elif adoption.expiry_date != expiry:
            summary.renewed_tacitly.append(adoption.number)


def _renew_tacitly(actor: Any, agreement: Agreement, today: date) -> None:
    """Extend by renewal terms, each starting the day after the last ended, until the
    agreement runs through today; the cancel-by date moves with the expiry."""
    before = snapshot(agreement)
    expiry, terms = tacit_renewal(agreement.expiry_date, agreement.renewal_term_months, today=today)
    agreement.expiry_date = expiry
    agreement.status = S.ACTIVE
    changes = audit.diff(before, snapshot(agreement))
    changes["renewal_terms"] = {"before": None, "after": terms}
    changes.update(announce(events.agreement_renewed_tacitly, agreement=agreement, today=today))
    audit.record(
        actor=actor,
        action=TACIT_RENEWAL_EVENT,
        object_type="agreement",
        object_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes=changes,
        summary=f"Renewed tacitly: {agreement.number}, now expiring {expiry.isoformat()}",
    )
