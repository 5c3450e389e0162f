"""docx_to_pdf's process handling, driven by small fake `soffice` executables.

The fakes stand in for LibreOffice so that timeouts, crashes and bad output can be produced on
demand; tests/services/test_agreement_pdf.py converts real agreements with the real program.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from sharing.agreements.pdf import (
    PdfFailed,
    PdfUnavailable,
    cli_target,
    docx_to_pdf,
    pdf_available,
)

DOCX = b"PK\x03\x04 not really a docx; the fakes never read it"

# A Python fake: records its arguments and environment, then does what BODY says.
FAKE_HEADER = f"""#!{sys.executable}
import json, os, sys
args = sys.argv[1:]
outdir = args[args.index("--outdir") + 1]
source = args[-1]
record = {{"args": args, "home": os.environ.get("HOME"), "tmpdir": os.environ.get("TMPDIR"),
          "cwd": os.getcwd(), "pgid": os.getpgid(0), "pid": os.getpid()}}
with open({{record_path!r}}, "w") as handle:
    json.dump(record, handle)
"""


def fake_soffice(tmp_path: Path, body: str, *, name: str = "soffice") -> tuple[Path, Path]:
    """An executable fake soffice running `body` after recording its call; (path, record)."""
    record = tmp_path / f"{name}.json"
    script = tmp_path / name
    script.write_text(FAKE_HEADER.replace("{record_path!r}", repr(str(record))) + body)
    script.chmod(0o755)
    return script, record


WRITES_PDF = """
with open(os.path.join(outdir, "agreement.pdf"), "wb") as out:
    out.write(b"%PDF-1.7 fake of " + open(source, "rb").read()[:4])
