"""An exported workbook opened by a real spreadsheet program: LibreOffice Calc, converting it
to CSV headless, shows formula-looking text as written and evaluates nothing."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date
from pathlib import Path

from sharing.core.columns import Column
from sharing.core.spreadsheets import Sheet, xlsx_bytes

TEXT = Column("notes", "Notes", (), "text", "Anything.", "")
NUMBER = Column("count", "Count", (), "int", "A number.", "1")
WHEN = Column("when", "When", (), "date", "A date.", "2026-01-31")
# Field separator 44 (comma), text delimiter 34 ("), character set 76 (UTF-8).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76"


def _calc_as_csv(tmp_path: Path, workbook: bytes) -> list[list[str]]:
    """The first sheet as LibreOffice shows it, through a one-off soffice with its own profile."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is needed: .ci/system-packages lists libreoffice-calc-nogui"
    source = tmp_path / "export.xlsx"
    source.write_bytes(workbook)
    subprocess.run(  # noqa: S603 - fixed arguments, files in the test's own folder
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = tmp_path / "export.csv"
    assert converted.exists(), "LibreOffice could not open the workbook (is Calc installed?)"
    with converted.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_libreoffice_shows_formula_like_text_as_written_and_evaluates_nothing(tmp_path):
    """=1+2 stays the text "=1+2" (a formula would show 3), a HYPERLINK stays text, "#N/A"
    stays text, and the number and the date keep their values, with no apostrophe shown."""
    rows = [
        ["=1+2", 3, date(2026, 1, 31)],
        ['=HYPERLINK("http://evil.example","click")', -2, None],
        ["#N/A", 0, None],
        ["Zoë’s café", 7, None],
    ]

    shown = _calc_as_csv(tmp_path, xlsx_bytes([Sheet("Data", [TEXT, NUMBER, WHEN], rows)]))

    assert shown == [
        ["Notes", "Count", "When"],
        ["=1+2", "3", "2026-01-31"],
        ['=HYPERLINK("http://evil.example","click")', "-2", ""],
        ["#N/A", "0", ""],
        ["Zoë’s café", "7", ""],
    ]
