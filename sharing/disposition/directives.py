"""Issuing disposition directives when a term ends, and the privacy office's changes to one
before the vendor certifies it: the City's written authorization to destroy City records, and
an element's action and method within the records rule.

Issuing follows the lifecycle through signals (connected in create_app's register_events): an
agreement that expires or is terminated issues "agreement:<id>"; a flow retired while an
agreement in force covers it issues "agreement:<id>:flow:<lineage>". Each key issues once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from sharing.agreements import files
from sharing.agreements.models import Agreement, AgreementStatus, agreement_flows
from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.core.models import utcnow
from sharing.core.numbering import next_in_year
from sharing.disposition import generation, instructions, notices
from sharing.disposition.models import (
    DirectiveStatus,
    DispositionAction,
    DispositionDirective,
    DispositionElement,
    DispositionTrigger,
)
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from sharing.flows.models import DataFlow

ENDING_ACTIONS = ("terminate", "expire")
STALE = "Someone changed this directive at the same time. Reload the page and try again."
MAX_AUTHORIZATION = 1000
MAX_METHOD = 2000
# The office may change a directive only before the vendor's certificate is with it.
EDITABLE = (DirectiveStatus.ISSUED, DirectiveStatus.RETURNED)
DIRECTIVE_FIELDS = ("number", "key", "trigger", "ended_on", "due_on", "status")


def agreement_key(agreement_id: int) -> str:
    return f"agreement:{agreement_id}"


def flow_key(agreement_id: int, lineage_id: int) -> str:
    return f"agreement:{agreement_id}:flow:{lineage_id}"


# Receivers -----------------------------------------------------------------------------------


def follow_agreement_step(_sender: Any, *, agreement: Agreement, action: str, today: date) -> dict:
    """agreements.events.agreement_transitioned: an agreement that ends without renewal."""
    if action not in ENDING_ACTIONS:
        return {}
    directive = issue_for_agreement(agreement=agreement, today=today)
    return {"disposition_directive": _set(directive.number)} if directive else {}


def follow_roll(_sender: Any, *, steps: Iterable[tuple[Agreement, str]], today: date) -> None:
    """agreements.events.agreements_rolled: the daily roll's expiries."""
    for agreement, action in steps:
        if action == "expire":
            issue_for_agreement(agreement=agreement, today=today)


def follow_flow_step(_sender: Any, *, flow: DataFlow, action: str, today: date) -> dict:
    """flows.events.flow_transitioned: a retired flow that an agreement in force covers."""
    if action != "retire":
        return {}
    issued = [
        directive
        for agreement in agreements_in_force_covering(flow.lineage_id or flow.id)
        if (directive := issue_for_flow(agreement=agreement, flow=flow, today=today))
    ]
    return {"disposition_directives": _set([d.number for d in issued])} if issued else {}


# Issuing ---------------------------------------------------------------------------------------


def agreements_in_force_covering(lineage_id: int, *, besides: int | None = None) -> list[Agreement]:
    """The agreements in force that name a revision of the lineage."""
    statement = (
        select(Agreement)
        .join(agreement_flows, agreement_flows.c.agreement_id == Agreement.id)
        .join(DataFlow, DataFlow.id == agreement_flows.c.flow_id)
        .where(DataFlow.lineage_id == lineage_id, Agreement.status.in_(AgreementStatus.IN_FORCE))
        .order_by(Agreement.id)
        .distinct()
    )
    if besides is not None:
        statement = statement.where(Agreement.id != besides)
    return list(db.session.scalars(statement))


def issue_for_agreement(
    *, agreement: Agreement, today: date, audited: bool = True
) -> DispositionDirective | None:
    """The directive for an agreement that ended, once; None when it was issued already, when
    it never took effect (ended before its effective date, so no data were shared under it),
    or when no flow is left to dispose of (each flow still shared under another agreement in
    force, or already directed when it was retired)."""
    key = agreement_key(agreement.id)
    ended_on = _ended_on(agreement, today)
    took_effect = agreement.effective_date is not None and agreement.effective_date <= ended_on
    if not took_effect or _exists(key):
        return None
    flows = [flow for flow in agreement.flows if _still_to_dispose(agreement, flow)]
    if not flows:
        return None
    return _issue(
        key=key,
        agreement=agreement,
        trigger=DispositionTrigger.AGREEMENT_ENDED,
        flows=flows,
        ended_on=ended_on,
        today=today,
        summary=f"because agreement {agreement.number} {agreement.status.label.lower()}",
        audited=audited,
    )


