"""The text of reminder messages: subject, body and the page each one links to. Plain text,
names and numbers only, with a staff link for staff and a portal link for the vendor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app

from sharing.renewals import dates

if TYPE_CHECKING:
    from sharing.renewals.reminders_due import Due

TITLES = {
    "renewal": "Renewal notice",
    "attestation": "Attestation reminder",
    "evidence": "Evidence expiring",
    "incident": "Incident notice deadline",
    "disposition": "Certificate of disposition due",
}
OPENERS = {
    "renewal": "An agreement is coming up for renewal. Decide whether to renew it, and give "
    "notice if it should end.",
    "attestation": "An attestation is due. The organization answers it in the vendor portal.",
    "evidence": "Evidence the organization provided is about to expire. Please upload a current "
    "version.",
    "incident": "The notice deadline of a security incident is near or has passed. Notify the "
    "affected individuals and authorities, and record it in the register.",
    "disposition": "An agreement ended, and the City directed what must happen to its data. "
    "The organization completes and signs the certificate of disposition in the vendor portal "
    "by the due date.",
}


def window_phrase(window: str) -> str:
    if window == dates.OPENS:
        return "the notice window is open"
    if window == "0":
        return "today"
    if window.isdigit():
        return f"in {window} days"
    if window.startswith("overdue-"):
        weeks = int(window.split("-", 1)[1])
        return "overdue" if weeks == 1 else f"overdue ({weeks} weeks)"
    if window == "passed":
        return "the deadline has passed"
    return f"within {window.removesuffix('h')} hours"


def subject_of(due: Due) -> str:
    return (
        f"{TITLES[due.kind]}: {due.label}, {due.deadline_name} {due.target_date.isoformat()} "
        f"({window_phrase(due.window)})"
    )


def object_path(object_type: str, object_id: int, *, audience: str) -> str:
    """The page a reminder links to: the staff page, or the portal page for the vendor."""
    staff = {
        "agreement": f"/agreements/{object_id}",
        "attestation": f"/attestations/{object_id}",
        "evidence": "/attestations/evidence?expiring=1",
        "incident": f"/disclosures/incidents/{object_id}",
        "directive": f"/disposition/{object_id}",
    }
    vendor = {
        "agreement": f"/portal/agreements/{object_id}",
        "attestation": f"/attestations/{object_id}",
        "evidence": "/attestations/evidence?expiring=1",
        "incident": f"/portal/incidents/{object_id}",
        "directive": f"/disposition/{object_id}",
    }
    return (staff if audience == "staff" else vendor)[object_type]


def body_of(due: Due, *, audience: str) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    link = base + object_path(due.object_type, due.object_id, audience=audience)
    return (
        f"{OPENERS[due.kind]}\n\n"
        f"Organization: {due.organisation_name}\n"
        f"About: {due.label}\n"
        f"{due.deadline_name.capitalize()}: {due.deadline_text} ({window_phrase(due.window)})\n\n"
        f"Open it in the register: {link}\n\n"
        "The register sends each reminder once; you will hear again only at the next step.\n"
    )
