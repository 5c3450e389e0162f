"""What a directive tells the vendor to do with each data category of a flow: whether the data
are City records, which action that allows, and how each action is carried out.

Pure rules with no database, so that issuing a directive, the office's edits and the tests all
read the same answers. Sources:

- Return or destruction at the end: policy obligation RET-2 ("Return or destroy everything at
  the end"), from the Digital Privacy Principles' practice of defined retention periods.
- Destruction: NIST Special Publication 800-88 Revision 1, "Guidelines for Media Sanitization"
  (December 2014), section 2.5 (the three kinds of sanitization: Clear, Purge, Destroy) and
  figure 4-1 (choosing one by the information's confidentiality and whether the media leave
  the organization's control).
- De-identification: NIST Special Publication 800-188, "De-Identifying Government Datasets",
  and, for health information, the HIPAA Privacy Rule's de-identification standard, 45 CFR
  164.514(a)-(b) (Safe Harbor or Expert Determination).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sharing.disposition.models import DispositionAction
from sharing.flows.models import Direction, Sensitivity, TransferMethod

# The days allowed when an agreement states no termination_return_days (RET-2's default).
DEFAULT_RETURN_DAYS = 30

CLEAR = (
    "NIST SP 800-88 Clear: overwrite every place the data can be written or read through the "
    "system's normal interfaces (files, databases, logs, exports) with non-sensitive values, "
    "or use the product's own secure delete for those places. The storage may be reused; the "
    "data cannot be read back with ordinary tools."
)
PURGE = (
    "NIST SP 800-88 Purge: cryptographic erase (destroy every key that encrypts the data, in "
    "primary storage and backups), or the storage device's own sanitize or block-erase command, "
    "or degaussing for magnetic media. The storage may be reused, and not even a laboratory can "
    "recover the data."
)
DESTROY = (
    "NIST SP 800-88 Destroy: purge the data first, then physically shred, disintegrate, "
    "pulverize or incinerate every disk, tape or device that held it and that the vendor or its "
    "subprocessors control. The media can never be used again. Where the data sit on a cloud "
    "provider's shared storage that cannot be destroyed, purge it by cryptographic erase and "
    "say so in the certificate."
)

# What each confidentiality level of a category needs (SP 800-88 figure 4-1: the higher the
# confidentiality, the stronger the method, and media leaving the vendor's use need at least
# Purge). Public and internal data are rarely sensitive enough to need more than Clear.
SANITIZATION: dict[Sensitivity, str] = {
    Sensitivity.PUBLIC: CLEAR,
    Sensitivity.INTERNAL: CLEAR,
    Sensitivity.CONFIDENTIAL: PURGE,
    Sensitivity.RESTRICTED: DESTROY,
}

# Categories whose disclosure harms people most are destroyed, whatever their stated level.
SPECIAL_FOR_DESTRUCTION = (
    "is_health",
    "is_ssn",
    "is_biometric",
    "is_criminal_justice",
    "is_minors",
    "is_financial",
)

DEIDENTIFY_HEALTH = (
    "The HIPAA de-identification standard (45 CFR 164.514(b)): either remove all eighteen "
    "Safe Harbor identifiers (names, addresses below the state, dates other than the year, "
    "contact numbers, record and account numbers, photographs and the rest) and have no actual "
    "knowledge that what remains identifies anyone, or obtain an expert's written "
    "determination that the risk of identifying anyone is very small. Keep no key that links "
    "the records back to people."
)
DEIDENTIFY = (
    "De-identify as NIST SP 800-188 describes: remove direct identifiers (names, addresses, "
    "contact details, account and record numbers), generalize or suppress the remaining "
    "details that could single a person out (dates, places, rare values), check the result's "
    "risk of re-identification and keep a written record of the method. Keep no key that links "
    "the records back to people."
)

RETURN_CHANNEL: dict[TransferMethod, str] = {
    TransferMethod.API: "through the same API the flow used, or as a file export the City "
    "downloads",
    TransferMethod.SFTP: "to the City's SFTP server the flow used",
    TransferMethod.PORTAL_UPLOAD: "by upload to the City's portal the flow used",
    TransferMethod.ENCRYPTED_EMAIL: "as an encrypted file, with the password sent separately",
    TransferMethod.DIRECT_DATABASE: "as a database export handed to the City's system owner",
    TransferMethod.VENDOR_COLLECTS: "as a file export delivered through a secure channel the "
    "City names",
    TransferMethod.PHYSICAL_MEDIA: "on encrypted physical media delivered to the City by hand "
    "or tracked courier",
    TransferMethod.OTHER: "through a secure channel the City names",
}


@dataclass(frozen=True)
class Instruction:
    """What the directive says about one category of one flow."""

    city_records: bool
    action: DispositionAction
    method: str


def are_city_records(*, direction: Direction | str, transfer_method: TransferMethod | str) -> bool:
    """Whether a flow's data are City records, which the City may not have destroyed before its
    own retention period ends without its written authorization (California Government Code
    section 34090 lets a city department destroy a record only with its council's approval
    and the city attorney's written consent, and never one less than two years old).

    The data are the City's records when the City sent them (an outbound flow, or a flow in
    both directions) or when the vendor collected them for the City (the vendor-collects
    transfer method: the vendor gathers them on the City's behalf). Data that only flow from
    the vendor to the City are the City's in the City's own copy; the vendor's copy is its own.
    """
    if Direction(direction) in (Direction.OUTBOUND, Direction.BOTH):
        return True
    return TransferMethod(transfer_method) == TransferMethod.VENDOR_COLLECTS


def allowed_actions(*, city_records: bool, authorized: bool) -> tuple[DispositionAction, ...]:
    """Records law: City records are returned unless the City authorized their destruction in
    writing; once authorized, or for data that are not City records, the office may choose."""
    if city_records and not authorized:
        return (DispositionAction.RETURN,)
    return tuple(DispositionAction)


def destruction_method(category: Any) -> str:
    """The SP 800-88 method for a category (anything with `sensitivity` and the special flags
    of DataCategory)."""
    if any(getattr(category, flag, False) for flag in SPECIAL_FOR_DESTRUCTION):
        return DESTROY
    return SANITIZATION[Sensitivity(category.sensitivity)]


def return_method(transfer_method: TransferMethod | str, category: Any) -> str:
    """How the data go back: a usable format, the flow's own channel, then the vendor's
    remaining copies sanitized once the City confirms it received them."""
    channel = RETURN_CHANNEL[TransferMethod(transfer_method)]
    sanitize = destruction_method(category).split(":", 1)[0]
    return (
        "Return a complete copy in a usable, machine-readable format (the system's standard "
        f"export, or CSV with a description of each field) {channel}. Once the City confirms "
        f"it received it, remove the vendor's remaining copies by {sanitize}."
    )


def deidentification_method(category: Any) -> str:
    return DEIDENTIFY_HEALTH if getattr(category, "is_health", False) else DEIDENTIFY


def method_for(action: DispositionAction, *, flow: Any, category: Any) -> str:
    """The default method of `action` for one category of one flow."""
    if action == DispositionAction.RETURN:
        return return_method(flow.transfer_method, category)
    if action == DispositionAction.DEIDENTIFY:
        return deidentification_method(category)
    return destruction_method(category)


def instruction_for(*, flow: Any, category: Any) -> Instruction:
    """What a new directive says: City records go back to the City; other data are destroyed
    by the method their sensitivity needs."""
    city_records = are_city_records(direction=flow.direction, transfer_method=flow.transfer_method)
    action = DispositionAction.RETURN if city_records else DispositionAction.DESTROY
    return Instruction(city_records, action, method_for(action, flow=flow, category=category))


def subprocessor_names(subprocessors: list[dict[str, Any]] | None) -> list[str]:
    """The names of a flow's subprocessors, in the flow's order, without blanks or repeats."""
    names: list[str] = []
    for row in subprocessors or []:
        name = str((row or {}).get("name") or "").strip()
        if name and name not in names:
            names.append(name)
    return names


def return_days(parameters: dict[str, Any] | None) -> int:
    """The agreement's termination_return_days (RET-2), or the policy's default."""
    value = (parameters or {}).get("termination_return_days")
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_RETURN_DAYS
    return days if days > 0 else DEFAULT_RETURN_DAYS
