"""What an upload is, judged by its bytes alone: the magic at the start, a PDF header a little
later, zip structures anywhere, markup, programs and the antivirus test file. A file that is
two kinds at once is refused here, before any kind's own checks run."""

from __future__ import annotations

import re
import zipfile

from asn1crypto import pkcs12

from sharing.files import messages
from sharing.files.kinds import Kind, UploadPolicy
from sharing.files.source import Source

HEAD_WINDOW = 1024  # a PDF header may follow a little junk; polyglots hide in the first KB
EICAR_WINDOW = 64 * 1024
EICAR = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
MAX_PKCS12_BYTES = 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office files, and encrypted OOXML
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
MARKUP = re.compile(
    rb"<(?:!doctype|html|head|body|script|svg|\?xml|iframe|object|embed|meta|a\s|img|style)",
    re.IGNORECASE,
)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
CONTROL = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Formats named so the user knows what they sent; the words are the contract's.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
    (b"\xca\xfe\xba\xbe", "a program"),
    (b"\xcf\xfa\xed\xfe", "a program"),
    (b"\xfe\xed\xfa\xcf", "a program"),
    (b"#!", "a web page, SVG image or script"),
)


def sniff(source: Source, policy: UploadPolicy) -> Kind | None:
    """The kind the bytes announce; None for a zip, which office.py judges by its main part.
    Raises RejectedUpload for what is never kept, and for text that is no kind at all."""
    head = source.head(HEAD_WINDOW)
    if EICAR in source.head(EICAR_WINDOW):
        raise messages.not_accepted(policy, "an antivirus test file")
    if head.startswith(OLE_MAGIC):
        raise messages.refuse(
            policy,
            "encrypted_or_legacy",
            "is an old or password-protected Office file (.doc, .xls, or a file with a password)",
            "Remove the password and save it as .docx or .xlsx, then upload it again",
        )
    if head.startswith((PNG_MAGIC, JPEG_MAGIC)):
        if is_zip(source):
            raise messages.two_kinds(policy)
        return Kind.PNG if head.startswith(PNG_MAGIC) else Kind.JPEG
    if head.startswith(ZIP_MAGIC):
        if b"%PDF-" in head:
            raise messages.two_kinds(policy)
        return None
    header = PDF_HEADER.search(head)
    if header is not None:
        before = head[: header.start()]
        if MARKUP.search(before) or ZIP_MAGIC[0] in before or is_zip(source):
            raise messages.two_kinds(policy)
        return Kind.PDF
    for signature, described in SIGNATURES:
        if head.startswith(signature):
            raise messages.not_accepted(policy, described)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if MARKUP.match(stripped) or (stripped.startswith(b"<") and MARKUP.search(head)):
        raise messages.not_accepted(policy, "a web page, SVG image or script")
    if head.startswith(b"0") and source.size <= MAX_PKCS12_BYTES and is_pkcs12(source.read()):
        return Kind.PKCS12
    if is_zip(source):
        raise messages.two_kinds(policy)
    if looks_like_text(head) or Kind.CSV in policy.accepts:
        # Where text is accepted, text.py names what is wrong with it (binary data, encoding).
        return Kind.CSV
    raise messages.not_accepted(policy, "a file of an unknown kind")


def looks_like_text(head: bytes) -> bool:
    """Text by its first bytes: UTF-16 (refused later for its encoding), or no NUL byte and
    hardly any control character."""
    if head.startswith(UTF16_BOMS):
        return True
    if b"\x00" in head:
        return False
    controls = len(CONTROL.findall(head))
    return controls <= max(1, len(head) // 100)


def is_zip(source: Source) -> bool:
    """Whether a zip end record makes the bytes readable as an archive too."""
    try:
        with source.open() as handle:
            return zipfile.is_zipfile(handle)
    except Exception:  # noqa: BLE001 - a malformed end record is simply not a zip
        return False


def is_pkcs12(data: bytes) -> bool:
    try:
        pkcs12.Pfx.load(data, strict=True)["auth_safe"].native  # noqa: B018 - parsing checks
    except Exception:  # noqa: BLE001 - asn1crypto raises several kinds for data not DER
        return False
    return True
