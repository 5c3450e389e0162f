"""Render .docx agreement templates with docxtpl inside a Jinja sandbox; the only docxtpl user.

docxtpl's defaults are unsafe for templates uploaded through the app: an unsandboxed
environment, no escaping (a value holding `<` breaks or injects WordprocessingML) and silent
blanks for missing values. Here every render uses `ContractEnvironment`, an
ImmutableSandboxedEnvironment with autoescape and StrictUndefined and no globals, passed to
`DocxTemplate.render` in one pass. Autoescaping writes `& < > " '` as XML entities in the
document part, so Word shows them exactly as typed; docxtpl applies the environment to core
properties as well, which python-docx escapes itself, so those render without autoescape.

Run as `python -m sharing.agreements.rendering --check` it renders the .docx on stdin with
sample data under CPU and memory limits: `trial_render` uses it to test uploaded templates.
"""

from __future__ import annotations

import argparse
import io
import json
import operator
import os
import re
import resource
import signal
import struct
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx import Document
from docx.table import Table
from docxtpl import DocxTemplate
from jinja2 import DictLoader, StrictUndefined, Template, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from sharing.core.sentences import sentence
from sharing.errors import DomainError

# Anything a template multiplies or raises beyond these is refused before it is computed.
MAX_REPEAT_LENGTH = 200_000
MAX_POWER_BITS = 4096
# Every zip entry gets this timestamp, so that the same inputs give the same bytes.
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Characters XML 1.0 cannot carry, plus \a and \f, which docxtpl turns into paragraph breaks.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Wall-clock time allowed for the trial child to start Python and import the app.
STARTUP_ALLOWANCE = 10.0


class RenderFailed(DomainError):
    """The template could not be rendered with the given data; `message` says why."""

    def __init__(self, message: str, *, code: str = "render_failed") -> None:
        super().__init__(message)
        self.code = code


class ContractEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox every agreement template renders in."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self) -> None:
        super().__init__(
            autoescape=True,
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            loader=DictLoader({}),  # {% include %} and {% import %} find nothing
            finalize=printable,
        )
        # range, lipsum, cycler, joiner, namespace and dict are not part of the contract.
        self.globals.clear()

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "*":
            _check_repeat(left, right)
            _check_repeat(right, left)
            return operator.mul(left, right)
        if op == "**":
            _check_power(left, right)
            return operator.pow(left, right)
        return super().call_binop(context, op, left, right)


def _check_repeat(sequence: Any, count: Any) -> None:
    sized = isinstance(sequence, str | list | tuple) and isinstance(count, int)
    if sized and len(sequence) * count > MAX_REPEAT_LENGTH:
        raise SecurityError("the template builds a value that is too large")


def _check_power(base: Any, exponent: Any) -> None:
    integers = isinstance(base, int) and isinstance(exponent, int) and exponent > 0
    if integers and abs(base) > 1 and abs(base).bit_length() * exponent > MAX_POWER_BITS:
        raise SecurityError("the template computes a number that is too large")


class _SandboxedDocxTemplate(DocxTemplate):
    """docxtpl in the sandbox, keeping each part's cleaned-up source and compiled template per
    source text (`_patched`, `_compiled`), so only a template's first render pays for them."""

    def patch_xml(self, src_xml: str) -> str:
        return _patched(src_xml)

    def render_xml_part(self, src_xml: str, part: Any, context: Any, jinja_env: Any = None) -> str:
        self.current_rendering_part = part
        rendered = _compiled(src_xml, jinja_env).render(context)
        rendered = _PARAGRAPH_BREAK.sub(r"<w:p\1", rendered)
        for escaped, tag in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
            rendered = rendered.replace(escaped, tag)
        return self.resolve_listing(rendered)

    def render_properties(self, context: dict[str, Any], jinja_env: Any = None) -> None:
        # python-docx escapes core properties itself; autoescaping them would double-escape.
        super().render_properties(context, jinja_env.overlay(autoescape=False))


_PARAGRAPH_START = re.compile(r"<w:p([ >])")
_PARAGRAPH_BREAK = re.compile(r"\n<w:p([ >])")


@lru_cache(maxsize=64)
def _patched(src_xml: str) -> str:
    return DocxTemplate.patch_xml(None, src_xml)  # pure text work: it reads nothing of self


@lru_cache(maxsize=64)
def _compiled(src_xml: str, environment: ContractEnvironment) -> Template:
    # docxtpl puts each paragraph on its own line, so errors and {%p %} tags see lines.
    return environment.from_string(_PARAGRAPH_START.sub(r"\n<w:p\1", src_xml))


def printable(value: Any) -> Any:
    """Every value a template prints passes here before autoescape: text loses the characters
    XML cannot carry, wherever it came from (the context, a filter, a concatenation)."""
    if type(value) is str:
        return XML_ILLEGAL.sub("", value)
    return value


