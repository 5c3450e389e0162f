"""Imports every model so that SQLAlchemy's metadata and Alembic see the whole schema. (The
listeners that act on flushes are registered by create_app's register_listeners step.)"""

from sharing.adoptions.models import AdoptionOffer, OfferStatus  # noqa: F401
from sharing.agreements.models import (  # noqa: F401
    Agreement,
    AgreementStatus,
    AgreementTemplate,
    AgreementTemplateVersion,
    TemplateKind,
    agreement_adoptions,
    agreement_flows,
)
from sharing.algorithms.models import (  # noqa: F401
    Algorithm,
    AlgorithmComment,
    AlgorithmFlow,
    FactSheet,
    FactSheetEvidence,
)
from sharing.attestations.models import (  # noqa: F401
    AnswerReview,
    AnswerValue,
    AttestationAnswer,
    AttestationFollowUp,
    AttestationRequest,
    AttestationStatus,
    EvidenceFile,
    EvidenceType,
)
from sharing.audit.models import AuditEvent  # noqa: F401
from sharing.auth.models import Department, Invitation, Role, SignInFailure, User  # noqa: F401
from sharing.concerns.models import Concern, ConcernAttempt, ConcernNote  # noqa: F401
from sharing.core.models import Setting  # noqa: F401
from sharing.disclosures.models import (  # noqa: F401
    Disclosure,
    DisclosureDayTally,
    Incident,
    IncidentStatus,
    IncidentUpdate,
)
from sharing.disposition.models import (  # noqa: F401
    DirectiveStatus,
    DispositionAction,
    DispositionDirective,
    DispositionElement,
)
from sharing.flows.models import (  # noqa: F401
    DataCategory,
    DataFlow,
    FlowCategory,
    FlowComment,
    FlowStatus,
    RiskTier,
    Sensitivity,
)
from sharing.inbox.models import InboxItem, MailPreference  # noqa: F401
from sharing.mail.models import Notification  # noqa: F401
from sharing.negotiation.models import Deviation, ReturnedCopy  # noqa: F401
from sharing.obligations.models import Obligation, PolicyStatus, PolicyVersion  # noqa: F401
from sharing.register.models import RegisterChange, RegisterEntry  # noqa: F401
from sharing.renewals.models import Reminder  # noqa: F401
from sharing.reports.models import ImportJob, ImportRow, StatusTally  # noqa: F401
from sharing.seal.models import SealCertificate  # noqa: F401
from sharing.signing.models import Party, Signature, SignatureStatus  # noqa: F401
from sharing.vendors.models import Contact, Organisation, OrganisationKind  # noqa: F401
