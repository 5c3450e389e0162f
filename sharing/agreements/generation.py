"""Generating agreements: the .docx rendered from the draft's template version with its plan,
stored with its SHA-256, and the renewal amendment drafted and generated in one step.

The same inputs give the same bytes. A generation reads the covered flows once, refuses if any
is no longer in force, and keeps the new file only if its commit succeeds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from sharing.agreements import conflicts, events, files, readiness, rendering, template_library
from sharing.agreements.covered import CoveredFlow, covered_flows
from sharing.agreements.docx_properties import agreement_properties, set_document_properties
from sharing.agreements.drafting import (
    EDITABLE,
    S,
    Terms,
    apply_terms,
    audit_values,
    check_content,
    check_editable,
    cover,
    new_draft,
)
from sharing.agreements.models import Agreement, AgreementTemplate
from sharing.agreements.plans import Plan, build_context, plan_agreement
from sharing.agreements.policy_impact import move_to_latest_policy
from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.core.models import utcnow
from sharing.core.signals import announce
from sharing.errors import ValidationFailed
from sharing.extensions import db
from sharing.flows.models import DataFlow, FlowStatus


def render_agreement(
    agreement: Agreement, *, generated_on: date, flows: Sequence[CoveredFlow] | None = None
) -> tuple[bytes, Plan]:
    """The .docx the agreement's template version gives for it now, and the plan used.
    `flows` are the covered flows when the caller has read them already. Refused (nothing is
    rendered) while the agreement is incomplete or has an unaccepted conflict."""
    flows = covered_flows(agreement) if flows is None else flows
    plan = plan_agreement(agreement, flows=flows)
    refuse_unless_ready(agreement, flows=flows, plan=plan)
    version = agreement.template_version
    context = build_context(agreement, generated_on=generated_on, plan=plan, flows=flows)
    data = rendering.render_docx(template_library.read_version(version), context)
    # The file says what it is (title, parties, number) whatever the template's own
    # properties, so the .docx and the PDF made from it describe themselves alike.
    properties = agreement_properties(agreement, city=current_app.config["CITY_NAME"])
    return set_document_properties(data, **properties), plan


def refuse_unless_ready(agreement: Agreement, *, flows: Sequence[CoveredFlow], plan: Plan) -> None:
    """Raise ValidationFailed, by field, while anything would leave the document incomplete or
    contradict the policy: what readiness finds, and the conflicts nobody has accepted."""
    errors = readiness.problems(agreement, flows)
    open_conflicts = conflicts.unresolved(
        agreement, conflicts.find_conflicts(agreement, flows=flows, plan=plan)
    )
    if open_conflicts:
        errors["conflicts"] = conflicts.summary(open_conflicts)
    if errors:
        raise ValidationFailed(errors)


def generate_agreement(
    *,
    actor: Any,
    agreement: Agreement,
    today: date,
    expected_version: int | None,
    occasion: tuple[str, dict[str, Any]] | None = None,
) -> Agreement:
    """Render and store the agreement's .docx; a draft becomes generated. A caller that
    generates as part of its own step passes `occasion`, (words ending the summary, changes),
    so that the one audit event says why."""
    check_editable(agreement, expected_version)
    before = _generation_values(agreement)
    replaced = agreement.generated_file
    stored, lapsed = _generate(actor=actor, agreement=agreement, today=today)
    words, extra = occasion or ("", {})
    audit.record(
        actor=actor,
        action="agreement.generated",
        object_type="agreement",
        object_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes=audit.diff(before, _generation_values(agreement)) | extra | lapsed,
        summary=f"Generated {agreement.number} from {_source(agreement)}{words}",
    )
    _commit_generation(stored, replaced)
    return agreement


def generate_renewal(
    *,
    actor: Any,
    original: Agreement,
    template: AgreementTemplate,
    terms: Terms,
    flows: list[DataFlow],
    today: date,
) -> Agreement:
    """Draft and generate, in one step and one audit event, the renewal amendment of
    `original`; an amendment of it already drafted or generated, not yet sent, is reused."""
    amendment = db.session.scalar(
        select(Agreement)
        .where(Agreement.renews_id == original.id, Agreement.status.in_(tuple(EDITABLE)))
        .order_by(Agreement.id.desc())
        .limit(1)
    )
    reused = amendment is not None
    before = audit_values(amendment) | _generation_values(amendment) if reused else {}
    replaced = amendment.generated_file if reused else None
    if amendment is None:
        amendment = new_draft(
            actor=actor,
            organisation=original.organisation,
            flows=flows,
            template=template,
            terms=terms,
            today=today,
            renews=original,
        )
    else:
        check_content(original.organisation, flows, template, terms, original)
        apply_terms(amendment, terms)
        amendment.template_version = template_library.current_version(template)
        cover(amendment, flows, chosen=amendment.parameters or {})
    # An amendment continues the original's terms, so the conflicts the privacy office accepted
    # there still hold, for exactly the same values (a changed value is a new conflict).
    amendment.conflict_overrides = {
        **(original.conflict_overrides or {}),
        **(amendment.conflict_overrides or {}),
    }
    stored, lapsed = _generate(actor=actor, agreement=amendment, today=today)
    after = audit_values(amendment) | _generation_values(amendment)
    audit.record(
        actor=actor,
        action="agreement.renewal_generated",
        object_type="agreement",
        object_id=amendment.id,
        organisation_id=amendment.organisation_id,
        changes=(audit.diff(before, after) if reused else audit.created(after)) | lapsed,
        summary=f"Generated renewal amendment {amendment.number} of {original.number} "
        f"from {_source(amendment)}",
    )
    _commit_generation(stored, replaced)
    return amendment


def generate_drafted(
    *,
    actor: Any,
    agreement: Agreement,
    today: date,
    action: str,
    summary: str,
    extra: dict[str, Any],
) -> Agreement:
    """Generate an agreement the caller has just drafted (added and flushed, not audited), as
    one step with one audit event, `action`, that records it created and generated (`extra`
    adds the caller's own values). A package above agreements drafts this way, as an adoption
    of a general offer is."""
    stored, lapsed = _generate(actor=actor, agreement=agreement, today=today)
    after = audit_values(agreement) | _generation_values(agreement) | extra
    audit.record(
        actor=actor,
        action=action,
        object_type="agreement",
        object_id=agreement.id,
        organisation_id=agreement.organisation_id,
        changes=audit.created(after) | lapsed,
        summary=f"{summary}, generated from {_source(agreement)}",
    )
    _commit_generation(stored, None)
    return agreement


def store_document(agreement: Agreement, data: bytes) -> str:
    """Keep a rendered .docx as the agreement's generated file, with its SHA-256."""
    agreement.generated_file = files.store(data, ".docx")
    agreement.generated_sha256 = hashlib.sha256(data).hexdigest()
    return agreement.generated_file


def _commit_generation(stored: str, replaced: str | None) -> None:
    """Commit a generation; the new file goes if the commit fails, the old one if it works."""
    try:
        commit_or_conflict()
    except Exception:
        db.session.rollback()
        files.remove(stored)
        raise
    if replaced and replaced != stored:
        files.remove(replaced)


def _generate(*, actor: Any, agreement: Agreement, today: date) -> tuple[str, dict[str, Any]]:
    """Render the agreement, store the file and record the generation on the row (not yet
    committed); returns the stored file's name and what the receivers of
    events.agreement_generated add to the audit event. Nothing is stored when rendering
    fails."""
    flows = covered_flows(agreement)
    _check_flows_in_force(flows)
    # A draft follows the policy published since it was drafted; signed ones never reach here.
    move_to_latest_policy(agreement, flows=flows)
    data, plan = render_agreement(agreement, generated_on=today, flows=flows)
    stored = store_document(agreement, data)
    agreement.generated_at = utcnow()
    agreement.generated_by_id = actor.id
    agreement.parameters = plan.parameters
    agreement.obligation_codes = plan.codes
    agreement.status = S.GENERATED
    try:
        added = announce(events.agreement_generated, agreement=agreement, today=today, actor=actor)
    except BaseException:
        files.remove(stored)
        raise
    return stored, added


def _source(agreement: Agreement) -> str:
    version = agreement.template_version
    return (
        f"{version.template.name} v{version.number} under policy {agreement.policy_version.label}"
    )


def _check_flows_in_force(flows: Sequence[CoveredFlow]) -> None:
    stale = [flow for flow in flows if flow.status != FlowStatus.APPROVED]
    if stale:
        names = ", ".join(f"{f.system_name} (revision {f.revision})" for f in stale)
        raise ValidationFailed(
            {"flows": f"These flows are no longer in force: {names}. Edit the agreement's flows."}
        )


def _generation_values(agreement: Agreement) -> dict[str, Any]:
    return {
        "status": agreement.status.value,
        "generated_sha256": agreement.generated_sha256,
        "template_version_id": agreement.template_version_id,
        "policy_version_id": agreement.policy_version_id,
        "parameters": dict(agreement.parameters or {}),
        "obligation_codes": list(agreement.obligation_codes or []),
        "conflict_overrides": dict(agreement.conflict_overrides or {}),
        "exceptions": dict(agreement.exceptions or {}),
    }
