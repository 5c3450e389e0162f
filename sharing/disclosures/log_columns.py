"""The columns of a disclosure-log import file: headers, synonyms, help and example values.

A flow is named as the registry import and export name it: organisation and system name.
The request document cannot come by file; it is attached to the entry afterwards.
"""

from __future__ import annotations

from sharing.core.columns import Column, enum_column
from sharing.flows.models import Frequency, TransferMethod

DISCLOSURE_COLUMNS: tuple[Column, ...] = (
    Column(
        "organisation",
        "Organization",
        ("Organization name", "Legal name", "Vendor", "Recipient", "Disclosed to"),
        "text",
        "Legal name of the organization that received the data, as registered.",
        "Acme Transit Analytics, Inc.",
        required=True,
    ),
    Column(
        "system_name",
        "System name",
        ("Flow", "Data flow", "Flow name", "System"),
        "text",
        "The approved flow the data went through, by its system name in the registry.",
        "Parking sensor platform",
        required=True,
    ),
    Column(
        "disclosed_on",
        "Date disclosed",
        ("Date of disclosure", "Disclosure date", "Disclosed on", "Date", "First date"),
        "date",
        "When the data was released; for a recurring disclosure, the first date.",
        "2026-03-02",
        required=True,
    ),
    Column(
        "categories",
        "Categories",
        ("Categories of data", "Data categories", "Category"),
        "list",
        "Categories of data released, separated by semicolons; only the flow's categories.",
        "Contact details; Vehicle location",
        required=True,
    ),
    Column(
        "record_count",
        "Records or individuals",
        ("Number of records", "Records", "Individuals", "Record count", "Count"),
        "int",
        "How many records or individuals the release covered.",
        "120",
    ),
    Column(
        "purpose",
        "Purpose",
        ("Purpose of disclosure", "Reason"),
        "text",
        "Why the data was released; one of the flow's agreed purposes, or it is flagged.",
        "Deliver the contracted service",
        required=True,
    ),
    Column(
        "legal_authority",
        "Legal authority",
        ("Authority", "Legal basis"),
        "text",
        "The law, contract clause or order that allows the release.",
        "Municipal code 12.4",
    ),
    Column(
        "requested_by",
        "Requested by",
        ("Requester", "Requested"),
        "text",
        "The person or office that asked for the data.",
        "Vendor operations",
    ),
    Column(
        "authorized_by",
        "Authorized by",
        ("Authorised by", "Authorized by email", "Approver", "Approved by"),
        "text",
        "Optional: the email address of the staff member who authorized the release.",
        "privacy.officer@city.example",
    ),
    enum_column(
        "method",
        "Method",
        TransferMethod,
        ("Transfer method", "How"),
        "How the data was released.",
        "SFTP",
    ),
    Column(
        "is_recurring",
        "Recurring",
        ("Recurring disclosure", "Is recurring", "Repeats"),
        "bool",
        "Yes for a regular release such as a daily feed; it is kept as one summary entry.",
        "No",
    ),
    enum_column(
        "frequency",
        "Frequency",
        Frequency,
        ("How often",),
        "Required when Recurring is yes.",
        "Daily",
    ),
    Column(
        "exempt",
        "Exempt",
        ("Exempt disclosure", "Is exempt"),
        "bool",
        "Yes for a Public Records Act release or internal need-to-know.",
        "No",
    ),
    Column(
        "exempt_reason",
        "Exempt reason",
        ("Reason for exemption", "Exemption reason", "Reason exempt"),
        "text",
        "Required when Exempt is yes.",
        "",
    ),
)
