"""The agreement lifecycle's transition table: each step people (or the daily roll) take,
from which statuses, to which, by which roles, and what the audit trail calls it. lifecycle.py
takes the steps; pages read the labels, confirmations and forms from here."""

from __future__ import annotations

from dataclasses import dataclass

from sharing.agreements.models import Agreement, AgreementStatus
from sharing.core.roles import Role

S = AgreementStatus


@dataclass(frozen=True)
class Transition:
    label: str
    sources: frozenset[AgreementStatus]
    target: AgreementStatus
    roles: frozenset[str]  # empty: only the daily roll takes this step
    event: str  # the audit action
    confirm: str = ""  # asked in the browser before posting
    style: str = "primary"
    page: str = ""  # the endpoint of the form this step needs, if it needs more than a click
    done: str = ""  # what the person who took the step is told: {number}

    def done_message(self, agreement: Agreement) -> str:
        return self.done.format(number=agreement.number)


TRANSITIONS: dict[str, Transition] = {
    "send_for_signature": Transition(
        "Send for signature",
        frozenset({S.GENERATED}),
        S.SENT_FOR_SIGNATURE,
        frozenset(Role.OFFICE),
        "agreement.sent_for_signature",
        page="signing.send",
        done="Agreement {number} is sent for signature.",
    ),
    "withdraw_signature": Transition(
        "Take back from signature",
        frozenset({S.SENT_FOR_SIGNATURE}),
        S.GENERATED,
        frozenset(Role.OFFICE),
        "agreement.signature_withdrawn",
        confirm="Take this agreement back from signature? It can then be changed; signatures "
        "given on it lapse once it is generated or sent again.",
        style="outline-secondary",
        done="Agreement {number} is taken back from signature.",
    ),
    "decline_signature": Transition(
        "Decline to sign",
        frozenset({S.SENT_FOR_SIGNATURE}),
        S.GENERATED,
        frozenset({Role.VENDOR}),
        "agreement.signature_declined",
        page="signing.decline",
        done="You declined to sign agreement {number}.",
    ),
    "return_for_changes": Transition(
        "Return a marked-up copy",
        frozenset({S.SENT_FOR_SIGNATURE}),
        S.GENERATED,
        frozenset({Role.VENDOR}),
        "agreement.returned_for_changes",
        page="signing.agreement",
        done="Agreement {number} is returned to the City with your changes.",
    ),
    "countersign": Transition(
        "Countersign",
        frozenset({S.SENT_FOR_SIGNATURE}),
        S.EXECUTED,
        frozenset(Role.OFFICE),
        "agreement.countersigned",
        style="success",
        page="signing.countersign",
        done="Agreement {number} is signed by both parties and sealed; it is executed.",
    ),
    "execute": Transition(
        "Record the signed agreement",
        frozenset({S.SENT_FOR_SIGNATURE}),
        S.EXECUTED,
        frozenset(Role.STAFF),
        "agreement.executed",
        style="success",
        page="agreements.execute",
        done="Signed agreement {number} recorded; the agreement is executed.",
    ),
    "activate": Transition(
        "Activate",
        frozenset({S.EXECUTED}),
        S.ACTIVE,
        frozenset(Role.OFFICE),
        "agreement.activated",
        done="Agreement {number} is active.",
    ),
    "mark_expiring": Transition(
        "Mark as expiring",
        frozenset({S.ACTIVE}),
        S.EXPIRING,
        frozenset(),
        "agreement.expiring",
        done="Agreement {number} is marked as expiring.",
    ),
    "expire": Transition(
        "Expire",
        frozenset(S.IN_FORCE),
        S.EXPIRED,
        frozenset(),
        "agreement.expired",
        done="Agreement {number} has expired.",
    ),
    "renew": Transition(
        "Record the renewal",
        frozenset(S.IN_FORCE),
        S.RENEWED,
        frozenset(Role.OFFICE),
        "agreement.renewed",
        page="agreements.renew",
        done="Agreement {number} is renewed.",
    ),
    "terminate": Transition(
        "Terminate",
        frozenset(S.NOT_ENDED),
        S.TERMINATED,
        frozenset(Role.OFFICE),
        "agreement.terminated",
        confirm="Terminate this agreement? The data sharing it covers must stop.",
        style="outline-danger",
        page="agreements.terminate",
        done="Agreement {number} is terminated.",
    ),
}

# Steps whose page calls its own service (which records more than the status); the one-click
# step route refuses them.
SERVICE_STEPS = frozenset(
    {"execute", "send_for_signature", "decline_signature", "return_for_changes", "countersign"}
)
