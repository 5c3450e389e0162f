"""One inspection for every upload point: size, then kind by content (sniff.py), then the
kind's own checks, then the point's accepted kinds, then the name, which must agree with the
content. The point's own checks (a template's Jinja, an import's columns, a certificate's
password) run after this, at the point."""

from __future__ import annotations

from pathlib import Path

from sharing.files import messages
from sharing.files.images import check_image
from sharing.files.kinds import FACTS, Inspected, Kind, UploadPolicy, megabytes
from sharing.files.names import clean_name, extension_of
from sharing.files.office import office_kind
from sharing.files.pdf import check_pdf
from sharing.files.sniff import sniff
from sharing.files.source import Source
from sharing.files.text import check_text


def inspect(data: bytes, name: str, policy: UploadPolicy) -> Inspected:
    """Accept a file this point keeps, judged by content; raise RejectedUpload otherwise."""
    return _inspect(Source(data=data), name, policy)


def inspect_path(path: Path, name: str, policy: UploadPolicy) -> Inspected:
    """`inspect` for a stored upload; text and workbooks are streamed, never read whole."""
    return _inspect(Source(path=path), name, policy)


def _inspect(source: Source, name: str, policy: UploadPolicy) -> Inspected:
    if source.size == 0:
        raise messages.refuse(
            policy, "empty", "is empty", "Choose the file again and upload it again"
        )
    if source.size > policy.max_bytes:
        raise messages.refuse(
            policy,
            "too_large",
            f"is {megabytes(source.size)}, larger than the {megabytes(policy.max_bytes)} limit",
            "Compress it or split it into smaller files, then upload it again",
        )
    kind = sniff(source, policy)
    if kind is None:
        kind = office_kind(source, policy)
    if kind not in policy.accepts:
        raise messages.not_accepted(policy, FACTS[kind].described)
    if kind is Kind.PDF:
        check_pdf(source.read(), policy)
    elif kind in (Kind.PNG, Kind.JPEG):
        check_image(source.read(), kind, policy)
    elif kind is Kind.CSV:
        check_text(source, policy)
    facts = FACTS[kind]
    shown = clean_name(name, suffix=facts.suffix)
    extension = extension_of(shown)
    if not extension:
        shown = clean_name(f"{shown}{facts.suffix}")
    elif extension not in facts.extensions:
        raise messages.refuse(
            policy,
            "name_mismatch",
            f"is {facts.described} but is named “{extension}”",
            f"Rename it to end in {facts.extensions[0]}, or upload the file you meant to send",
        )
    return Inspected(kind=kind, content_type=facts.content_type, suffix=facts.suffix, name=shown)
