""".ci/system-packages: without root it installs nothing, lists what is missing with the one
command that installs it, and under --ci refuses to go on."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "system-packages"


def run_without_root(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the script where PATH holds only what it needs, and `id -u` says a plain user."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("bash", "dpkg-query"):
        os.symlink(shutil.which(tool), folder / tool)
    fake_id = folder / "id"
    fake_id.write_text("#!/bin/sh\necho 1000\n")
    fake_id.chmod(0o755)
    return subprocess.run(
        [str(folder / "bash"), str(SCRIPT), *args],
        env={"PATH": str(folder)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_root_it_lists_what_is_missing_and_the_command_that_installs_it(tmp_path):
    """No program the suite needs is on PATH: each is named with what needs it."""
    result = run_without_root(tmp_path)
    assert result.returncode == 0
    assert "chromium: browser journeys (tests/e2e)" in result.stdout
    assert "libreoffice-writer-nogui: agreement PDFs (LibreOffice)" in result.stdout
    install = next(line for line in result.stdout.splitlines() if "apt-get install" in line)
    assert install.strip().startswith("sudo apt-get update && sudo apt-get install -y ")
    assert {"libreoffice-writer-nogui", "chromium", "faketime"} <= set(install.split())
    assert "installing" not in result.stdout


def test_the_app_set_up_lists_only_what_the_app_needs(tmp_path):
    """`make run` asks for LibreOffice and the fonts the templates name, not the test tools."""
    result = run_without_root(tmp_path, "--run")
    assert result.returncode == 0
    assert "libreoffice-writer-nogui: agreement PDFs (LibreOffice)" in result.stdout
    assert "agreement PDFs are unavailable or use other fonts" in result.stdout
    assert "chromium" not in result.stdout and "faketime" not in result.stdout


def test_under_ci_a_missing_package_fails_the_run(tmp_path):
    """CI may not skip: --ci exits non-zero while anything is missing, PostgreSQL included."""
    result = run_without_root(tmp_path, "--ci")
    assert result.returncode == 1
    assert "postgresql: the PostgreSQL run" in result.stdout
    assert "CI cannot run without them" in result.stderr
