"""Reading an agreement .docx as clauses (headings found by their wording and style, each with
the text up to the next heading, tracked insertions read and deletions left out), and pairing
the clauses of two versions of it."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher

from lxml import etree

from sharing.errors import DomainError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
DOCUMENT_PART = "word/document.xml"
HEADER_PART = re.compile(r"^word/header\d*\.xml$")
MAX_PART_BYTES = 50 * 1024 * 1024  # a 15-page agreement's body is well under 1 MB

# "3.14 Report incidents quickly ... (obligation BRN-1)"
OBLIGATION = re.compile(
    r"^(?P<number>\d+\.\d+)\.?\s+(?P<title>.+?)\s*\(obligation\s+(?P<code>[A-Z]{2,5}-\d+)\)\s*\.?$"
)
# "1. Definitions", "2. Scope and Roles": a short line with no closing full stop.
SECTION = re.compile(r"^(?P<number>\d+)\.\s+(?P<title>[^.]{1,90})$")
# "2.3 City Data remains ...", "5.1 For convenience. Either party ...", "C.2 Return first. ..."
SUBCLAUSE = re.compile(r"^(?P<number>(?:\d+|[A-Z])\.\d+)\.?\s+(?P<text>\S.*)$", re.DOTALL)
# "“City Data” means any information ...": each definition is a clause of its own.
DEFINITION = re.compile(r'^[“"](?P<term>[^”"]{1,80})[”"]\s+(?:means|includes|has the meaning)\b')
# "Exhibit A — Description of Services ..."
# A body sentence that starts "Exhibit A describes ..." is not one: it needs a heading style, or
# a dash or colon after the letter and no closing full stop.
EXHIBIT = re.compile(r"^(?P<number>Exhibit\s+[A-Z])\b(?P<sep>\s*[—–:-])?\s*(?P<title>.*)$")
HEADING_STYLE = re.compile(r"^(heading\s?\d|title)$", re.IGNORECASE)
AGREEMENT_NUMBER = re.compile(r"\bAgreement\s+No\.?\s*:?\s*(?P<number>[A-Z]{2,6}-\d{4}-\d{1,6})\b")
SIMILAR = 0.6  # how alike two clause texts must be to pair them when their headings differ
# Pairing leftover clauses by similar text compares each leftover with each spare one; beyond
# this many pairs (a file mostly unlike the generated one) it would take minutes.
MAX_SIMILARITY_PAIRS = 40_000
CAPTION_WORDS = 8  # a sub-clause caption ("For convenience.") is a few words, not a sentence

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
)


class NoClauses(DomainError):
    """The file is not a .docx with clauses this app can recognize."""


@dataclass(frozen=True)
class Clause:
    """One clause of an agreement: `key` matches it across versions of the document."""

    key: str
    code: str | None  # the obligation code ("BRN-1") for an obligation clause
    number: str | None  # as the document numbers it ("3.14", "Exhibit A", "A-1")
    heading: str  # the heading without its number
    text: str  # the body: the paragraphs up to the next heading, one per line
    kind: str  # "obligation", "section", "subclause", "exhibit", "row", "preamble"
    parent: str = ""  # the key of the section or exhibit it sits in


def normalize(text: str) -> str:
    """Heading text for matching: case, accents, punctuation, spacing and numbering ignored."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"^\s*(?:\d+(?:\.\d+)*|[a-z]\.\d+|[a-z]-\d+)\.?\s+", "", text)
    return " ".join(re.findall(r"[a-z0-9]+", text))


def read_clauses(docx: bytes) -> list[Clause]:
    """The clauses of the document body in order; NoClauses when there is none."""
    body = _body(docx)
    reader = _Reader()
    for block in _blocks(body):
        if block.tag == f"{{{W}}}tbl":
            reader.table(block)
        else:
            reader.paragraph(_paragraph_text(block), _style(block))
    clauses = reader.finish()
    if not any(clause.kind in ("obligation", "exhibit") or clause.number for clause in clauses):
        raise NoClauses(
            "No clause of an agreement was found in this file: it has no numbered sections, "
            "obligations or exhibits."
        )
    return clauses


