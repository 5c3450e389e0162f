"""Demo data: review comments, disclosures and incidents."""

from __future__ import annotations

from typing import Any

from sharing.disclosures.models import IncidentStatus

# Comments on flows whose changes were requested: (system, privacy office comment, reply).
REVIEW_COMMENTS: tuple[tuple[str, str, str], ...] = (
    (
        "Vision Zero collision dashboard",
        "A public dashboard does not need exact collision locations. Please snap points to the "
        "nearest intersection and drop precise geolocation, or justify it.",
        "Understood. We will aggregate to intersections and update the category list.",
    ),
    (
        "Mental health crisis co-response referrals",
        "Seven years of retention looks long for referrals. Which schedule item requires it?",
        "",
    ),
    (
        "Youth sports league roster",
        "Coaches do not need medical details beyond allergies and emergency contacts. Please "
        "narrow the health category and add a justification for photos.",
        "",
    ),
    (
        "Low-income rate assistance",
        "Why is the Social Security number needed? Enrollment can be checked with the benefits "
        "case number instead.",
        "We will confirm with the County whether the case number is enough.",
    ),
    (
        "Single sign-on for the resident portal",
        "Please explain why device identifiers are collected and list the identity providers "
        "as subprocessors.",
        "",
    ),
)

DISCLOSURES: tuple[dict[str, Any], ...] = (
    {
        "system": "Registered-owner look-ups",
        "days_ago": 180,
        "recurring": ("monthly", 6, 21),
        "record_count": 3400,
        "purpose": "Monthly batch of plates from unpaid citations, to obtain owners' addresses.",
        "requested_by": "Parking citation processing unit",
        "method": "sftp",
        "categories": ("Vehicle registration details", "Full name", "Home address"),
    },
    {
        "system": "Payroll processing",
        "days_ago": 364,
        "recurring": ("biweekly", 26, 3),
        "record_count": 6800,
        "purpose": "Payroll file for each pay period.",
        "requested_by": "Finance, payroll section",
        "method": "api",
        "categories": ("Employee payroll and tax records", "Social Security number"),
    },
    {
        "system": "Emergency food distribution",
        "days_ago": 90,
        "record_count": 1150,
        "purpose": "List of households registered at three resource centers, to avoid duplicates.",
        "requested_by": "Riverside Community Food Bank",
        "method": "encrypted_email",
        "categories": ("Full name", "Approximate location"),
    },
    {
        "system": "Cooling center heat outreach",
        "days_ago": 120,
        "record_count": 240,
        "purpose": "Names and phone numbers of residents to call during an excessive-heat warning.",
        "requested_by": "County Public Health duty officer",
        "method": "encrypted_email",
        "categories": ("Phone number", "Home address", "Health information"),
        "exempt_reason": (
            "Emergency release to protect life and safety during an excessive-heat warning; "
            "advance notice to the residents was not possible."
        ),
    },
    {
        "system": "Student library cards",
        "days_ago": 12,
        "record_count": 18500,
        "purpose": "Initial load of student records to create library cards.",
        "requested_by": "Library, youth services",
        "method": "sftp",
        "categories": ("Student records", "Full name", "Home address"),
        "flag_reasons": [
            "Includes a category the approved flow does not list: Home address",
            "The agreement was not yet in effect on the disclosure date",
        ],
    },
)

INCIDENTS: tuple[dict[str, Any], ...] = (
    {
        "org": "fleetwise",
        "systems": ("Fleet vehicle telematics",),
        "categories": ("Vehicle location",),
        "title": "Telematics portal exposed driver locations",
        "description": "A misconfigured sharing link let anyone with the URL see live "
        "positions of city vehicles and the names of their drivers.",
        "status": IncidentStatus.CLOSED,
        "days_ago": 210,
        "affected": 312,
        "containment": "Link revoked; all sharing links rotated; vendor suspended pending review.",
    },
    {
        "org": "garcia",
        "systems": ("Bilingual billing call center",),
        "categories": ("Voice recordings", "Utility account and billing"),
        "title": "Call recordings emailed to the wrong customer",
        "description": "An agent attached the wrong customer's call recording to a reply.",
        "status": IncidentStatus.NOTIFIED,
        "days_ago": 45,
        "affected": 1,
        "containment": "Recipient confirmed deletion; attachment sending disabled for agents.",
    },
    {
        "org": "harbor",
        "systems": ("City website hosting and backups",),
        "categories": ("Email address", "IP address and device identifiers"),
        "title": "Ransomware blocked on a backup server",
        "description": "Endpoint protection stopped ransomware on one backup server. The "
        "vendor is checking whether any newsletter subscriber data was copied first.",
        "status": IncidentStatus.INVESTIGATING,
        "days_ago": 6,
        "affected": None,
        "containment": "Server isolated and rebuilt from a clean image.",
    },
    {
        "org": "parkpay",
        "systems": ("Pay-by-phone parking",),
        "categories": ("Vehicle registration details", "Email address"),
        "title": "Receipts showed another driver's plate number",
        "description": "For about two hours, some receipt emails showed the plate number of a "
        "different session.",
        "status": IncidentStatus.REPORTED,
        "days_ago": 1,
        "affected": 86,
        "containment": "",
    },
)
