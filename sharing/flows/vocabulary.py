"""The standard vocabulary of personal data categories a city shares, and how to install it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, scoped_session

from sharing.flows.models import DataCategory, Sensitivity

PUBLIC = Sensitivity.PUBLIC
INTERNAL = Sensitivity.INTERNAL
CONFIDENTIAL = Sensitivity.CONFIDENTIAL
RESTRICTED = Sensitivity.RESTRICTED

# Each entry holds DataCategory column values; special flags not given are False.
CATEGORIES: tuple[dict[str, Any], ...] = (
    # Identity and contact
    {
        "name": "Full name",
        "description": "A person's first and last name, including preferred names.",
        "sensitivity": INTERNAL,
    },
    {
        "name": "Email address",
        "description": "Personal or work email addresses used to contact someone.",
        "sensitivity": INTERNAL,
    },
    {
        "name": "Phone number",
        "description": "Landline or mobile numbers, including numbers used for text alerts.",
        "sensitivity": INTERNAL,
    },
    {
        "name": "Home address",
        "description": "Residential street address, including mailing addresses of residents.",
        "sensitivity": CONFIDENTIAL,
    },
    {
        "name": "Date of birth",
        "description": "Full date of birth, or age precise enough to single someone out.",
        "sensitivity": CONFIDENTIAL,
    },
    {
        "name": "Social Security number",
        "description": "Full or partial SSN, or an ITIN used in its place.",
        "sensitivity": RESTRICTED,
        "is_ssn": True,
    },
    {
        "name": "Driver's license number",
        "description": "Driver's license or state identification card number.",
        "sensitivity": RESTRICTED,
    },
    {
        "name": "Other government identifiers",
        "description": "Passport, consular ID, military ID or similar document numbers.",
        "sensitivity": RESTRICTED,
    },
    {
        "name": "Signature",
        "description": "Handwritten or electronic signatures on forms and applications.",
        "sensitivity": CONFIDENTIAL,
    },
    {
        "name": "Emergency contact details",
        "description": "Names and phone numbers of people to call in an emergency.",
        "sensitivity": CONFIDENTIAL,
    },
    {
        "name": "Language preference",
        "description": "The language a person asks to be served in.",
        "sensitivity": INTERNAL,
    },
    # Vehicles and location
    {
        "name": "License-plate reads",
        "description": "Plate numbers captured by cameras, with the time and place of each read.",
        "sensitivity": RESTRICTED,
        "is_licence_plate": True,
        "is_precise_location": True,
    },
    {
        "name": "Vehicle registration details",
        "description": "Plate number, make, model and registered owner of a vehicle.",
        "sensitivity": CONFIDENTIAL,
        "is_licence_plate": True,
    },
    {
        "name": "Vehicle location",
        "description": "GPS positions of a vehicle over time, from telematics or parking sessions.",
        "sensitivity": RESTRICTED,
        "is_precise_location": True,
    },
    {
        "name": "Precise geolocation",
        "description": "A person's location to within about 500 meters, from a phone or app.",
        "sensitivity": RESTRICTED,
        "is_precise_location": True,
    },
    {
        "name": "Trip and mobility data",
        "description": "Origins, destinations and routes of trips on scooters, bikes or transit.",
        "sensitivity": RESTRICTED,
        "is_precise_location": True,
    },
    {
        "name": "Approximate location",
        "description": "ZIP code, council district or neighborhood, without a street address.",
        "sensitivity": INTERNAL,
    },
    # Images and bodies
    {
        "name": "Video and images of people",
        "description": "Photos and video in which people can be recognized, e.g. camera footage.",
        "sensitivity": RESTRICTED,
    },
    {
        "name": "Biometric identifiers",
        "description": "Face geometry, fingerprints, voiceprints or other body measurements.",
        "sensitivity": RESTRICTED,
        "is_biometric": True,
    },
    {
        "name": "Voice recordings",
        "description": "Recorded phone calls and voicemail, such as calls to a service center.",
        "sensitivity": CONFIDENTIAL,
    },
    # Health and circumstances
    {
        "name": "Health information",
        "description": "Medical conditions, diagnoses, test results or treatment.",
        "sensitivity": RESTRICTED,
        "is_health": True,
    },
    {
        "name": "Disability status",
        "description": "Disability, accessibility needs and requested accommodations.",
        "sensitivity": RESTRICTED,
        "is_health": True,
    },
    {
        "name": "Behavioral health and substance use",
        "description": "Mental health or substance use information, including referrals.",
        "sensitivity": RESTRICTED,
        "is_health": True,
    },
    {
        "name": "Housing and homelessness services records",
        "description": "Shelter stays, housing applications and case notes from outreach.",
        "sensitivity": RESTRICTED,
    },
    {
        "name": "Immigration status",
        "description": "Citizenship, visa or immigration status, or information that reveals it.",
        "sensitivity": RESTRICTED,
    },
    {
        "name": "Race and ethnicity",
        "description": "Self-reported race or ethnicity, collected for equity analysis.",
        "sensitivity": RESTRICTED,
    },
    {
        "name": "Gender identity and sexual orientation",
        "description": "Gender, pronouns or sexual orientation a person discloses.",
        "sensitivity": RESTRICTED,
    },
    # Money
    {
        "name": "Payment card data",
        "description": "Card numbers, expiration dates and card verification codes.",
        "sensitivity": RESTRICTED,
        "is_financial": True,
    },
    {
        "name": "Bank account details",
        "description": "Account and routing numbers for direct debit or deposit.",
        "sensitivity": RESTRICTED,
        "is_financial": True,
    },
    {
        "name": "Income and household finances",
        "description": "Income, household size and assets, e.g. for fee waivers or programs.",
        "sensitivity": CONFIDENTIAL,
        "is_financial": True,
    },
    {
        "name": "Public benefits eligibility",
        "description": "Enrollment in benefits such as CalFresh or utility discounts.",
        "sensitivity": CONFIDENTIAL,
        "is_financial": True,
    },
    {
        "name": "Utility account and billing",
        "description": "Account numbers, balances, payment history and shut-off notices.",
        "sensitivity": CONFIDENTIAL,
        "is_financial": True,
    },
    {
        "name": "Utility usage",
        "description": "Water or energy consumption, which can reveal when a home is occupied.",
        "sensitivity": CONFIDENTIAL,
    },
    # City services and records
    {
        "name": "Permit and case records",
        "description": "Applications, inspections and decisions on permits and licenses.",
        "sensitivity": INTERNAL,
    },
    {
        "name": "Service requests",
        "description": "311 requests and the contact details of the people who filed them.",
        "sensitivity": INTERNAL,
    },
    {
        "name": "Code enforcement complaints",
        "description": "Complaints about properties, including the complainant's identity.",
        "sensitivity": CONFIDENTIAL,
    },
    {
        "name": "Library borrowing history",
        "description": "Items a patron borrowed, reserved or searched for.",
        "sensitivity": CONFIDENTIAL,
    },
    {
        "name": "Criminal-justice records",
        "description": "Arrests, citations, charges, convictions and probation status.",
        "sensitivity": RESTRICTED,
        "is_criminal_justice": True,
    },
    {
        "name": "Police incident reports",
        "description": "Reports and evidence logs that name victims, witnesses or suspects.",
        "sensitivity": RESTRICTED,
        "is_criminal_justice": True,
    },
    # Children and students
    {
        "name": "Student records",
        "description": "K-12 enrollment, attendance and education records protected by FERPA.",
        "sensitivity": RESTRICTED,
        "is_minors": True,
    },
    {
        "name": "Minors' data",
        "description": "Any personal information about a person under 18.",
        "sensitivity": RESTRICTED,
        "is_minors": True,
    },
    # Online
    {
        "name": "IP address and device identifiers",
        "description": "IP addresses, advertising IDs, device serial numbers and cookies.",
        "sensitivity": INTERNAL,
    },
    {
        "name": "Web analytics",
        "description": "Pages viewed, clicks and session lengths on city websites and apps.",
        "sensitivity": INTERNAL,
    },
    {
        "name": "Social-login identifiers",
        "description": "Account IDs from Google, Apple or Facebook used to sign in.",
        "sensitivity": INTERNAL,
    },
    {
        "name": "Account credentials",
        "description": "Usernames, password hashes and security questions.",
        "sensitivity": CONFIDENTIAL,
    },
    # Employees
    {
        "name": "Employee HR records",
        "description": "Job history, performance reviews, leave and discipline of city staff.",
        "sensitivity": CONFIDENTIAL,
    },
    {
        "name": "Employee payroll and tax records",
        "description": "Salary, deductions, W-4 and W-2 data of city staff.",
        "sensitivity": RESTRICTED,
        "is_financial": True,
    },
    # Aggregates
    {
        "name": "Aggregated statistics",
        "description": "Counts and averages that cannot be traced back to a person.",
        "sensitivity": PUBLIC,
    },
)

# Names the vocabulary shipped with before it was written in American English. Spreadsheets
# made then still name categories this way, so imports read each as the category it became.
FORMER_NAMES = {
    "Driver's licence number": "Driver's license number",
    "Licence-plate reads": "License-plate reads",
    "Behavioural health and substance use": "Behavioral health and substance use",
}


def ensure_vocabulary(session: Session | scoped_session) -> int:
    """Add the categories whose names are missing; return how many were added. No commit."""
    existing = set(session.scalars(select(DataCategory.name)))
    missing = [entry for entry in CATEGORIES if entry["name"] not in existing]
    session.add_all(DataCategory(**entry) for entry in missing)
    session.flush()
    return len(missing)
