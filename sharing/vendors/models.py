"""Organisations that receive or provide personal information, and their contacts."""

from __future__ import annotations

import enum
import functools
import re
import string
import unicodedata

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship, validates

from sharing.core.models import Base, JSONType, TimestampMixin, enum_type


class OrganisationKind(enum.StrEnum):
    VENDOR = "vendor"
    PUBLIC_AGENCY = "public_agency"
    NONPROFIT = "nonprofit"
    RESEARCH = "research"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class OrganisationStatus(enum.StrEnum):
    PROSPECTIVE = "prospective"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    OFFBOARDED = "offboarded"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# Risk tiers from lowest to highest; list queries compute a tier's rank as its index + 1.
RISK_ORDER = ("low", "medium", "high", "critical")


class ContactRole(enum.StrEnum):
    SIGNATORY = "signatory"
    PRIVACY = "privacy"
    SECURITY = "security"
    BILLING = "billing"

    @property
    def label(self) -> str:
        return self.value.capitalize()


_LEGAL_SUFFIXES = re.compile(
    r"\b(incorporated|inc|corp|corporation|co|company|llc|l\.l\.c|ltd|limited|lp|llp|plc|gmbh)\b\.?"
)


_LATIN = frozenset(string.ascii_letters + string.digits)


@functools.cache
def _latin_prototypes() -> dict[str, str]:
    """Each non-ASCII letter or digit whose Unicode (UTS #39) prototype is Latin: "а" → "a".

    The package's data pairs every confusable with its prototype in both directions; a
    non-ASCII letter is paired with at most one run of ASCII letters and digits, its own
    prototype. Plain ASCII is left out, so existing names keep their keys (UTS #39 would turn
    "m" into "rn" and "I" into "l"). A capital whose prototype is "l" looks like "I".
    """
    from confusable_homoglyphs.utils import load  # here: it imports urllib.request

    prototypes = {}
    for char, pairs in load("confusables.json").items():
        if len(char) != 1 or char.isascii() or unicodedata.category(char)[0] not in "LN":
            continue
        latin = [p["c"] for p in pairs if set(p["c"]) <= _LATIN]
        if latin:
            prototypes[char] = "I" if latin[0] == "l" and char.isupper() else latin[0]
    return prototypes


def _fold_lookalike_word(word: str) -> str:
    """The word in Latin letters if every letter of it looks Latin; otherwise unchanged."""
    prototypes = _latin_prototypes()
    latin = [c if c.isascii() else prototypes.get(c) for c in word]
    return word if None in latin else "".join(latin)


def normalise_name(name: str) -> str:
    """A comparison key for duplicate detection: accents, case, punctuation and suffixes dropped,
    and look-alike letters (Cyrillic "а", Greek "ο") read as the Latin ones they imitate."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    # Word by word, so that a name in another script keeps no half-Latin remains.
    text = re.sub(r"\w+", lambda word: _fold_lookalike_word(word.group()), text).lower()
    text = text.replace("&", " and ")
    text = _LEGAL_SUFFIXES.sub(" ", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


class Organisation(TimestampMixin, Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind), index=True)
    legal_name: Mapped[str] = mapped_column(String(200), index=True)
    common_name: Mapped[str] = mapped_column(String(200), default="")
    normalised_name: Mapped[str] = mapped_column(String(200), index=True)
    ein: Mapped[str | None] = mapped_column(String(16), index=True)
    duns: Mapped[str | None] = mapped_column(String(16), index=True)
    state_registration: Mapped[str | None] = mapped_column(String(64), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    address_line1: Mapped[str] = mapped_column(String(200), default="")
    address_line2: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    region: Mapped[str] = mapped_column(String(100), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str] = mapped_column(String(2), default="US")
    website: Mapped[str] = mapped_column(String(500), default="")
    privacy_policy_url: Mapped[str] = mapped_column(String(500), default="")
    dpa_url: Mapped[str] = mapped_column(String(500), default="")
    subprocessor_list_url: Mapped[str] = mapped_column(String(500), default="")
    certifications: Mapped[list[str]] = mapped_column(JSONType, default=list)
    status: Mapped[OrganisationStatus] = mapped_column(
        enum_type(OrganisationStatus), default=OrganisationStatus.PROSPECTIVE, index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    parent: Mapped[Organisation | None] = relationship(remote_side=[id])
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="Contact.name"
    )
    users = relationship("User", back_populates="organisation")

    # Filled in by reports.organisations.organisations_query; None when loaded any other way.
    flow_count: Mapped[int | None] = query_expression()
    risk_rank: Mapped[int | None] = query_expression()

    @validates("legal_name")
    def _keep_normalised_name(self, _key: str, value: str) -> str:
        self.normalised_name = normalise_name(value)
        return value

    @property
    def display_name(self) -> str:
        return self.common_name or self.legal_name

    @property
    def highest_risk(self) -> str | None:
        """The highest risk tier among current flows, when loaded by the list query."""
        rank = self.risk_rank
        return RISK_ORDER[rank - 1] if rank and 0 < rank <= len(RISK_ORDER) else None

    def __repr__(self) -> str:
        return f"<Organisation {self.legal_name!r}>"


class Contact(TimestampMixin, Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    role: Mapped[ContactRole] = mapped_column(enum_type(ContactRole))

    organisation: Mapped[Organisation] = relationship(back_populates="contacts")