# Values the context passes through as they are: immutable, and printed through `printable`.
_PLAIN = frozenset({str, int, float, bool, type(None), date, datetime})


def plain_context(value: Any) -> Any:
    """A copy of the context's containers holding only plain data, strings as plain `str`.

    Plain values are shared, not copied (the sandbox is immutable, so a template cannot
    change them); a `str` subclass such as Markup becomes a plain `str`, so autoescape treats
    it like any other text.
    """
    kind = type(value)  # exact types first: the common case, and much cheaper than isinstance
    if kind is dict:
        return {
            key if type(key) is str else str(key): item
            if type(item) in _PLAIN
            else plain_context(item)
            for key, item in value.items()
        }
    if kind is list:
        return [item if type(item) in _PLAIN else plain_context(item) for item in value]
    if kind in _PLAIN:
        return value
    if isinstance(value, str):
        return str(value)  # drops a Markup subclass
    if isinstance(value, bool | int | float | date | datetime):
        return value
    if isinstance(value, dict):
        return {str(key): plain_context(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain_context(item) for item in value]
    raise TypeError(f"agreement context values must be plain data, not {type(value).__name__}")


@lru_cache(maxsize=1)
def _environment() -> ContractEnvironment:
    return ContractEnvironment()  # one shared sandbox: immutable, its compilations cached


def render_docx(template: str | Path | bytes, context: dict[str, Any]) -> bytes:
    """The rendered .docx; raises RenderFailed when the template or the data is at fault."""
    source = io.BytesIO(template) if isinstance(template, bytes) else template
    document = _SandboxedDocxTemplate(source)
    try:
        document.render(plain_context(context), _environment(), autoescape=True)
    except SecurityError as error:
        unsafe = sentence(f"The template tried something unsafe: {error}")
        raise RenderFailed(unsafe, code="unsafe") from error
    except TemplateError as error:
        raise RenderFailed(sentence(f"The template could not be filled in: {error}")) from error
    except MemoryError as error:
        raise RenderFailed("Rendering the template ran out of memory.", code="memory") from error
    output = io.BytesIO()
    document.save(output)
    return deterministic_zip(output.getvalue())


FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


def template_sources(data: bytes) -> dict[str, str]:
    """The Jinja source docxtpl renders for each part, one paragraph per line as it renders it.

    Keys name the part for the uploader: "document body", "header 1", "footnotes", ...
    """
    document = DocxTemplate(io.BytesIO(data))
    document.init_docx()
    sources = {"document body": _per_paragraph(document.patch_xml(document.get_xml()))}
    for label, uri in (("header", DocxTemplate.HEADER_URI), ("footer", DocxTemplate.FOOTER_URI)):
        for index, (_, part) in enumerate(document.get_headers_footers(uri), start=1):
            xml = document.patch_xml(document.get_part_xml(part))
            sources[f"{label} {index}"] = _per_paragraph(xml)
    for part in document.docx.part.package.parts:
        if part.content_type == FOOTNOTES_TYPE:
            sources["footnotes"] = _per_paragraph(document.patch_xml(part.blob.decode("utf-8")))
    properties = document.docx.core_properties
    sources["document properties"] = "\n".join(
        getattr(properties, name) or "" for name in RENDERED_PROPERTIES
    )
    return sources


def _per_paragraph(xml: str) -> str:
    # The same split docxtpl makes before rendering, so Jinja's line numbers name paragraphs.
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


def deterministic_zip(data: bytes) -> bytes:
    """The same archive with every entry's timestamp fixed, so equal inputs give equal bytes.

    python-docx stamps each entry with the time of saving; nothing else in its output
    varies. The two-byte time and date fields are overwritten in place, in each local header
    and each central-directory entry, so nothing is decompressed or compressed again.
    """
    buffer = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        position = archive.start_dir
    for member in members:
        _stamp(buffer, member.header_offset, b"PK\x03\x04", 10)
    for _ in members:
        _stamp(buffer, position, b"PK\x01\x02", 12)
        name, extra, comment = struct.unpack_from("<HHH", buffer, position + 28)
        position += 46 + name + extra + comment
    return bytes(buffer)


FIXED_DOS_TIME = 0  # 00:00:00
FIXED_DOS_DATE = ((FIXED_ZIP_TIME[0] - 1980) << 9) | (FIXED_ZIP_TIME[1] << 5) | FIXED_ZIP_TIME[2]


def _stamp(buffer: bytearray, offset: int, signature: bytes, field: int) -> None:
    if buffer[offset : offset + 4] != signature:
        raise RenderFailed("The rendered document is not a well-formed zip.", code="zip")
    struct.pack_into("<HH", buffer, offset + field, FIXED_DOS_TIME, FIXED_DOS_DATE)


def docx_text(data: bytes) -> str:
    """The text of a .docx as python-docx reads it: headers, body (tables by row), footers."""
    document = Document(io.BytesIO(data))
    lines: list[str] = []
    seen: set[int] = set()
    for section in document.sections:
        if id(section.header.part) not in seen:
            seen.add(id(section.header.part))
            lines.extend(_block_lines(section.header.iter_inner_content()))
    lines.extend(_block_lines(document.iter_inner_content()))
    for section in document.sections:
        if id(section.footer.part) not in seen:
            seen.add(id(section.footer.part))
            lines.extend(_block_lines(section.footer.iter_inner_content()))
    return "\n".join(lines)


def _block_lines(blocks: Any) -> list[str]:
    lines = []
    for block in blocks:
        if isinstance(block, Table):
            lines.extend(" | ".join(cell.text for cell in row.cells) for row in block.rows)
        else:
            lines.append(block.text)
    return lines


# -- the resource-limited trial render -------------------------------------------------------


@dataclass(frozen=True)
class TrialResult:
    seconds: float
    text_length: int


def trial_render(data: bytes, *, seconds: float, memory_mb: int) -> TrialResult:
    """Render `data` with sample data in a child process with CPU, memory and wall-clock limits.

    Raises RenderFailed with a message fit for the uploader when the render fails, runs out of
    time or memory, or crashes. The whole child process group is killed on timeout.
    """
    command = [
        sys.executable,
        "-m",
        "sharing.agreements.rendering",
        "--check",
        f"--cpu-seconds={max(1, round(seconds))}",
        f"--memory-mb={memory_mb}",
    ]
    path = os.pathsep.join(filter(None, [str(_PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "PYTHONHASHSEED": "0"}
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=_PROJECT_ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        out, _ = child.communicate(data, timeout=seconds + STARTUP_ALLOWANCE)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        raise _too_slow(seconds) from None
    return _trial_outcome(child.returncode, out, seconds=seconds, memory_mb=memory_mb)


def _trial_outcome(returncode: int, out: bytes, *, seconds: float, memory_mb: int) -> TrialResult:
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise _too_slow(seconds)
    try:
        report = json.loads(out.decode("utf-8").strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise RenderFailed(
            f"The test render crashed (exit status {returncode}). The template may be damaged "
            f"or need more than {memory_mb} MB of memory.",
            code="crashed",
        ) from None
    if report.get("ok"):
        return TrialResult(seconds=report["seconds"], text_length=report["text_length"])
    if report.get("code") == "memory":
        raise RenderFailed(
            f"The test render with sample data needed more than {memory_mb} MB of memory, so "
            "the template was refused. Look for loops or repeated text that grow without bound.",
            code="memory",
        )
    raise RenderFailed(
        f"The test render with sample data failed. {report['message']}", code="render"
    )


def _too_slow(seconds: float) -> RenderFailed:
    return RenderFailed(
        f"The test render with sample data did not finish within {seconds:g} seconds, so the "
        "template was refused. Look for loops that run far more often than the data needs.",
        code="timeout",
    )


def _limit_self(*, cpu_seconds: int, memory_mb: int) -> None:
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu_now = int(used.ru_utime + used.ru_stime) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_now + cpu_seconds, cpu_now + cpu_seconds + 1))
    with open("/proc/self/statm") as statm:  # address space already mapped by the imports
        mapped = int(statm.read().split()[0]) * resource.getpagesize()
    limit = mapped + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _check_main(cpu_seconds: int, memory_mb: int) -> dict[str, Any]:
    from sharing.agreements.sample_context import sample_context

    data = sys.stdin.buffer.read()
    _limit_self(cpu_seconds=cpu_seconds, memory_mb=memory_mb)
    started = time.perf_counter()
    try:
        text = docx_text(render_docx(data, sample_context()))
    except RenderFailed as error:
        return {"ok": False, "code": error.code, "message": error.message}
    except MemoryError:
        return {"ok": False, "code": "memory", "message": "out of memory"}
    except Exception as error:  # noqa: BLE001 - any failure of an uploaded template is reported
        return {"ok": False, "code": "error", "message": f"{type(error).__name__}: {error}"[:500]}
    return {"ok": True, "seconds": time.perf_counter() - started, "text_length": len(text)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Trial-render a .docx template from stdin.")
    parser.add_argument("--check", action="store_true", required=True)
    parser.add_argument("--cpu-seconds", type=int, default=10)
    parser.add_argument("--memory-mb", type=int, default=512)
    arguments = parser.parse_args()
    print(json.dumps(_check_main(arguments.cpu_seconds, arguments.memory_mb)))