def agreement_number(docx: bytes) -> str | None:
    """The 'Agreement No. DSA-…' the document states in its body or, failing that, a header."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            headers = sorted(n for n in archive.namelist() if HEADER_PART.match(n))
    except (zipfile.BadZipFile, ValueError) as error:
        raise NoClauses("This file is not a Word document (.docx).") from error
    for name in (DOCUMENT_PART, *headers):
        for paragraph in _read_part(docx, name).iter(f"{{{W}}}p"):
            found = AGREEMENT_NUMBER.search(_paragraph_text(paragraph))
            if found:
                return found["number"]
    return None


# -- the document's XML --------------------------------------------------------------------


def _body(docx: bytes) -> etree._Element:
    root = _read_part(docx, DOCUMENT_PART)
    body = root.find(f"{{{W}}}body")
    if body is None:
        raise NoClauses("This Word document has no body.")
    return body


def _read_part(docx: bytes, name: str) -> etree._Element:
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            info = archive.getinfo(name)
            if info.file_size > MAX_PART_BYTES:
                raise NoClauses("This Word document is too large to read as an agreement.")
            data = archive.read(name)
    except KeyError as error:
        raise NoClauses("This file is not a Word document (.docx): it has no body.") from error
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise NoClauses("This file is not a Word document (.docx).") from error
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        raise NoClauses("This Word document is damaged: its text cannot be read.") from error


def _blocks(container: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables in reading order, looking through content controls."""
    for child in container:
        tag = child.tag
        if tag in (f"{{{W}}}p", f"{{{W}}}tbl"):
            yield child
        elif tag in (f"{{{W}}}sdt", f"{{{W}}}customXml", f"{{{W}}}ins", f"{{{W}}}moveTo"):
            inner = child.find(f"{{{W}}}sdtContent")
            yield from _blocks(inner if inner is not None else child)


_SKIP = {f"{{{W}}}del", f"{{{W}}}moveFrom", f"{{{W}}}pPr", f"{{{W}}}rPr", f"{{{W}}}instrText"}
_SKIP |= {f"{{{W}}}delText", f"{{{W}}}footnoteReference", f"{{{W}}}commentReference"}
# A text box holds its text twice, for new and for old readers; only the first copy counts.
_SKIP |= {f"{{{MC}}}Fallback"}


def _paragraph_text(paragraph: etree._Element) -> str:
    """The text a reader sees with every tracked change accepted: insertions in, deletions out."""
    pieces: list[str] = []
    _collect(paragraph, pieces)
    return re.sub(r"[ \t\u00a0]+", " ", "".join(pieces)).strip()


