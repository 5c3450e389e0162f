"""Every hostile file of the corpus through the web form of every upload point (CSRF on, as the
role that may upload): refused beside the file field, in the point's words and with the
contract's phrase, what the user typed still in the form, and nothing changed in the database
or the file store. Benign files of each kind a point takes are kept and come back byte for byte
as attachments. See tests/hostile/model.py for how the expected phrase is chosen."""

from __future__ import annotations

import csv
import io
import unicodedata
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from sharing.agreements import files
from sharing.agreements.models import AgreementStatus
from sharing.audit.models import AuditEvent
from sharing.extensions import db
from tests.hostile import make_files as m
from tests.hostile.benign import by_point
from tests.hostile.builders import FORMULAS
from tests.hostile.catalogue import IMPORT_PREVIEWS, TEMPLATE_PAYLOADS
from tests.hostile.model import IMPORT, OVERSIZE_LIMIT, POINTS, RETURNED, TEMPLATE
from tests.hostile.state import changed_tables, field_errors, snapshot
from tests.hostile.targets import TARGETS, file_value

IMPORT_TABLES = {"import_jobs", "import_rows", "audit_events"}
BIDI = {"\u200e", "\u200f", "\u061c", *map(chr, range(0x202A, 0x202F))}
BIDI |= set(map(chr, range(0x2066, 0x206A)))


@pytest.fixture
def app_config() -> dict:
    # The oversized file is just over this, so it stays small.
    return {"MAX_CONTENT_LENGTH": OVERSIZE_LIMIT}


def _post(app, client, login_as, point: str, filename: str, data: bytes, content_type: str):
    """Sign in as the point's uploader, prepare its form, and post the file; returns the
    response, what was typed, and the snapshots taken just before and just after the post."""
    target = TARGETS[point]
    login_as(target.role)
    url, fields, typed = target.prepare()
    token = client.csrf_token(url)
    before = snapshot(app)
    value = file_value(filename, data, content_type)
    response = client.post(url, data={**fields, target.field: value, "csrf_token": token})
    return response, typed, before, snapshot(app)


HOSTILE_CASES = [pytest.param(item, point, id=f"{item.label}-{point}") for item, point in m.cases()]


@pytest.mark.parametrize(("item", "point"), HOSTILE_CASES)
def test_every_hostile_file_is_refused_at_every_upload_point(app, client, login_as, item, point):
    """The form comes back with the reason beside the file field, naming the point's noun and
    the rule broken (or what the file is, where the point does not take its kind); what was
    typed is still there; rows and stored files are as before (an import records its refusal
    as one import.rejected audit event, and nothing else)."""
    target = TARGETS[point]
    response, typed, before, after = _post(
        app, client, login_as, point, item.filename, item.data, item.content_type
    )
    page = response.get_data(as_text=True)
    if response.status_code == 413:
        # Only the oversized body may be stopped before the form is read.
        assert item.rule == ("limit",) and len(item.data) > OVERSIZE_LIMIT
        assert "limit" in page.lower()
        assert changed_tables(before, after) == {} and after.digest == before.digest
        return

    # Every broken promise at once, so one run tells the whole story of a pair.
    reason = field_errors(page).get(item.field_at(point, target.field), "")
    said = reason.lower()
    problems = []
    if response.status_code not in (200, 400, 422):
        problems.append(f"answered {response.status_code}, not the form again")
    if target.noun not in said:
        problems.append(f"no {target.noun!r}")
    if not any(phrase.lower() in said for phrase in item.phrases(point)):
        problems.append(f"none of {item.phrases(point)}")
    if typed and typed not in page:
        problems.append("what the user typed is gone")
    expected = {"audit_events": 1} if point == IMPORT else {}
    if changed_tables(before, after) != expected:
        problems.append(f"rows changed: {changed_tables(before, after)}")
    if point == IMPORT and expected == changed_tables(before, after):
        newest = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
        if newest.action != "import.rejected":
            problems.append(f"audit event {newest.action}")
    if after.digest != before.digest:
        problems.append("the file store changed")
    assert not problems, f"{'; '.join(problems)}; said: {reason!r}"


BENIGN_CASES = [
    pytest.param(point, item, id=f"{point}-{item.label}")
    for point, found in by_point().items()
    for item in found
]


def _returned_copy_form():
    """The returned point's benign file is the agreement's own document, as generated."""
    from tests.web.tables.negotiation import generated_agreement

    agreement = generated_agreement(status=AgreementStatus.GENERATED)
    url = f"/negotiation/agreements/{agreement.id}/return"
    return url, {}, files.read(agreement.generated_file)


