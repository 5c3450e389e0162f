"""Convert a generated .docx agreement to PDF with LibreOffice running headless.

Each conversion runs `soffice` in a fresh temporary directory that holds the input, the output,
its own LibreOffice profile, HOME and TMPDIR, so concurrent conversions never share a profile
(LibreOffice refuses to run twice on one profile) and nothing is written outside it. The child
starts a new session; on timeout the whole process group is killed with SIGKILL and reaped, and
the directory is always removed. Its output goes to a log file in that directory rather than to
pipes, so a stray grandchild that keeps a pipe open can never make us wait.

Configuration arrives as keyword arguments (views pass `AGREEMENT_PDF_TIMEOUT_SECONDS` and
`SOFFICE_BINARY`); this module reads no app config itself.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from sharing.errors import DomainError

DEFAULT_BINARY = "soffice"
PDF_MAGIC = b"%PDF-"
# How much of LibreOffice's own output a failure message quotes.
LOG_EXCERPT_CHARS = 300


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
) -> bytes:
    """The PDF of the .docx `data`, converted by LibreOffice within `timeout` seconds.

    Raises PdfUnavailable when LibreOffice is not installed and PdfFailed when the conversion
    times out, exits with an error, or leaves no PDF. `workdir` is where the temporary
    directory is made (the system default when None).
    """
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
        "pdf",
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
            raise PdfFailed(
                f"The PDF conversion did not finish within {timeout:g} seconds and was "
                "stopped. Download the .docx instead, or try again later."
            ) from None
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
        raise PdfFailed(
            "The PDF conversion produced a file that is not a PDF. Download the .docx instead."
        )
    return pdf


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