"""


def _alive(pid: int) -> bool:
    """Whether `pid` is a running process (a zombie awaiting its reaper counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_until_gone(pid: int, attempts: int = 100) -> bool:
    for _ in range(attempts):
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_conversion_returns_the_pdf_the_program_wrote(tmp_path):
    binary, _ = fake_soffice(tmp_path, WRITES_PDF)

    pdf = docx_to_pdf(DOCX, timeout=10, binary=str(binary))

    assert pdf == b"%PDF-1.7 fake of PK\x03\x04"


def test_conversion_runs_headless_with_its_own_profile_home_and_session(tmp_path):
    binary, record_path = fake_soffice(tmp_path, WRITES_PDF)
    workdir = tmp_path / "work"
    workdir.mkdir()

    docx_to_pdf(DOCX, timeout=10, binary=str(binary), workdir=workdir)

    record = json.loads(record_path.read_text())
    scratch = Path(record["cwd"])
    assert scratch.parent == workdir
    assert record["args"][:4] == ["--headless", "--norestore", "--nologo", "--nolockcheck"]
    assert f"-env:UserInstallation={(scratch / 'profile').as_uri()}" in record["args"]
    assert record["args"][-5:] == [
        "--convert-to",
        cli_target(),
        "--outdir",
        str(scratch / "out"),
        str(scratch / "in" / "agreement.docx"),
    ]
    assert Path(record["home"]).parent == scratch
    assert Path(record["home"]) != Path.home()
    assert Path(record["tmpdir"]).parent == scratch
    assert record["pgid"] == record["pid"]  # a session and process group of its own
    assert os.getpgid(0) != record["pgid"]


def test_each_conversion_gets_a_fresh_profile(tmp_path):
    first, first_record = fake_soffice(tmp_path, WRITES_PDF, name="first")
    second, second_record = fake_soffice(tmp_path, WRITES_PDF, name="second")

    docx_to_pdf(DOCX, timeout=10, binary=str(first))
    docx_to_pdf(DOCX, timeout=10, binary=str(second))

    profiles = [
        next(arg for arg in json.loads(path.read_text())["args"] if "UserInstallation" in arg)
        for path in (first_record, second_record)
    ]
    assert profiles[0] != profiles[1]


def test_conversion_leaves_no_temporary_directory_after_success(tmp_path):
    binary, _ = fake_soffice(tmp_path, WRITES_PDF)
    workdir = tmp_path / "work"
    workdir.mkdir()

    docx_to_pdf(DOCX, timeout=10, binary=str(binary), workdir=workdir)

    assert list(workdir.iterdir()) == []


def test_slow_conversion_is_stopped_and_its_whole_process_group_killed(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    binary = tmp_path / "soffice"
    # The grandchild outlives its parent, so only killing the whole group stops it.
    binary.write_text(f"#!/bin/sh\nsleep 600 &\necho $! > {pid_file}\nsleep 60\n")
    binary.chmod(0o755)
    workdir = tmp_path / "work"
    workdir.mkdir()

    with pytest.raises(PdfFailed) as raised:
        docx_to_pdf(DOCX, timeout=1, binary=str(binary), workdir=workdir)

    assert "did not finish within 1 seconds" in raised.value.message
    grandchild = int(pid_file.read_text())
    gone = _wait_until_gone(grandchild)
    if not gone:
        os.kill(grandchild, signal.SIGKILL)
    assert gone, "the grandchild sleeper survived the timeout"
    assert list(workdir.iterdir()) == []


def test_processes_left_behind_by_a_finished_conversion_are_killed(tmp_path):
    pid_file = tmp_path / "straggler.pid"
    body = (
        WRITES_PDF + "import subprocess\n"
        "child = subprocess.Popen(['sleep', '60'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
    )
    binary, _ = fake_soffice(tmp_path, body)

    docx_to_pdf(DOCX, timeout=10, binary=str(binary))

    straggler = int(pid_file.read_text())
    gone = _wait_until_gone(straggler)
    if not gone:
        os.kill(straggler, signal.SIGKILL)
    assert gone, "a process the conversion started was left running"


def test_missing_program_raises_unavailable_with_advice():
    with pytest.raises(PdfUnavailable) as raised:
        docx_to_pdf(DOCX, timeout=10, binary="/nonexistent/soffice")

    assert raised.value.message == (
        "PDF conversion is not available on this server: LibreOffice is not installed. "
        "Download the .docx instead."
    )


def test_program_missing_from_path_raises_unavailable(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))

    assert not pdf_available()
    with pytest.raises(PdfUnavailable):
        docx_to_pdf(DOCX, timeout=10)


def test_availability_follows_the_configured_binary(tmp_path):
    binary, _ = fake_soffice(tmp_path, WRITES_PDF)
    not_executable = tmp_path / "plain"
    not_executable.write_text("#!/bin/sh\n")

    assert pdf_available(str(binary))
    assert not pdf_available("/nonexistent/soffice")
    assert not pdf_available(str(not_executable))
    assert not pdf_available(str(tmp_path))  # a directory is not a program


def test_program_exiting_with_an_error_raises_failed_quoting_its_last_line(tmp_path):
    body = 'print("Error: source file could not be loaded")\nsys.exit(1)\n'
    binary, _ = fake_soffice(tmp_path, body)

    with pytest.raises(PdfFailed) as raised:
        docx_to_pdf(DOCX, timeout=10, binary=str(binary))

    assert "exit status 1" in raised.value.message
    assert "Error: source file could not be loaded" in raised.value.message


def test_program_that_writes_no_file_raises_failed(tmp_path):
    binary, _ = fake_soffice(tmp_path, "sys.exit(0)\n")

    with pytest.raises(PdfFailed) as raised:
        docx_to_pdf(DOCX, timeout=10, binary=str(binary))

    assert "produced no file" in raised.value.message


def test_output_that_is_not_a_pdf_raises_failed(tmp_path):
    body = """
with open(os.path.join(outdir, "agreement.pdf"), "wb") as out:
    out.write(b"<html>garbage</html>")
"""
    binary, _ = fake_soffice(tmp_path, body)
    workdir = tmp_path / "work"
    workdir.mkdir()

    with pytest.raises(PdfFailed) as raised:
        docx_to_pdf(DOCX, timeout=10, binary=str(binary), workdir=workdir)

    assert "not a PDF" in raised.value.message
    assert list(workdir.iterdir()) == []


def test_failed_conversion_leaves_no_temporary_directory(tmp_path):
    binary, _ = fake_soffice(tmp_path, "sys.exit(3)\n")
    workdir = tmp_path / "work"
    workdir.mkdir()

    with pytest.raises(PdfFailed):
        docx_to_pdf(DOCX, timeout=10, binary=str(binary), workdir=workdir)

    assert list(workdir.iterdir()) == []