@pytest.mark.parametrize(("point", "item"), BENIGN_CASES)
def test_every_benign_file_is_accepted_and_downloads_byte_identical(
    app, client, login_as, point, item
):
    """Each kind a point takes is kept (redirect); where the point offers the file back, the
    download is the same bytes, as an attachment with nosniff, under a name with no
    bidirectional control characters."""
    target = TARGETS[point]
    login_as(target.role)
    if point == RETURNED:
        url, fields, data = _returned_copy_form()
    else:
        (url, fields, _), data = target.prepare(), item.data
    token = client.csrf_token(url)
    value = file_value(item.filename, data, item.content_type)
    response = client.post(url, data={**fields, target.field: value, "csrf_token": token})

    assert response.status_code == 302, field_errors(response.get_data(as_text=True))
    if target.download is None:
        return
    download = client.get(target.download())
    assert download.status_code == 200
    assert download.data == data
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    name = unicodedata.normalize("NFC", unquote(disposition))
    assert not BIDI & set(name), disposition
    assert "/" not in name.split("filename", 1)[-1] and "\\" not in name


def test_the_catalogue_names_each_file_its_kind_rule_and_phrases():
    """Sixty or more distinct files, each with a rule phrase for the points that take its kind
    and a description for the others; every point is attacked by every file."""
    files = m.catalogue()
    assert len(files) >= 60
    assert len({item.label for item in files}) == len(files)
    assert all(item.rule and all(item.phrases(point) for point in POINTS) for item in files)
    assert len(m.cases()) == len(files) * len(POINTS)


def test_the_script_writes_every_file_a_manifest_and_the_summary(tmp_path, capsys):
    """`python -m tests.hostile.make_files OUTDIR` writes each file and manifest.json;
    `--summary` prints the counts."""
    written = m.write_all(tmp_path)
    assert written == len(m.catalogue())
    assert len(list(tmp_path.iterdir())) == written + 1
    assert (tmp_path / "zip-bomb-docx.docx").stat().st_size < 200_000
    m.main(["--summary"])
    assert f"hostile files: {written}" in capsys.readouterr().out


@pytest.mark.parametrize("label", sorted(TEMPLATE_PAYLOADS))
def test_template_text_reaching_for_python_is_refused(app, client, login_as, label):
    """A Word document whose text walks Jinja's objects is a sound file but not a template."""
    from tests.hostile import builders as b

    data = b.docx("Agreement {{ agreement.number }}", TEMPLATE_PAYLOADS[label])
    response, _, before, after = _post(
        app, client, login_as, TEMPLATE, f"{label}.docx", data, "application/octet-stream"
    )
    assert response.status_code in (200, 400, 422)
    assert "template" in field_errors(response.get_data(as_text=True)).get("file", "").lower()
    assert changed_tables(before, after) == {} and after.digest == before.digest


@pytest.mark.parametrize("label", sorted(IMPORT_PREVIEWS))
def test_import_preview_of_unusual_csv_writes_nothing_to_the_register(app, client, login_as, label):
    """The file is read into a preview job and its parsed rows; no register table changes and
    the preview page shows the values as escaped text."""
    name, build = IMPORT_PREVIEWS[label]
    response, _, before, after = _post(app, client, login_as, IMPORT, name, build(), "text/csv")

    assert response.status_code == 302, field_errors(response.get_data(as_text=True))
    assert set(changed_tables(before, after)) <= IMPORT_TABLES
    added = [path for path in after.files if path not in before.files]
    assert all(path.startswith("imports/") and ".." not in path for path in added)
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "<script>" not in page.get_data(as_text=True)


def test_imported_formulas_are_kept_as_text_and_exported_neutralised(app, client, login_as):
    """Formula-looking names import as plain text and leave again with a leading apostrophe, so
    a spreadsheet opening the export never evaluates them."""
    name, build = IMPORT_PREVIEWS["csv_formula_injection"]
    response, _, _, _ = _post(app, client, login_as, IMPORT, name, build(), "text/csv")
    job_url = response.headers["Location"]

    confirmed = client.post_form(f"{job_url}/confirm", {}, from_url=job_url)
    assert confirmed.status_code == 302
    export = client.get("/reports/export/organisations.csv").get_data(as_text=True)
    names = [row[0] for row in csv.reader(io.StringIO(export.lstrip("\ufeff")))][1:]
    typed = {value.strip() for value in FORMULAS}
    assert sorted(name[1:] for name in names if name.startswith("'")) == sorted(typed)
    assert not typed & set(names)
