"""The rules every organisation and contact write goes through: pure functions, no database."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from sharing.core.countries import UNKNOWN_COUNTRY, country_code
from sharing.vendors.models import ContactRole, OrganisationKind, OrganisationStatus

ORGANISATION_FIELDS: tuple[str, ...] = (
    "kind",
    "legal_name",
    "common_name",
    "ein",
    "duns",
    "state_registration",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "website",
    "privacy_policy_url",
    "dpa_url",
    "subprocessor_list_url",
    "certifications",
    "status",
    "notes",
    "parent_id",
)
IDENTIFIER_FIELDS = ("legal_name", "ein", "duns", "state_registration")
URL_FIELDS = ("website", "privacy_policy_url", "dpa_url", "subprocessor_list_url")
TEXT_LIMITS = {
    "legal_name": 200,
    "common_name": 200,
    "state_registration": 64,
    "address_line1": 200,
    "address_line2": 200,
    "city": 100,
    "region": 100,
    "postal_code": 20,
    "notes": 10_000,
    **dict.fromkeys(URL_FIELDS, 500),
}
NULLABLE_TEXT = ("ein", "duns", "state_registration")
MAX_CERTIFICATIONS = 30
MAX_CERTIFICATION_LENGTH = 80

CONTACT_FIELDS: tuple[str, ...] = ("name", "title", "email", "phone", "role")
CONTACT_LIMITS = {"name": 120, "title": 120, "email": 254, "phone": 40}

_EIN = re.compile(r"\d{2}-\d{7}")
_DUNS = re.compile(r"\d{9}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_SEPARATORS = re.compile(r"[\s-]+")
_LIST_SPLIT = re.compile(r"[,;\n]")


# Normalising -------------------------------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _enum(enum_cls: type[enum.Enum]):
    """Accept a member, its value or its label ("Public agency"); unknown text stays as is."""

    def clean(value: Any):
        if isinstance(value, enum_cls) or value is None:
            return value
        text = _text(value)
        if not text:
            return None
        key = _SEPARATORS.sub("_", text.lower())
        try:
            return enum_cls(key)
        except ValueError:
            return text

    return clean


def _ein(value: Any) -> str | None:
    text = _text(value)
    compact = _SEPARATORS.sub("", text)
    if compact.isdigit() and len(compact) == 9:
        return f"{compact[:2]}-{compact[2:]}"
    return text or None


def _duns(value: Any) -> str | None:
    text = _text(value)
    compact = _SEPARATORS.sub("", text)
    return (compact if compact.isdigit() else text) or None


def _optional_text(value: Any) -> str | None:
    return _text(value) or None


def _country(value: Any) -> str:
    text = _text(value)
    return country_code(text) or text  # unmatched text is kept so the error can show it


def _url(value: Any) -> str:
    text = _text(value)
    if text and "://" not in text and "." in text and not re.search(r"\s", text):
        return f"https://{text}"  # "www.example.org" is what people type
    return text


def _certifications(value: Any) -> list[str] | Any:
    if value is None:
        return []
    items = _LIST_SPLIT.split(value) if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        return value
    seen: dict[str, None] = {}
    for item in items:
        text = _text(item)
        if text and text.casefold() not in {s.casefold() for s in seen}:
            seen[text] = None
    return list(seen)


def _parent_id(value: Any) -> int | None | Any:
    if value is None or isinstance(value, int):
        return value
    text = _text(value)
    if not text or text == "None":
        return None
    return int(text) if text.isdigit() else text


_CLEANERS = {
    "kind": _enum(OrganisationKind),
    "status": _enum(OrganisationStatus),
    "ein": _ein,
    "duns": _duns,
    "state_registration": _optional_text,
    "country": _country,
    "certifications": _certifications,
    "parent_id": _parent_id,
    **dict.fromkeys(URL_FIELDS, _url),
}


def clean_organisation_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The given organisation fields, trimmed and normalised; other keys are dropped.

    Idempotent: EINs get their hyphen, DUNS keep leading zeros, countries are upper case,
    kinds and statuses become enum members when they name one.
    """
    return {
        name: _CLEANERS.get(name, _text)(values[name])
        for name in ORGANISATION_FIELDS
        if name in values
    }


