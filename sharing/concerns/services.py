"""Raising a concern through the public form: checked against the rate limit, stored with a
new reference and its deadline, audited, and announced to the office (and acknowledged to
the person if they left an address)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from flask import current_app

from sharing.audit import services as audit
from sharing.audit.services import SystemActor
from sharing.concerns import abuse, notices
from sharing.concerns.models import BODY_MAX, BODY_MIN, LANGUAGES, Concern, ConcernKind
from sharing.concerns.references import new_reference
from sharing.concerns.subjects import Subject
from sharing.core.database import commit_or_conflict
from sharing.errors import ValidationFailed
from sharing.extensions import db
from sharing.mail import services as mail

# Who the audit trail names for a step taken through the public form, without an account.
PUBLIC = SystemActor(email="the public", role="public")

# Anything shaped like an HTML or XML tag, comment or entity: the form is plain text only.
MARKUP = re.compile(r"<\s*[/!?]?\s*[A-Za-z][^>]*>|<!--|&#?[A-Za-z0-9]+;")
MARKUP_MESSAGE = (
    "Write plain text only: remove anything between < and >, such as HTML tags "
    "(a lone < or > on its own is fine)."
)


def check_text(body: str) -> str:
    """The text as it is kept: line endings made one kind, outer spaces trimmed; refused when
    too short, too long or holding markup."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) < BODY_MIN:
        raise ValidationFailed({"body": f"Write at least {BODY_MIN} characters."})
    if len(text) > BODY_MAX:
        raise ValidationFailed(
            {"body": f"Shorten your text to {BODY_MAX:,} characters (it has {len(text):,})."}
        )
    if MARKUP.search(text):
        raise ValidationFailed({"body": MARKUP_MESSAGE})
    return text


def due_date(received_on: date) -> date:
    return received_on + timedelta(days=int(current_app.config["CONCERN_RESPONSE_DAYS"]))


def raise_concern(
    *,
    kind: ConcernKind,
    body: str,
    email: str,
    language: str,
    subject: Subject,
    address_key: str,
    now: datetime,
    today: date,
) -> Concern:
    """Store the concern and count the submission; TooManyConcerns when the address has used
    up its submissions, with nothing stored."""
    abuse.check_limit(key=address_key, now=now)
    text = check_text(body)
    concern = Concern(
        reference=new_reference(),
        kind=kind,
        flow_lineage_id=subject.flow_lineage_id,
        algorithm_id=subject.algorithm_id,
        body=text,
        email=(email or "").strip().lower()[:254],
        language=language if language in LANGUAGES else "en",
        received_at=now,
        due_on=due_date(today),
    )
    db.session.add(concern)
    abuse.count_attempt(key=address_key, now=now)
    db.session.flush()
    audit.record(
        actor=PUBLIC,
        action="concern.raised",
        object_type="concern",
        object_id=concern.id,
        # The text and the e-mail address stay on the case; the trail says only that they came.
        changes={
            "reference": {"before": None, "after": concern.reference},
            "kind": {"before": None, "after": concern.kind.value},
            "status": {"before": None, "after": concern.status.value},
            "due_on": {"before": None, "after": concern.due_on.isoformat()},
            "about": {"before": None, "after": subject.described},
            "language": {"before": None, "after": concern.language},
            "reply_by_email": {"before": None, "after": bool(concern.email)},
        },
        summary=f"{concern.kind.label} {concern.reference} received about {subject.described}",
    )
    queued = notices.notify_office(concern, about=subject.described)
    acknowledgement = notices.acknowledge(concern, about=subject.described)
    ids = [n.id for n in [*queued, acknowledgement] if n is not None]
    commit_or_conflict()
    mail.deliver_pending(ids=ids)
    return concern
