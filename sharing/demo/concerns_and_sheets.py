"""Demo AI fact sheets and public concerns: the approved algorithm records' providers have
answered a first edition (accepted), one of them has the next edition open, and residents have
raised concerns in each state of a case, so every page of both has something real to show."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from sqlalchemy import select

from sharing.algorithms.models import Algorithm, AlgorithmStatus, FactSheet, FactSheetStatus
from sharing.concerns.models import Concern, ConcernKind, ConcernNote, ConcernStatus
from sharing.concerns.references import new_reference
from sharing.core.roles import Role
from sharing.demo.context import DemoContext
from sharing.extensions import db


def _domain(name: str) -> str:
    """A plain mail domain from an organisation's name ("Niños del Valle" → "ninos")."""
    first = unicodedata.normalize("NFKD", name.split()[0].lower())
    return "".join(c for c in first if c.isascii() and c.isalnum()) or "vendor"


def _answers(algorithm: Algorithm) -> dict[str, str]:
    """A first edition that says what the record already says, in the vendor's voice."""
    tested = algorithm.last_tested_on
    return {
        "intended_use": algorithm.purpose,
        "known_limits": algorithm.limitations,
        "training_data": algorithm.training_data,
        "accuracy_metrics": algorithm.accuracy_metrics,
        "bias_groups_tested": algorithm.bias_groups_tested,
        "last_tested_on": tested.isoformat() if tested else "",
        "tested_by": algorithm.tested_by,
        "human_oversight": algorithm.human_oversight,
        "security": "Encrypted in transit and at rest; access limited to named support staff.",
        "retention": "Inputs are deleted after the retention period in the agreement; "
        "outputs are kept with the City's case record.",
        "incident_contact": f"security@{_domain(algorithm.organisation.display_name)}.example",
    }


def build_fact_sheets(ctx: DemoContext) -> None:
    privacy = ctx.users.get(Role.PRIVACY)
    approved = db.session.scalars(
        select(Algorithm).where(Algorithm.status == AlgorithmStatus.APPROVED).order_by(Algorithm.id)
    ).all()
    for index, algorithm in enumerate(approved):
        accepted = FactSheet(
            algorithm_id=algorithm.id,
            organisation_id=algorithm.organisation_id,
            edition=1,
            due_date=ctx.today - timedelta(days=40),
            status=FactSheetStatus.ACCEPTED,
            answers=_answers(algorithm),
            submitted_at=ctx.days_ago(45),
            signer_name="Jordan Lee",
            signer_title="Head of product",
            attested=True,
            reviewed_at=ctx.days_ago(30),
            reviewed_by_id=privacy.id if privacy else None,
            is_demo=True,
        )
        db.session.add(accepted)
        ctx.count("fact_sheets")
        if index == 0:
            db.session.add(
                FactSheet(
                    algorithm_id=algorithm.id,
                    organisation_id=algorithm.organisation_id,
                    edition=2,
                    due_date=ctx.date_in(21),
                    status=FactSheetStatus.IN_PROGRESS,
                    answers={
                        **accepted.answers,
                        "bias_groups_tested": f"{algorithm.bias_groups_tested}; now also by "
                        "primary language spoken at home",
                    },
                    is_demo=True,
                )
            )
            ctx.count("fact_sheets")


CONCERNS = (
    # (kind, status, days ago received, days until due, text, public response, note)
    (
        ConcernKind.CONCERN,
        ConcernStatus.RECEIVED,
        2,
        28,
        "Are parents told that their children's faces are matched at check-in? I never "
        "signed anything about it.",
        "",
        "",
    ),
    (
        ConcernKind.ERROR,
        ConcernStatus.IN_REVIEW,
        12,
        18,
        "The register says speed camera images are kept 90 days, but the notice I got says "
        "one year.",
        "",
        "Asked DOT for the contract's retention schedule.",
    ),
    (
        ConcernKind.CONCERN,
        ConcernStatus.ANSWERED,
        40,
        -10,
        "How can I challenge a license-plate hot-list match?",
        "A match never leads to a stop on its own: an officer confirms the plate and the "
        "reason before acting. To ask for a review, write to the Police Department's records "
        "unit with the date and place; the algorithm's page says how.",
        "Checked the contest route with SJPD records.",
    ),
    (
        ConcernKind.CONCERN,
        ConcernStatus.RECEIVED,
        35,
        -5,
        "Who else gets the water meter readings from my home?",
        "",
        "",
    ),
)


def build_concerns(ctx: DemoContext) -> None:
    privacy = ctx.users.get(Role.PRIVACY)
    public = {
        a.name: a
        for a in db.session.scalars(
            select(Algorithm).where(Algorithm.status == AlgorithmStatus.APPROVED)
        )
    }
    about = next(iter(public.values()), None)
    for kind, status, received, due, text, response, note in CONCERNS:
        concern = Concern(
            reference=new_reference(),
            kind=kind,
            algorithm_id=about.id if about and status == ConcernStatus.RECEIVED else None,
            body=text,
            status=status,
            received_at=ctx.days_ago(received),
            due_on=ctx.date_in(due),
            assignee_id=privacy.id if privacy and status != ConcernStatus.RECEIVED else None,
            public_response=response,
            responded_at=ctx.days_ago(received - 5) if response else None,
            responded_by_id=privacy.id if privacy and response else None,
            is_demo=True,
        )
        if note:
            concern.notes.append(ConcernNote(author_id=privacy.id if privacy else None, body=note))
        db.session.add(concern)
        db.session.flush()
        ctx.count("public_concerns")