# Checking ----------------------------------------------------------------------------


def _url_error(value: str) -> str | None:
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", value):
        return "Enter a full web address starting with https:// (or http://)."
    return None


def _certification_error(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return "List the certifications as short names separated by commas."
    if len(value) > MAX_CERTIFICATIONS:
        return f"List at most {MAX_CERTIFICATIONS} certifications."
    if any(len(item) > MAX_CERTIFICATION_LENGTH for item in value):
        return f"Keep each certification under {MAX_CERTIFICATION_LENGTH} characters."
    return None


def _identifier_errors(values: Mapping[str, Any]) -> dict[str, str]:
    errors = {}
    ein, duns = values.get("ein"), values.get("duns")
    if ein is not None and not _EIN.fullmatch(str(ein)):
        errors["ein"] = "Enter the EIN as nine digits, written NN-NNNNNNN."
    if duns is not None and not _DUNS.fullmatch(str(duns)):
        errors["duns"] = "Enter the nine-digit DUNS number, keeping any leading zeros."
    return errors


def check_organisation(values: Mapping[str, Any]) -> dict[str, str]:
    """{field: reason} for every rule the values break; empty when they may be saved.

    Takes raw or cleaned values (it cleans them first). Checks only the fields given, except
    that legal_name and kind are always required.
    """
    values = clean_organisation_values(values)
    errors: dict[str, str] = {}
    if not values.get("legal_name"):
        errors["legal_name"] = "Enter the organization's legal name."
    if values.get("kind") is None:
        errors["kind"] = "Choose the kind of organization."
    elif not isinstance(values["kind"], OrganisationKind):
        errors["kind"] = "Choose one of the listed kinds."
    status = values.get("status")
    if status is not None and not isinstance(status, OrganisationStatus):
        errors["status"] = "Choose one of the listed statuses."
    for name, limit in TEXT_LIMITS.items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > limit:
            errors[name] = f"Use at most {limit} characters."
    errors.update(_identifier_errors(values))
    if "country" in values and not _COUNTRY.fullmatch(values["country"]):
        errors["country"] = UNKNOWN_COUNTRY
    for name in URL_FIELDS:
        if name not in errors and (reason := _url_error(values.get(name) or "")):
            errors[name] = reason
    if "certifications" in values and (reason := _certification_error(values["certifications"])):
        errors["certifications"] = reason
    parent_id = values.get("parent_id")
    if parent_id is not None and not isinstance(parent_id, int):
        errors["parent_id"] = "Choose one of the listed organizations."
    return errors


def clean_contact_values(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {name: _text(values[name]) for name in CONTACT_FIELDS if name in values}
    if "email" in cleaned:
        cleaned["email"] = cleaned["email"].lower()
    if "role" in values:
        cleaned["role"] = _enum(ContactRole)(values["role"])
    return cleaned


def check_contact(values: Mapping[str, Any]) -> dict[str, str]:
    """{field: reason} for a contact's values (cleaned first)."""
    values = clean_contact_values(values)
    errors: dict[str, str] = {}
    if not values.get("name"):
        errors["name"] = "Enter the contact's name."
    if not values.get("email"):
        errors["email"] = "Enter the contact's email address."
    elif not _EMAIL.fullmatch(values["email"]):
        errors["email"] = "Enter a valid email address, such as name@example.org."
    if not isinstance(values.get("role"), ContactRole):
        errors["role"] = "Choose one of the listed roles."
    for name, limit in CONTACT_LIMITS.items():
        if len(values.get(name) or "") > limit:
            errors[name] = f"Use at most {limit} characters."
    return errors
