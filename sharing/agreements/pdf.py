"""Convert a generated .docx agreement to a tagged PDF/A-2 with LibreOffice running headless.

Two ways, the same export options: a warm LibreOffice kept running by `unoserver` (reached
over XML-RPC at `server`, "host:port"), and a one-off `soffice` per conversion, used when no
server is configured or the configured one cannot be reached. A server that fails is logged
once (until it answers again) and the conversion falls back, within the same time budget.

Each one-off conversion runs `soffice` in a fresh temporary directory that holds the input, the
output, its own LibreOffice profile, HOME and TMPDIR, so concurrent conversions never share a
profile (LibreOffice refuses to run twice on one profile) and nothing is written outside it. The
child starts a new session; on timeout the whole process group is killed with SIGKILL and
reaped, and the directory is always removed. Its output goes to a log file in that directory
rather than to pipes, so a stray grandchild that keeps a pipe open can never make us wait.

Configuration arrives as keyword arguments; this module reads no app config itself.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import xmlrpc.client
from pathlib import Path
from xml.parsers.expat import ExpatError

from sharing.errors import DomainError

DEFAULT_BINARY = "soffice"
PDF_MAGIC = b"%PDF-"
# How much of LibreOffice's own output a failure message quotes.
LOG_EXCERPT_CHARS = 300
EXPORT_FILTER = "writer_pdf_Export"
# PDF/A-2b (an archival PDF: fonts embedded, metadata in XMP) with a tagged structure, so
# screen readers follow headings, lists and tables. (name, UNO type, value) for each option.
EXPORT_OPTIONS = (("SelectPdfVersion", "long", "2"), ("UseTaggedPDF", "boolean", "true"))
# A warm server that does not accept the connection within this is treated as unreachable.
CONNECT_SECONDS = 2.0

logger = logging.getLogger(__name__)
# Servers already reported as failing; an address leaves the set when it answers again.
_warned: set[str] = set()


class PdfUnavailable(DomainError):
    """LibreOffice is not installed (or not where the configuration says)."""

    status_code = 503

    def __init__(
        self,
        message: str = (
            "PDF conversion is not available on this server: LibreOffice is not installed. "
            "Download the .docx instead."
        ),
    ) -> None:
        super().__init__(message)


class PdfFailed(DomainError):
    """LibreOffice ran but gave no usable PDF; `message` says why."""

    status_code = 502


def soffice_path(binary: str | None = None) -> str | None:
    """The executable that `binary` names (a path, or a name looked up on PATH), if any."""
    name = binary or DEFAULT_BINARY
    if os.sep in name:
        return name if os.path.isfile(name) and os.access(name, os.X_OK) else None
    return shutil.which(name)


def pdf_available(binary: str | None = None) -> bool:
    """Whether LibreOffice can be started: cheap, so pages may call it on every request."""
    return soffice_path(binary) is not None


def docx_to_pdf(
    data: bytes,
    *,
    timeout: float,
    binary: str | None = None,
    workdir: str | Path | None = None,
    server: str | None = None,
) -> bytes:
    """The PDF/A-2 of the .docx `data`, converted by LibreOffice within `timeout` seconds.

    With `server` ("host:port" of a unoserver), the warm LibreOffice converts it; when that
    server cannot be reached or fails, a one-off LibreOffice does, in the time left.
    Raises PdfUnavailable when LibreOffice is not installed and PdfFailed when the conversion
    times out, exits with an error, or leaves no PDF. `workdir` is where the temporary
    directory is made (the system default when None).
    """
    if server:
        started = time.monotonic()
        try:
            return warm_docx_to_pdf(data, server=server, timeout=timeout)
        except ServerUnusable as error:
            _warn_once(server, error)
        left = timeout - (time.monotonic() - started)
        if left <= 0:
            raise _timed_out(timeout)
        timeout = left
    executable = soffice_path(binary)
    if executable is None:
        raise PdfUnavailable()
    scratch = Path(tempfile.mkdtemp(prefix="sharing-pdf-", dir=workdir))
    try:
        return _convert(executable, data, scratch=scratch, timeout=timeout)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _convert(executable: str, data: bytes, *, scratch: Path, timeout: float) -> bytes:
    source = scratch / "in" / "agreement.docx"
    outdir = scratch / "out"
    for folder in (source.parent, outdir, scratch / "home", scratch / "tmp"):
        folder.mkdir()
    source.write_bytes(data)
    command = [
        executable,
        "--headless",
        "--norestore",
        "--nologo",
        "--nolockcheck",
        f"-env:UserInstallation={(scratch / 'profile').as_uri()}",
        "--convert-to",
        cli_target(),
        "--outdir",
        str(outdir),
        str(source),
    ]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(scratch / "home"),
        "TMPDIR": str(scratch / "tmp"),
        "LANG": "C.UTF-8",
    }
    log_path = scratch / "soffice.log"
    with open(log_path, "wb") as log:
        child = subprocess.Popen(  # noqa: S603 - the configured soffice, fixed arguments
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=scratch,
            env=env,
            start_new_session=True,
        )
        try:
            returncode = child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(child.pid)
            child.wait()
            raise _timed_out(timeout) from None
        finally:
            # Whatever LibreOffice left running in its session goes with it.
            _kill_group(child.pid)
    if returncode != 0:
        raise PdfFailed(
            f"The PDF conversion failed (LibreOffice exit status {returncode})"
            f"{_log_excerpt(log_path)}. Download the .docx instead."
        )
    produced = outdir / "agreement.pdf"
    if not produced.is_file():
        raise PdfFailed(
            f"The PDF conversion produced no file{_log_excerpt(log_path)}. "
            "Download the .docx instead."
        )
    pdf = produced.read_bytes()
    if not pdf.startswith(PDF_MAGIC):
        raise _not_a_pdf()
    return pdf


def cli_target() -> str:
    """`--convert-to`'s argument: the PDF filter with its options as LibreOffice's JSON."""
    options = {name: {"type": kind, "value": value} for name, kind, value in EXPORT_OPTIONS}
    return f"pdf:{EXPORT_FILTER}:{json.dumps(options, separators=(',', ':'))}"


def server_options() -> list[str]:
    """The same options as unoserver takes them, "Name=value"."""
    return [f"{name}={value}" for name, _, value in EXPORT_OPTIONS]


def _timed_out(timeout: float) -> PdfFailed:
    return PdfFailed(
        f"The PDF conversion did not finish within {timeout:.3g} seconds and was "
        "stopped. Download the .docx instead, or try again later."
    )


def _not_a_pdf() -> PdfFailed:
    return PdfFailed(
        "The PDF conversion produced a file that is not a PDF. Download the .docx instead."
    )


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group has gone
        os.killpg(pgid, signal.SIGKILL)


def _log_excerpt(log_path: Path) -> str:
    try:
        text = log_path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    if not text:
        return ""
    last = text.splitlines()[-1][:LOG_EXCERPT_CHARS]
    return f": {last}"


# -- the warm LibreOffice of unoserver ------------------------------------------------------


class ServerUnusable(Exception):
    """The warm server could not be reached or gave no PDF; a one-off conversion may."""


class _Connection(http.client.HTTPConnection):
    # A short wait for the connection itself, so a server that is down costs little of the
    # conversion's budget; the full timeout applies once connected.
    def connect(self) -> None:
        try:
            self.sock = socket.create_connection((self.host, self.port), CONNECT_SECONDS)
        except OSError as error:
            raise ServerUnusable(f"cannot connect: {error}") from error
        self.sock.settimeout(self.timeout)


class _Transport(xmlrpc.client.Transport):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host: str) -> http.client.HTTPConnection:
        self._connection = (host, _Connection(host, timeout=self.timeout))
        return self._connection[1]


def warm_docx_to_pdf(data: bytes, *, server: str, timeout: float) -> bytes:
    """The PDF/A-2 of `data` from the unoserver at `server` ("host:port").

    Raises PdfFailed when the server takes longer than `timeout` (it keeps working, and is
    stopped by its own --conversion-timeout) and ServerUnusable for any other failure.
    """
    proxy = xmlrpc.client.ServerProxy(
        f"http://{server}", transport=_Transport(timeout), allow_none=True
    )
    try:
        # unoserver's API 3: inpath, indata, outpath, convert_to, filtername, filter_options,
        # update_index, infiltername, password. No paths: the bytes travel both ways.
        result = proxy.convert(
            None,
            xmlrpc.client.Binary(data),
            None,
            "pdf",
            EXPORT_FILTER,
            server_options(),
            True,
            None,
            None,
        )
    except ServerUnusable:
        raise
    except TimeoutError:
        raise _timed_out(timeout) from None
    except (OSError, xmlrpc.client.Error, http.client.HTTPException, ExpatError) as error:
        raise ServerUnusable(f"{type(error).__name__}: {error}") from error
    pdf = getattr(result, "data", b"")
    if not pdf.startswith(PDF_MAGIC):
        raise ServerUnusable("the answer is not a PDF")
    _warned.discard(server)
    return pdf


def _warn_once(server: str, error: ServerUnusable) -> None:
    if server in _warned:
        return
    _warned.add(server)
    logger.warning(
        "The PDF server at %s failed (%s); converting with a one-off LibreOffice until it "
        "answers again.",
        server,
        error,
    )
