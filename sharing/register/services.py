"""Publication control: the privacy office publishes a flow on the register or exempts it
with a reason; each decision is audited and visibility changes go to the changelog."""

from __future__ import annotations

from datetime import date
from typing import Any

from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.errors import Conflict, ValidationFailed
from sharing.flows.models import DataFlow
from sharing.register import changelog

MAX_REASON = 2000
MAX_SUMMARY = 2000
SUMMARIES = ("public_summary", "public_summary_es", "public_summary_vi")
FIELDS = ("published", "publication_exemption", *SUMMARIES)


def _check(published: bool, exemption: str) -> str:
    reason = (exemption or "").strip()
    if published:
        return ""
    if not reason:
        raise ValidationFailed(
            {"exemption": "Give the reason this flow stays off the public register."}
        )
    if len(reason) > MAX_REASON:
        raise ValidationFailed({"exemption": f"Use at most {MAX_REASON} characters."})
    return reason


def _summaries(summaries: dict[str, str] | None) -> dict[str, str]:
    """The summaries given, stripped and checked; unknown keys are a programming error."""
    if summaries is None:
        return {}
    unknown = set(summaries) - set(SUMMARIES)
    if unknown:
        raise ValueError(f"not a public summary: {sorted(unknown)}")
    checked = {name: (text or "").strip() for name, text in summaries.items()}
    too_long = {
        name: f"Use at most {MAX_SUMMARY} characters."
        for name, text in checked.items()
        if len(text) > MAX_SUMMARY
    }
    if too_long:
        raise ValidationFailed(too_long)
    return checked


def set_publication(
    *,
    flow: DataFlow,
    published: bool,
    exemption: str,
    actor: Any,
    today: date,
    expected_version: int | None = None,
    summaries: dict[str, str] | None = None,
) -> DataFlow:
    """Publish the flow, or exempt it with a reason, and set the public summaries given
    (`summaries`: SUMMARIES names to plain text, each optional; None leaves them as they
    are); record the change on the changelog when the arrangement appears on or leaves the
    register."""
    reason = _check(published, exemption)
    texts = _summaries(summaries)
    if expected_version is not None and expected_version != flow.version:
        raise Conflict()
    before = audit.snapshot(flow, FIELDS)
    flow.published, flow.publication_exemption = published, reason
    for name, text in texts.items():
        setattr(flow, name, text)
    cause = changelog.PUBLICATION.about({flow.lineage_id or flow.id})
    written = changelog.sync_changes(today=today, causes=[cause])
    audit.record(
        actor=actor,
        action="flow.publication_changed",
        object_type="flow",
        object_id=flow.id,
        organisation_id=flow.organisation_id,
        changes={
            **audit.diff(before, audit.snapshot(flow, FIELDS)),
            **changelog.audit_changes(written),
        },
        summary=(
            f"{'Published' if published else 'Exempted from the register'}: {flow.system_name}"
        ),
    )
    commit_or_conflict()
    return flow
