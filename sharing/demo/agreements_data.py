"""Demo data: which organisations hold agreements, in which status, and their attestations."""

from __future__ import annotations

from sharing.agreements.models import AgreementStatus
from sharing.attestations.models import AttestationStatus
from sharing.demo.specs import AgreementSpec, AttestationSpec

A = AgreementStatus
S = AttestationStatus

# A RENEWED agreement also gets an ACTIVE successor, which becomes the organisation's current one.
# Plate numbers inside payment and registration records are not camera reads, but LPR-1's
# deletion limit covers any license-plate category, so the office accepted those on the record.
PARKPAY_PLATES = (
    "Plate numbers here are part of parking payment and citation records, not camera reads; "
    "the City's records schedule keeps citation records for three years."
)
DMV_PLATES = (
    "The State DMV is the registry of record for vehicle registrations; the look-up results "
    "are citation records that the State's own retention law governs."
)
AGREEMENTS: tuple[AgreementSpec, ...] = (
    AgreementSpec("parkpay", A.ACTIVE, accepted=(("surveillance_retention", PARKPAY_PLATES),)),
    # The camera program keeps plate reads 60 days, so its agreement sets LPR-1's limit there.
    AgreementSpec("safestreets", A.EXPIRING, parameters=(("surveillance_retention_days", 60),)),
    AgreementSpec("dmv", A.ACTIVE, accepted=(("surveillance_retention", DMV_PLATES),)),
    AgreementSpec("transit", A.DRAFT),
    AgreementSpec("plateguard", A.ACTIVE, breach_notice_hours=24),
    AgreementSpec("brightline", A.RENEWED, breach_notice_hours=24),
    AgreementSpec("linguabridge", A.SENT_FOR_SIGNATURE),
    AgreementSpec("shelfwise", A.ACTIVE),
    AgreementSpec("school_district", A.EXECUTED),
    AgreementSpec("harbor", A.EXPIRING, breach_notice_hours=48),
    AgreementSpec("food_bank", A.GENERATED),
    AgreementSpec("county_health", A.ACTIVE),
    AgreementSpec("aquabill", A.ACTIVE),
    AgreementSpec("garcia", A.EXPIRED),
    AgreementSpec("civicconnect", A.ACTIVE),
    AgreementSpec("keystone", A.ACTIVE, breach_notice_hours=48),
    AgreementSpec("legal_aid", A.TERMINATED),
    AgreementSpec("permitflow", A.ACTIVE),
    AgreementSpec("policy_institute", A.DRAFT),
    AgreementSpec("youth", A.SENT_FOR_SIGNATURE),
)

TERMINATION_REASON = (
    "The nonprofit's grant ended and the referral program moved to the County; both parties "
    "agreed to end the agreement early. A deletion certificate was received."
)

# Negative due_in_days are in the past: open requests there are overdue.
ATTESTATIONS: tuple[AttestationSpec, ...] = (
    AttestationSpec("parkpay", S.ACCEPTED, -300),
    AttestationSpec("parkpay", S.PENDING, 25),
    AttestationSpec("plateguard", S.PENDING, -20),
    AttestationSpec("dmv", S.ACCEPTED, -120),
    AttestationSpec("shelfwise", S.IN_PROGRESS, -5),
    AttestationSpec("county_health", S.SUBMITTED, -10),
    AttestationSpec("aquabill", S.RETURNED, -15),
    AttestationSpec("civicconnect", S.PENDING, 40),
    AttestationSpec("keystone", S.SUBMITTED, 5),
    AttestationSpec("permitflow", S.ACCEPTED, -200),
    AttestationSpec("brightline", S.PENDING, 60),
    AttestationSpec("safestreets", S.ACCEPTED, -30),
    AttestationSpec("garcia", S.ACCEPTED, -400),
)

# Answers that are not a plain "yes", keyed by obligation code, with the vendor's explanation.
EXCEPTIONS: dict[str, tuple[str, str]] = {
    "BRN-1": ("not_applicable", "No security incident affected City data during the period."),
    "SEC-2": ("no", "Encryption at rest for the legacy archive is scheduled for next quarter."),
}
RETURN_COMMENT = "Please attach the deletion certificate for records past their retention period."