def issue_for_flow(
    *, agreement: Agreement, flow: DataFlow, today: date
) -> DispositionDirective | None:
    """The directive for one retired flow of an agreement in force, once."""
    key = flow_key(agreement.id, flow.lineage_id or flow.id)
    if _exists(key):
        return None
    return _issue(
        key=key,
        agreement=agreement,
        trigger=DispositionTrigger.FLOW_RETIRED,
        flows=[flow],
        ended_on=today,
        today=today,
        summary=f"because flow “{flow.system_name}” under {agreement.number} was retired",
        retired=flow,
    )


def _issue(
    *,
    key: str,
    agreement: Agreement,
    trigger: DispositionTrigger,
    flows: list[DataFlow],
    ended_on: date,
    today: date,
    summary: str,
    retired: DataFlow | None = None,
    audited: bool = True,
) -> DispositionDirective:
    directive = DispositionDirective(
        number=next_in_year(DispositionDirective.number, "DD", today.year),
        key=key,
        agreement=agreement,
        organisation_id=agreement.organisation_id,
        trigger=trigger,
        flow=retired,
        ended_on=ended_on,
        due_on=ended_on + timedelta(days=instructions.return_days(agreement.parameters)),
        status=DirectiveStatus.ISSUED,
        issued_at=utcnow(),
    )
    directive.elements = build_elements(flows)
    db.session.add(directive)
    db.session.flush()
    generation.generate(directive, today=today)
    if audited:  # the demo seed records one event for everything it adds
        audit.record(
            actor=None,
            action="disposition_directive.issued",
            object_type="disposition_directive",
            object_id=directive.id,
            organisation_id=directive.organisation_id,
            changes=audit.created(
                audit.snapshot(directive, DIRECTIVE_FIELDS) | {"elements": element_lines(directive)}
            ),
            summary=f"Issued disposition directive {directive.number} {summary}",
        )
    notices.issued(directive)
    return directive


def build_elements(flows: list[DataFlow]) -> list[DispositionElement]:
    """One element per data category of each flow, flows by name and categories by name."""
    elements = []
    for flow in sorted(flows, key=lambda f: (f.system_name.lower(), f.id)):
        names = instructions.subprocessor_names(flow.subprocessors)
        links = sorted(flow.categories, key=lambda link: link.category.name.lower())
        for link in links:
            rule = instructions.instruction_for(flow=flow, category=link.category)
            elements.append(
                DispositionElement(
                    position=len(elements) + 1,
                    flow_id=flow.id,
                    category_id=link.category_id,
                    flow_name=flow.system_name,
                    category_name=link.category.name,
                    city_records=rule.city_records,
                    action=rule.action,
                    method=rule.method,
                    subprocessors=names,
                )
            )
    return elements


def element_lines(directive: DispositionDirective) -> list[str]:
    """Each element in a line, for the audit trail."""
    return [
        f"{e.position}. {e.flow_name} / {e.category_name}: {e.action.label}"
        for e in directive.elements
    ]


def _still_to_dispose(agreement: Agreement, flow: DataFlow) -> bool:
    lineage = flow.lineage_id or flow.id
    if _exists(flow_key(agreement.id, lineage)):
        return False
    return not agreements_in_force_covering(lineage, besides=agreement.id)


def _ended_on(agreement: Agreement, today: date) -> date:
    if agreement.status == AgreementStatus.TERMINATED and agreement.terminated_on:
        return agreement.terminated_on
    if agreement.expiry_date is not None and agreement.expiry_date <= today:
        return agreement.expiry_date
    return today


def _exists(key: str) -> bool:
    return (
        db.session.scalar(select(DispositionDirective.id).where(DispositionDirective.key == key))
        is not None
    )


# The office's changes ----------------------------------------------------------------------------


