"""Demo data: the wording that fills in a flow (legal authority, justifications, notices)."""

from __future__ import annotations

LEGAL_AUTHORITY: dict[str, str] = {
    "DOT": "Municipal Code Title 11 (Vehicles and Traffic); Cal. Vehicle Code §§ 22508 and 40200",
    "PD": "Cal. Penal Code § 830.1; City Council resolution on surveillance technology use",
    "LIB": "Cal. Education Code § 18910; Cal. Gov. Code § 7927.105 (library records)",
    "PRNS": "Municipal Code Title 13 (Parks); City Charter § 1000",
    "ESD": "Municipal Code Chapter 9.10 (Solid Waste) and Chapter 15.10 (Recycled Water)",
    "ITD": "City Charter § 800; services contract approved by City Council",
    "HSG": "Municipal Code Chapter 17.23 (Apartment Rent Ordinance); Cal. Health & Safety Code",
    "DPW": "Municipal Code Title 13 (Streets); Cal. Streets & Highways Code § 1460",
}

# Why a category is needed, used as the FlowCategory justification.
JUSTIFICATIONS: dict[str, str] = {
    "Full name": "Identifies the person the record is about when they contact the service.",
    "Email address": "Sends confirmations, receipts and service notices.",
    "Phone number": "Reaches the person by call or text about their request.",
    "Home address": "Needed to deliver the service at, or mail notices to, the residence.",
    "Date of birth": "Confirms identity and age eligibility.",
    "Social Security number": "Required by federal law for tax reporting.",
    "Driver's license number": "Matches the registered owner in the state record.",
    "License-plate reads": "The plate is the only way to match a vehicle to the alert or notice.",
    "Vehicle registration details": "Links the vehicle to the person responsible for it.",
    "Vehicle location": "Shows where a session or trip took place.",
    "Precise geolocation": "Sends crews to the exact spot reported.",
    "Video and images of people": "The footage or photo is the evidence the service relies on.",
    "Payment card data": "Takes payment; handled only by a PCI-compliant processor.",
    "Bank account details": "Sets up direct debit or deposit.",
    "Income and household finances": "Determines eligibility for a reduced rate or program.",
    "Health information": "Lets responders and clinicians give appropriate care.",
    "Minors' data": "Children are among the people the service is for.",
    "Library borrowing history": "Tracks loans and returns; purged once an item is returned.",
    "Service requests": "The request itself is what the vendor processes.",
    "IP address and device identifiers": "Needed for security logging and abuse prevention.",
    "Web analytics": "Shows which pages work, so that they can be improved.",
    "Language preference": "Serves the person in the language they asked for.",
    "Aggregated statistics": "Published results contain only counts and averages.",
}

NOTICE_METHODS = (
    "Notice on the web form and in the app before submission",
    "Signs at the point of collection, in English, Spanish and Vietnamese",
    "Privacy notice printed on the application form",
    "Verbal notice read by staff at the start of each call",
)

DISPOSAL_METHODS = (
    "Cryptographic erasure, with a certificate to the City",
    "Secure deletion following NIST SP 800-88",
    "Returned to the City, then deleted",
)

EQUITY_NOTE = (
    "Materials in English, Spanish, Vietnamese and Chinese; outcomes reviewed by council "
    "district so that no neighborhood is over- or under-served."
)

PUBLICATION_EXEMPTION = (
    "Withheld from the public register while the evidence-handling review is open; "
    "to be listed once it closes."
)
