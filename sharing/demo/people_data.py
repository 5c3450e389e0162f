"""Demo data: the departments, contact names and sign-in users of the demo set."""

from __future__ import annotations

from typing import Any

from sharing.core.roles import Role

DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("DOT", "Transportation"),
    ("PD", "Police"),
    ("LIB", "Library"),
    ("PRNS", "Parks, Recreation & Neighborhood Services"),
    ("ESD", "Environmental Services"),
    ("ITD", "Information Technology"),
    ("HSG", "Housing"),
    ("DPW", "Public Works"),
)

# Contact names, drawn with the seeded random generator; accents exercise escaping.
FIRST_NAMES = (
    "Ana",
    "Bao",
    "Chioma",
    "Daniel",
    "Élodie",
    "Farah",
    "Gabriel",
    "Hùng",
    "Ingrid",
    "José",
    "Keiko",
    "Lakshmi",
    "Marcus",
    "Nadia",
    "Óscar",
    "Priya",
    "Quentin",
    "Rosa",
    "Siobhán",
    "Tomás",
    "Uma",
    "Valeria",
    "Wei",
    "Yusuf",
    "Zoë",
)
LAST_NAMES = (
    "Alvarez",
    "Brennan",
    "Chen",
    "Dąbrowski",
    "Espinoza",
    "Fitzgerald",
    "Gómez",
    "Haddad",
    "Ibáñez",
    "Jackson",
    "Kowalski",
    "Le",
    "Martínez",
    "Nakamura",
    "O'Neill",
    "Patel",
    "Quiñones",
    "Rahman",
    "Singh",
    "Tran",
    "Underwood",
    "Vásquez",
    "Washington",
    "Yamamoto",
)
CONTACT_TITLES = {
    "signatory": ("Chief Executive Officer", "General Counsel", "Director", "Deputy Director"),
    "privacy": ("Privacy Officer", "Data Protection Officer", "Compliance Manager"),
    "security": ("Chief Information Security Officer", "Security Engineer", "IT Manager"),
    "billing": ("Accounts Receivable", "Finance Manager", "Contracts Administrator"),
}

# Known demo passwords: this data set exists to be signed into, never for production.
DEMO_USERS: tuple[dict[str, Any], ...] = (
    {
        "email": "admin@demo.sharing.test",
        "name": "Avery Admin",
        "role": Role.ADMIN,
        "password": "demo-admin-2026",
        "department": "ITD",
    },
    {
        "email": "procurement@demo.sharing.test",
        "name": "Pat Procurement",
        "role": Role.PROCUREMENT,
        "password": "demo-procurement-2026",
        "department": "DPW",
    },
    {
        "email": "privacy@demo.sharing.test",
        "name": "Priya Privacy",
        "role": Role.PRIVACY,
        "password": "demo-privacy-2026",
        "department": "ITD",
        "may_sign": True,  # countersigns for the City
    },
    {
        "email": "vendor@demo.sharing.test",
        "name": "Valeria Vendor",
        "role": Role.VENDOR,
        "password": "demo-vendor-2026",
        "organisation": "parkpay",
        "may_sign": True,  # signs for ParkPay
    },
)
