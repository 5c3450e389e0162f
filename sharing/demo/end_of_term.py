"""Demo data for reuse and for the end of a term: ParkPay's agreement offered to every
department, accepted by its signer and adopted by Parks for a flow of its own; and a
disposition directive for each agreement that ended, the terminated one's certificate
signed and accepted so that the public changelog shows the day the data were disposed of."""

from __future__ import annotations

from datetime import timedelta

from sharing.adoptions import consent
from sharing.adoptions.adopting import adopted_terms
from sharing.adoptions.models import AdoptionOffer, OfferStatus
from sharing.agreements.drafting import next_number
from sharing.agreements.models import Agreement, AgreementStatus, TemplateKind
from sharing.core.roles import Role
from sharing.demo.agreements import generate_file, store_signed_copy
from sharing.demo.context import DemoContext
from sharing.demo.flows import add_flow
from sharing.demo.specs import APPROVED, FlowSpec
from sharing.disposition import certificates, directives
from sharing.disposition.models import (
    DirectiveStatus,
    DispositionAction,
    DispositionDirective,
    SubprocessorConfirmation,
)
from sharing.extensions import db
from sharing.register.disposals import follow_certificate
from sharing.register.models import RegisterChange, RegisterChangeKind

# Parks takes payment for parking at its community centers through the same ParkPay service
# Transportation contracted for, carrying only what the street-parking flow carries (no
# plate numbers: a community center's lot is paid by phone number).
ADOPTING_FLOW = FlowSpec(
    "parkpay",
    "PRNS",
    "Community center parking payments",
    APPROVED,
    "Take payment for parking at community centers and send receipts.",
    "Drivers who pay for parking",
    ("Phone number", "Email address", "Payment card data"),
    retention_days=730,
)
OFFER_NOTE = (
    "The vendor serves several departments; any department may adopt these terms for a parking "
    "payment flow of its own instead of negotiating a new agreement."
)
DONE_METHOD = {
    DispositionAction.RETURN: "Exported as CSV with a field list over SFTP; once the City "
    "confirmed receipt, every copy was purged by cryptographic erase (NIST SP 800-88 Purge).",
    DispositionAction.DESTROY: "Cryptographic erase of the encrypted volumes (NIST SP 800-88 "
    "Purge); the erase logs are kept.",
    DispositionAction.DEIDENTIFY: "Direct identifiers removed and dates coarsened to the month "
    "before the statistical extract was kept.",
}
BACKUPS = "Backup copies expired 35 days after the last export; none is kept."


def build_adoptions(ctx: DemoContext) -> None:
    """The general offer of ParkPay's active agreement, accepted, and Parks' adoption."""
    base = ctx.agreements["parkpay"]
    signer = ctx.users[Role.VENDOR]
    offered = ctx.now - timedelta(days=40)
    offer = AdoptionOffer(
        agreement=base,
        organisation_id=base.organisation_id,
        status=OfferStatus.OPEN,
        department_ids=[],
        directions=[],
        available_until=min(base.expiry_date, ctx.date_in(180)),
        note=OFFER_NOTE,
        offered_by_id=ctx.users[Role.PRIVACY].id,
        offered_at=offered,
        consent_by_id=signer.id,
        consent_name=signer.name,
        consent_title="Chief Executive Officer",
        consent_version=consent.CONSENT_VERSION,
        consent_text=consent.CONSENT_TEXT,
        consented_at=offered + timedelta(days=2),
        consent_ip="203.0.113.20",
        consent_user_agent="Mozilla/5.0 (demo)",
    )
    db.session.add(offer)
    flow = add_flow(ctx, ADOPTING_FLOW, APPROVED, revision=1, lineage_id=None)
    department = ctx.departments[ADOPTING_FLOW.department]
    adoption = Agreement(
        number=next_number(ctx.today.year),
        **adopted_terms(base, department),
        template_version=ctx.templates[TemplateKind.ADOPTION],
        status=AgreementStatus.ACTIVE,
        effective_date=ctx.date_in(-20),
        generated_at=offered + timedelta(days=10),
        signed_on=ctx.date_in(-25),
        created_by_id=ctx.users[Role.PROCUREMENT].id,
        is_demo=True,
    )
    adoption.flows = [flow]
    adoption.adopts = base
    db.session.add(adoption)
    db.session.flush()
    generate_file(ctx, adoption)
    store_signed_copy(ctx, adoption)
    ctx.agreements_built.append(adoption)
    ctx.count("adoption_offers")
    ctx.count("adoptions")


def build_dispositions(ctx: DemoContext) -> None:
    """A directive for the expired agreement, waiting for the vendor's certificate, and one
    for the terminated agreement, certified and accepted."""
    for key in ("garcia", "legal_aid"):
        directive = directives.issue_for_agreement(
            agreement=ctx.agreements[key], today=ctx.today, audited=False
        )
        if directive is None:
            continue
        ctx.stored_agreement_files.append(directive.generated_file)
        ctx.count("disposition_directives")
        if key == "legal_aid":
            _listed_until_terminated(ctx, ctx.agreements[key])
            _certified_and_accepted(ctx, directive)


def _listed_until_terminated(ctx: DemoContext, agreement: Agreement) -> None:
    """The register's history of the terminated agreement's published flows: listed while it
    was in force, removed when it was terminated (the demo's register history covers only the
    arrangements listed today)."""
    for flow in agreement.flows:
        if not flow.published:
            continue
        name = f"{flow.organisation.display_name}: {flow.system_name}."
        for kind, day, words in (
            (RegisterChangeKind.ADDED, agreement.effective_date, "Listed on the register."),
            (RegisterChangeKind.REMOVED, agreement.terminated_on, "Its agreement was terminated."),
        ):
            db.session.add(
                RegisterChange(
                    flow_lineage_id=flow.lineage_id or flow.id,
                    flow_id=flow.id,
                    kind=kind,
                    changed_on=day,
                    summary=f"{name} {words}",
                )
            )
            ctx.count("register_changes")
    db.session.flush()


def _certified_and_accepted(ctx: DemoContext, directive: DispositionDirective) -> None:
    done_on = min(directive.ended_on + timedelta(days=12), ctx.today)
    for element in directive.elements:
        element.done_action = element.action
        element.done_on = done_on
        element.done_method = DONE_METHOD[element.action]
        element.subprocessors_confirmed = (
            SubprocessorConfirmation.CONFIRMED
            if element.subprocessors
            else SubprocessorConfirmation.NONE_HELD
        )
        element.backups = BACKUPS
    signatory = directive.agreement.organisation.contacts[0]
    signed = ctx.now - timedelta(days=max((ctx.today - done_on).days - 1, 0))
    directive.signer_name = signatory.name
    directive.signer_title = signatory.title or "Executive Director"
    directive.consent_version = certificates.CONSENT_VERSION
    directive.consent_text = certificates.CONSENT_TEXT
    directive.signed_at = directive.submitted_at = signed
    directive.signed_ip = "203.0.113.31"
    directive.signed_user_agent = "Mozilla/5.0 (demo)"
    directive.status = DirectiveStatus.ACCEPTED
    directive.reviewed_by_id = ctx.users[Role.PRIVACY].id
    directive.reviewed_at = directive.accepted_at = signed
    directive.disposed_on = done_on
    db.session.flush()
    follow_certificate(None, directive=directive, today=ctx.today)