def record_authorization(
    *,
    actor: Any,
    directive: DispositionDirective,
    reference: str,
    dated: date | None,
    today: date,
    expected_version: int | None,
) -> DispositionDirective:
    """Record the City's written authorization to destroy City records: what it is (a
    resolution, a records officer's approval) and its date. Elements keep their action until
    the office changes them."""
    _check_editable(directive, expected_version)
    reference = (reference or "").strip()
    problems = {}
    if not reference:
        problems["reference"] = "Say which written authorization this is."
    elif len(reference) > MAX_AUTHORIZATION:
        problems["reference"] = f"Use at most {MAX_AUTHORIZATION} characters."
    if dated is None:
        problems["dated"] = "Enter the date of the written authorization."
    elif dated > today:
        problems["dated"] = "The authorization's date cannot be in the future."
    if problems:
        raise ValidationFailed(problems)
    before = _office_values(directive)
    directive.destroy_authorization = f"{reference}, dated {dated:%B} {dated.day}, {dated.year}"
    directive.authorized_by_id = actor.id
    directive.authorized_at = utcnow()
    _regenerate_and_commit(
        actor,
        directive,
        before,
        action="disposition_directive.authorized",
        summary=f"Recorded the City's written authorization to destroy on {directive.number}",
        today=today,
    )
    return directive


def change_element(
    *,
    actor: Any,
    directive: DispositionDirective,
    element_id: int,
    action: str,
    method: str,
    today: date,
    expected_version: int | None,
) -> DispositionDirective:
    """Change what one element directs; an empty method takes the action's default."""
    _check_editable(directive, expected_version)
    element = next((e for e in directive.elements if e.id == element_id), None)
    if element is None:
        raise ValidationFailed({"element_id": "Choose an element of this directive."})
    try:
        chosen = DispositionAction(action)
    except ValueError:
        raise ValidationFailed({"action": "Choose return, destroy or de-identify."}) from None
    allowed = instructions.allowed_actions(
        city_records=element.city_records, authorized=bool(directive.destroy_authorization)
    )
    if chosen not in allowed:
        raise ValidationFailed(
            {
                "action": "These data are City records: they are returned unless the City's "
                "written authorization to destroy them is recorded on this directive first."
            }
        )
    method = (method or "").strip()
    if len(method) > MAX_METHOD:
        raise ValidationFailed({"method": f"Use at most {MAX_METHOD} characters."})
    if not method:
        category = element.category
        method = instructions.method_for(chosen, flow=element.flow, category=category)
    before = _office_values(directive)
    element.action, element.method = chosen, method
    _regenerate_and_commit(
        actor,
        directive,
        before,
        action="disposition_directive.element_changed",
        summary=f"Changed element {element.position} of {directive.number} to "
        f"{chosen.label.lower()}",
        today=today,
    )
    return directive


def _check_editable(directive: DispositionDirective, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != directive.version:
        raise Conflict(STALE)
    if directive.status not in EDITABLE:
        raise Conflict(
            f"Directive {directive.number} is {directive.status.label.lower()}; it can no "
            "longer be changed."
        )


def _office_values(directive: DispositionDirective) -> dict[str, Any]:
    return {
        "destroy_authorization": directive.destroy_authorization,
        "elements": [
            f"{e.position}. {e.flow_name} / {e.category_name}: {e.action.label}. {e.method}"
            for e in directive.elements
        ],
        "generated_sha256": directive.generated_sha256,
    }


def _regenerate_and_commit(
    actor: Any,
    directive: DispositionDirective,
    before: dict[str, Any],
    *,
    action: str,
    summary: str,
    today: date,
) -> None:
    stored, replaced = generation.generate(directive, today=today)
    audit.record(
        actor=actor,
        action=action,
        object_type="disposition_directive",
        object_id=directive.id,
        organisation_id=directive.organisation_id,
        changes=audit.diff(before, _office_values(directive)),
        summary=summary,
    )
    notices.changed(directive, actor=actor)
    try:
        commit_or_conflict(STALE)
    except Exception:
        db.session.rollback()
        files.remove(stored)
        raise
    if replaced and replaced != stored:
        files.remove(replaced)


def _set(value: Any) -> dict[str, Any]:
    return {"before": None, "after": value}
