"""What the audit trail shows for each object type: its label, its objects' names, its
fields' labels (from the forms people fill in, where there is one) and its values' labels.

Audit may import no domain package, so this module, which only create_app imports, hands
it the domain's words (audit.reading.describe)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from sqlalchemy import func, select
from wtforms.fields.core import UnboundField

from sharing.audit.reading import describe, names_from
from sharing.extensions import db

# Fields that hold the id of another object, on whichever object they appear.
REFERENCES = {
    "organisation_id": "organisation",
    "parent_id": "organisation",
    "department_id": "department",
    "flow_id": "flow",
    "flow_ids": "flow",
    "agreement_id": "agreement",
    "renews_id": "agreement",
    "successor_id": "agreement",
    "request_id": "attestation_request",
    "fact_sheet_id": "fact_sheet",
    "template_id": "agreement_template",
    "policy_version_id": "policy_version",
    "created_by_id": "user",
    "submitted_by_id": "user",
    "reviewed_by_id": "user",
    "requested_by_id": "user",
    "uploaded_by_id": "user",
    "owner_id": "user",
    "signer_id": "user",
    "signature_id": "signature",
    "assignee_id": "user",
    "concern_id": "concern",
    "department_ids": "department",
    "offer_id": "adoption_offer",
    "offered_by_id": "user",
    "consent_by_id": "user",
    "closed_by_id": "user",
}

# What the signing steps add to an agreement's audit event, and a signature's own fields.
SIGNING_FIELDS = {
    "signer": "Signer",
    "signature_id": "Signature",
    "document_sha256": "PDF sent for signature (SHA-256)",
    "signatures_lapsed": "Signatures lapsed",
    "reason": "Reason",
    "countersignature": "Countersignature",
    "signed_size": "Signed copy (bytes)",
    "status": "Status",
    "typed_name": "Typed name",
    "typed_title": "Typed title",
    "consent_version": "Consent to sign electronically (version)",
    "signed_at": "Signed at",
    "ip": "IP address",
    "user_agent": "Browser",
    "signed_document_sha256": "PDF signed (SHA-256)",
    "decline_reason": "Reason given",
    "lapsed_at": "Lapsed at",
    "lapse_reason": "Why it lapsed",
}

# What the review steps of an algorithm record add to its audit events (algorithms/workflow.py).
ALGORITHM_STEP_FIELDS = {
    "status": "Status",
    "comment": "Comment",
    "approved_snapshot": "Public record as approved",
}

# What raising and handling a concern records beyond its forms' fields (concerns/services.py,
# concerns/cases.py). Never the person's text or address.
CONCERN_FIELDS = {
    "reference": "Reference",
    "kind": "Kind",
    "status": "Status",
    "about": "About",
    "language": "Language for replies",
    "reply_by_email": "Wants replies by e-mail",
    "assignee_id": "Assigned to",
    "closed_at": "Closed at",
    "responded_at": "Answered at",
    "due_on": "Answer due by",
}

# What a disposition directive's steps record (disposition/directives.py, certificates.py).
DISPOSITION_FIELDS = {
    "number": "Number",
    "key": "Issued for",
    "trigger": "Why it was issued",
    "ended_on": "Ended on",
    "due_on": "Deadline",
    "status": "Status",
    "elements": "Elements (what must happen to each kind of data)",
    "destroy_authorization": "The City's written authorization to destroy",
    "generated_sha256": "Directive document (SHA-256)",
    "signer_id": "Signer",
    "signer_name": "Typed name",
    "signer_title": "Typed title",
    "consent_version": "Consent to sign electronically (version)",
    "signed_at": "Signed at",
    "signed_ip": "IP address",
    "signed_user_agent": "Browser",
    "submitted_at": "Submitted at",
    "answers": "Certificate answers",
    "review_comment": "Privacy office's questions",
    "reviewed_by_id": "Reviewed by",
    "accepted_at": "Accepted at",
    "disposed_on": "Data disposed of on",
    "reason": "Reason",
    "disposition_directive": "Disposition directive issued",
    "disposition_directives": "Disposition directives issued",
}

# What clearing a user's sign-in limit records (auth/limits.py).
SIGN_IN_LIMIT_FIELDS = {
    "sign_in_failures": "Failed sign-ins",
    "sign_in_slowed_until": "Sign-in slowed until",
    "sign_in_locked": "Sign-in locked",
}


def form_labels(*forms: type) -> dict[str, str]:
    """{field name: label} from form classes, so the trail uses the words of the form; a
    select of another object (department) also labels its id column (department_id)."""
    labels: dict[str, str] = {}
    for form in forms:
        for name in dir(form):
            unbound = getattr(form, name, None)
            if not isinstance(unbound, UnboundField):
                continue
            label = unbound.kwargs.get("label") or (unbound.args[0] if unbound.args else "")
            if isinstance(label, str) and label:
                labels.setdefault(name, label)
                labels.setdefault(f"{name}_id", label)
    return labels


# What the cascade of a base's steps (adoptions/cascade.py) adds to an agreement's events.
ADOPTION_FIELDS = {
    "base_agreement": "Base agreement (the one adopted)",
    "adoptions_followed": "Adoptions that followed this agreement",
    "renewal_terms": "Renewal terms added",
    "register_changes": "Changes to the public register",
}


def _agreement_fields() -> Mapping[str, str]:
    """The agreement's own form labels, plus every parameter's title, since setting the
    parameters records each one by name."""
    from sharing.agreements.forms import AgreementForm
    from sharing.agreements.terms import FRAME_PARAMETERS
    from sharing.obligations.models import Obligation

    labels = {spec["name"]: spec["label"] for spec in FRAME_PARAMETERS}
    for parameters in db.session.scalars(select(Obligation.parameters).distinct()):
        for spec in parameters or []:
            if spec.get("label"):
                labels[spec["name"]] = spec["label"]
    negotiation = {
        "returned_copy": "Returned copy",
        "decision": "Decision on a returned change",
        "note": "Reason or comment",
        "exception": "Exception agreed",
        "exceptions": "Exceptions agreed",
        "returned_copy_decisions": "Decisions on the returned copy",
    }
    signing = {k: v for k, v in SIGNING_FIELDS.items() if k != "status"}
    adoption = {"adopts": "Adopts", "offer_id": "General offer"}
    disposition = {"disposition_directive": "Disposition directive issued"}
    ends = ADOPTION_FIELDS | adoption | disposition
    return form_labels(AgreementForm) | labels | negotiation | signing | ends


def _fact_sheet_names(ids) -> dict[str, str]:
    """A fact sheet is named by its algorithm and edition: "Triage model, edition 2"."""
    from sharing.algorithms.models import Algorithm, FactSheet

    keys = sorted({int(i) for i in ids if str(i).isdigit()})
    if not keys:
        return {}
    rows = db.session.execute(
        select(FactSheet.id, Algorithm.name, FactSheet.edition)
        .join(Algorithm, Algorithm.id == FactSheet.algorithm_id)
        .where(FactSheet.id.in_(keys))
    )
    return {str(key): f"{name}, edition {edition}" for key, name, edition in rows}


def _fact_sheet_fields() -> Mapping[str, str]:
    """The answers' labels, and the algorithm fields an accepted sheet fills."""
    from sharing.algorithms.fact_sheet_forms import SubmitForm
    from sharing.algorithms.topics import INPUTS

    filled = {f"algorithm.{i.field}": f"Algorithm: {i.label}" for i in INPUTS if i.field}
    return (
        form_labels(SubmitForm)
        | {i.code: i.label for i in INPUTS}
        | filled
        | {
            "attested": "Attested",
            "edition": "Edition",
            "due_date": "Due date",
            "answers": "Answers",
            "prefilled": "Answers carried over from the last accepted edition",
            "review_comment": "Privacy office's comment",
            "algorithm.status": "Algorithm status",
        }
    )