def _collect(element: etree._Element, pieces: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIP or not isinstance(tag, str):
            continue
        if tag == f"{{{W}}}t":
            pieces.append(child.text or "")
        elif tag in (f"{{{W}}}tab", f"{{{W}}}br", f"{{{W}}}cr"):
            pieces.append(" ")
        elif tag == f"{{{W}}}noBreakHyphen":
            pieces.append("-")
        else:
            _collect(child, pieces)


def _style(paragraph: etree._Element) -> str:
    style = paragraph.find(f"{{{W}}}pPr/{{{W}}}pStyle")
    return (style.get(f"{{{W}}}val") or "") if style is not None else ""


def _row_deleted(row: etree._Element) -> bool:
    return row.find(f"{{{W}}}trPr/{{{W}}}del") is not None


def _cell_text(cell: etree._Element) -> str:
    return " ".join(text for p in cell.iter(f"{{{W}}}p") if (text := _paragraph_text(p)))


# -- from paragraphs to clauses --------------------------------------------------------------


class _Reader:
    """Collects clauses: each heading opens one, and body lines go to the clause open last."""

    def __init__(self) -> None:
        self.clauses: list[dict] = [_open("preamble", None, None, "Opening", "preamble", "")]
        self.section = ""  # key of the section or exhibit that sub-clauses and rows sit in
        self.seen: dict[str, int] = {}

    def paragraph(self, text: str, style: str) -> None:
        if not text:
            return
        heading = _heading(text, style)
        if heading is None:
            self.clauses[-1]["lines"].append(text)
            return
        kind, number, title, code, rest = heading
        if kind == "subclause":
            key = f"{self.section}/{normalize(title)}"
        else:
            key = code or normalize(title) or normalize(text)
        clause = _open(self._unique(key), code, number, title, kind, self.section)
        if kind in ("section", "exhibit"):
            self.section = clause["key"]
        if rest:
            clause["lines"].append(rest)
        self.clauses.append(clause)

    def table(self, table: etree._Element) -> None:
        """Each row is a clause keyed by its first cell; a repeated header row names the
        columns, so that each value reads with its column ("Retention: 730 days ...")."""
        columns: list[str] = []
        for row in table.iter(f"{{{W}}}tr"):
            if _row_deleted(row):
                continue
            cells = [_cell_text(cell) for cell in row.iterfind(f"{{{W}}}tc")]
            if row.find(f"{{{W}}}trPr/{{{W}}}tblHeader") is not None:
                columns = cells
                continue
            if not any(cells):
                continue
            first = cells[0] or next(c for c in cells if c)
            key = self._unique(f"{self.section}/row {normalize(first) or first}")
            row_clause = _open(key, None, first, first, "row", self.section)
            if len(columns) == len(cells):
                cells = [f"{name}: {value}" for name, value in zip(columns, cells, strict=True)]
            row_clause["lines"].append(" | ".join(cells))
            self.clauses.append(row_clause)

    def _unique(self, key: str) -> str:
        count = self.seen.get(key, 0) + 1
        self.seen[key] = count
        return key if count == 1 else f"{key} #{count}"

    def finish(self) -> list[Clause]:
        return [
            Clause(
                key=c["key"],
                code=c["code"],
                number=c["number"],
                heading=c["heading"],
                text="\n".join(c["lines"]),
                kind=c["kind"],
                parent=c["parent"],
            )
            for c in self.clauses
            if c["kind"] != "preamble" or c["lines"]
        ]


def _open(key, code, number, heading, kind, parent) -> dict:
    return {"key": key, "code": code, "number": number, "heading": heading, "kind": kind,
            "parent": parent, "lines": []}  # fmt: skip


def _heading(text: str, style: str) -> tuple[str, str | None, str, str | None, str] | None:
    """(kind, number, title, obligation code, body text on the same line), or None."""
    if len(text) <= 400 and (found := OBLIGATION.match(text)):
        return "obligation", found["number"], found["title"], found["code"], ""
    if (found := EXHIBIT.match(text)) and (
        HEADING_STYLE.match(style) or (found["sep"] and len(text) <= 120 and text[-1] != ".")
    ):
        return "exhibit", found["number"], text, None, ""
    if (found := SECTION.match(text)) and len(found["title"].split()) <= 12:
        return "section", found["number"], found["title"], None, ""
    if found := SUBCLAUSE.match(text):
        caption = _caption(found["text"])
        return "subclause", found["number"], caption, None, found["text"]
    if found := DEFINITION.match(text):
        return "subclause", None, found["term"], None, text
    if HEADING_STYLE.match(style) and len(text) <= 200:
        return "section", None, text, None, ""
    return None


def _caption(text: str) -> str:
    """A sub-clause's caption ('For convenience.'), or else its opening words, which name it."""
    first, _, rest = text.partition(". ")
    if rest and len(first.split()) <= CAPTION_WORDS:
        return first
    return " ".join(text.split()[:CAPTION_WORDS])


# -- matching --------------------------------------------------------------------------------


def match(
    before: list[Clause], after: list[Clause]
) -> tuple[list[tuple[Clause, Clause]], list[Clause], list[Clause]]:
    """(matched pairs, clauses only in `before`, clauses only in `after`).

    Keys first (an obligation's code, else its section and normalized heading); then a clause
    left over on each side with the same heading, wherever it moved; then, within one section,
    the most similar text, so a sub-clause whose opening words changed still finds itself.
    """
    by_key = {clause.key: clause for clause in after}
    pairs = [(old, by_key[old.key]) for old in before if old.key in by_key]
    taken = {id(new) for _, new in pairs}
    left = [old for old in before if old.key not in by_key]
    spare = [new for new in after if id(new) not in taken]
    picks = [_same_heading, _similar_text]
    if len(left) * len(spare) > MAX_SIMILARITY_PAIRS:
        picks.pop()  # a file unlike the generated one: report removals and additions instead
    for pick in picks:
        still_left = []
        for old in left:
            new = pick(old, spare)
            if new is None:
                still_left.append(old)
            else:
                pairs.append((old, new))
                spare.remove(new)
        left = still_left
    return pairs, left, spare


def _same_heading(old: Clause, spare: list[Clause]) -> Clause | None:
    """A leftover clause with the same heading. An obligation whose "(obligation CODE)" the
    vendor deleted reads as a sub-clause named by its opening words, which begin its title."""
    heading = normalize(old.heading)
    if not heading:
        return None
    for new in spare:
        other = normalize(new.heading)
        if new.kind == old.kind and other == heading:
            return new
        renamed = {old.kind, new.kind} == {"obligation", "subclause"}
        if (
            renamed
            and len(other.split()) >= 3
            and (heading.startswith(other) or other.startswith(heading))
        ):
            return new
    return None


def _similar_text(old: Clause, spare: list[Clause]) -> Clause | None:
    best, best_ratio = None, SIMILAR
    for new in spare:
        if new.parent != old.parent or new.kind != old.kind:
            continue
        matcher = SequenceMatcher(None, old.text, new.text, autojunk=False)
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio >= best_ratio:
            best, best_ratio = new, ratio
    return best