def register_audit_vocabulary(app: Flask) -> None:
    from sharing.adoptions.models import OfferStatus
    from sharing.adoptions.offer_forms import OfferForm
    from sharing.adoptions.vocabulary import OFFER_FIELDS, offer_names
    from sharing.agreements.models import Agreement, AgreementStatus, AgreementTemplate
    from sharing.agreements.template_forms import TemplateForm
    from sharing.algorithms.forms import AlgorithmForm
    from sharing.algorithms.models import (
        Algorithm,
        AlgorithmStatus,
        FactSheetEvidence,
        FactSheetEvidenceKind,
        FactSheetStatus,
        ModelKind,
    )
    from sharing.attestations.models import AttestationStatus, EvidenceFile
    from sharing.auth.forms import DepartmentForm, InvitationForm, UserForm
    from sharing.auth.models import Department, Invitation, User
    from sharing.concerns.case_forms import DeadlineForm, NoteForm, ResponseForm
    from sharing.concerns.models import Concern, ConcernKind, ConcernNote, ConcernStatus
    from sharing.core.roles import Role
    from sharing.disclosures.forms import StaffIncidentForm
    from sharing.disclosures.log_forms import DisclosureForm
    from sharing.disclosures.models import Disclosure, Incident, IncidentStatus
    from sharing.disposition.models import (
        DirectiveStatus,
        DispositionDirective,
        DispositionTrigger,
    )
    from sharing.flows.forms import CategoryForm
    from sharing.flows.models import (
        DataCategory,
        DataFlow,
        Direction,
        FlowStatus,
        Frequency,
        RiskTier,
        Sensitivity,
        TransferMethod,
    )
    from sharing.flows.rules import FIELD_LABELS
    from sharing.obligations.forms import ObligationForm
    from sharing.obligations.models import Obligation, PolicyVersion
    from sharing.seal.models import SealCertificate
    from sharing.signing.models import Party, Signature, SignatureStatus
    from sharing.vendors.forms import ContactForm, OrganisationForm
    from sharing.vendors.models import (
        Contact,
        ContactRole,
        Organisation,
        OrganisationKind,
        OrganisationStatus,
    )

    def add(object_type: str, label: str, **kwargs: Any) -> None:
        describe(app, object_type, label, references=REFERENCES, **kwargs)

    users = names_from(User.id, func.coalesce(func.nullif(User.name, ""), User.email))
    add(
        "user",
        "User",
        names=users,
        fields=form_labels(UserForm) | SIGN_IN_LIMIT_FIELDS,
        values={"role": Role},
    )
    add(
        "organisation",
        "Organization",
        names=names_from(Organisation.id, Organisation.legal_name),
        fields=form_labels(OrganisationForm),
        values={"kind": OrganisationKind, "status": OrganisationStatus},
    )
    add(
        "contact",
        "Contact",
        names=names_from(Contact.id, Contact.name),
        fields=form_labels(ContactForm),
        values={"role": ContactRole},
    )
    add(
        "department",
        "Department",
        names=names_from(Department.id, Department.name),
        fields=form_labels(DepartmentForm),
    )
    add(
        "invitation",
        "Invitation",
        names=names_from(Invitation.id, Invitation.email),
        fields=form_labels(InvitationForm),
        values={"role": Role},
    )
    add(
        "flow",
        "Data flow",
        names=names_from(DataFlow.id, DataFlow.system_name),
        fields=FIELD_LABELS | {"disposition_directives": "Disposition directives issued"},
        values={
            "status": FlowStatus,
            "direction": Direction,
            "frequency": Frequency,
            "transfer_method": TransferMethod,
            "risk_tier": RiskTier,
        },
    )
    add(
        "data_category",
        "Data category",
        names=names_from(DataCategory.id, DataCategory.name),
        fields=form_labels(CategoryForm),
        values={"sensitivity": Sensitivity},
    )
    add(
        "agreement",
        "Agreement",
        names=names_from(Agreement.id, Agreement.number),
        fields=_agreement_fields,
        values={"status": AgreementStatus},
    )
    add(
        "agreement_template",
        "Agreement template",
        names=names_from(AgreementTemplate.id, AgreementTemplate.name),
        fields=form_labels(TemplateForm),
    )
    add(
        "algorithm",
        "Algorithm record",
        names=names_from(Algorithm.id, Algorithm.name),
        fields=form_labels(AlgorithmForm) | ALGORITHM_STEP_FIELDS,
        values={"status": AlgorithmStatus, "model_kind": ModelKind, "risk_tier": RiskTier},
    )
    add(
        "policy_version",
        "Policy version",
        names=names_from(PolicyVersion.id, PolicyVersion.label),
    )
    add(
        "obligation",
        "Obligation",
        names=names_from(Obligation.id, Obligation.title),
        fields=form_labels(ObligationForm),
    )
    add("attestation_request", "Attestation request", values={"status": AttestationStatus})
    add(
        "fact_sheet",
        "AI fact sheet",
        names=_fact_sheet_names,
        fields=_fact_sheet_fields,
        values={"status": FactSheetStatus},
    )
    add(
        "fact_sheet_evidence",
        "AI fact sheet file",
        names=names_from(FactSheetEvidence.id, FactSheetEvidence.original_name),
        fields={"fact_sheet_id": "Fact sheet", "kind": "Type of file"},
        values={"kind": FactSheetEvidenceKind},
    )
    add(
        "evidence_file",
        "Evidence file",
        names=names_from(EvidenceFile.id, EvidenceFile.original_name),
    )
    add(
        "incident",
        "Incident",
        names=names_from(Incident.id, Incident.reference),
        fields=form_labels(StaffIncidentForm),
        values={"status": IncidentStatus},
    )
    add(
        "disclosure",
        "Disclosure",
        names=names_from(Disclosure.id, func.substr(Disclosure.purpose, 1, 80)),
        fields=form_labels(DisclosureForm),
    )
    add(
        "concern",
        "Concern",
        names=names_from(Concern.id, Concern.reference),
        fields=form_labels(DeadlineForm, ResponseForm) | CONCERN_FIELDS,
        values={"status": ConcernStatus, "kind": ConcernKind},
    )
    add(
        "concern_note",
        "Internal note on a concern",
        names=names_from(ConcernNote.id, func.substr(ConcernNote.body, 1, 80)),
        fields=form_labels(NoteForm) | {"concern_id": "Concern"},
    )
    add("import", "Import")
    add(
        "seal_certificate",
        "Seal certificate",
        names=names_from(SealCertificate.id, SealCertificate.subject),
        fields={
            "subject": "Names",
            "fingerprint": "Fingerprint (SHA-256)",
            "not_after": "Valid until",
        },
    )
    add(
        "adoption_offer",
        "General offer",
        names=offer_names,
        fields=form_labels(OfferForm) | OFFER_FIELDS,
        values={"status": OfferStatus, "max_risk_tier": RiskTier},
    )
    add(
        "signature",
        "Signature",
        names=names_from(Signature.id, Signature.signer_name),
        fields=SIGNING_FIELDS,
        values={"status": SignatureStatus, "party": Party},
    )
    add(
        "disposition_directive",
        "Disposition directive",
        names=names_from(DispositionDirective.id, DispositionDirective.number),
        fields=DISPOSITION_FIELDS,
        values={"status": DirectiveStatus, "trigger": DispositionTrigger},
    )
