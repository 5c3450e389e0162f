"""Every generated hostile file, through the web form of each upload it attacks (CSRF on, as the
role that may upload): refused with its reason and nothing changed, or, where keeping the bytes
is safe, kept inside the store and only ever served as an attachment."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from sharing.audit.models import AuditEvent
from sharing.extensions import db
from tests.hostile import make_files as m
from tests.hostile.builders import FORMULAS
from tests.hostile.state import changed_tables, field_errors, snapshot
from tests.hostile.targets import KEEP_TYPED, TARGETS, file_value

IMPORT_TABLES = {"import_jobs", "import_rows", "audit_events"}


@pytest.fixture
def app_config() -> dict:
    return {"MAX_CONTENT_LENGTH": m.OVERSIZE_LIMIT}


def _cases(outcome: str) -> list:
    return [
        pytest.param(item, target, id=f"{item.label}-{target}")
        for item, target in m.cases()
        if item.outcomes[target] == outcome
    ]


def _upload(app, client, login_as, item: m.HostileFile, target: str):
    """Sign in as the uploader, prepare the form, and post the file; returns the response and
    the snapshots taken just before and just after the post."""
    spec = TARGETS[target]
    login_as(spec.role)
    url, fields = spec.prepare()
    token = client.csrf_token(url)
    before = snapshot(app)
    response = client.post(url, data={**fields, spec.field: file_value(item), "csrf_token": token})
    return response, before, snapshot(app)


def test_the_catalogue_has_at_least_thirty_files_across_every_target():
    """The catalogue holds 30 or more hostile files, across evidence, templates and import."""
    files = m.catalogue()
    assert len(files) >= 30
    assert len({item.label for item in files}) == len(files)
    assert {target for item in files for target in item.outcomes} == set(m.TARGETS)


def test_the_script_writes_every_file_and_a_manifest(tmp_path):
    """`python -m tests.hostile.make_files OUTDIR` writes each file and manifest.json."""
    written = m.write_all(tmp_path)
    assert written == len(m.catalogue())
    assert len(list(tmp_path.iterdir())) == written + 1
    assert (tmp_path / "docx_zip_bomb.docx").stat().st_size < 200_000


@pytest.mark.parametrize(("item", "target"), _cases(m.REJECT))
def test_hostile_file_is_refused_beside_its_field_and_changes_nothing(
    app, client, login_as, item, target
):
    """The form comes back with the reason beside the file field; rows and files are as before
    (an import records its refusal as one import.rejected audit event, and nothing else)."""
    response, before, after = _upload(app, client, login_as, item, target)

    html = response.get_data(as_text=True)
    assert response.status_code in (200, 400, 422), html[:300]
    reason = field_errors(html).get(TARGETS[target].field, "")
    assert len(reason) >= 10, html[:2000]
    assert item.says.lower() in reason.lower()
    if target != m.IMPORT:
        assert KEEP_TYPED in html or target == m.SIGNED_PDF
        assert changed_tables(before, after) == {}
    else:
        assert changed_tables(before, after) == {"audit_events": 1}
        newest = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
        assert newest.action == "import.rejected"
    assert after.digest == before.digest


@pytest.mark.parametrize(("item", "target"), _cases(m.TOO_LARGE))
def test_body_over_the_request_limit_gets_413_and_changes_nothing(
    app, client, login_as, item, target
):
    """A body larger than MAX_CONTENT_LENGTH is refused with 413 before any check reads it."""
    assert len(item.data) > app.config["MAX_CONTENT_LENGTH"]
    response, before, after = _upload(app, client, login_as, item, target)

    assert response.status_code == 413
    assert "MB limit" in response.get_data(as_text=True)
    assert changed_tables(before, after) == {}
    assert after.digest == before.digest


@pytest.mark.parametrize(("item", "target"), _cases(m.ACCEPT))
def test_kept_file_is_stored_whole_inside_the_store_and_served_as_an_attachment(
    app, client, login_as, item, target
):
    """The bytes are kept unopened under one new name in UPLOAD_DIR, and come back only as an
    attachment with nosniff, so a browser never runs or renders them inline."""
    response, before, after = _upload(app, client, login_as, item, target)

    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    added = {path: digest for path, digest in after.files.items() if path not in before.files}
    assert list(added.values()) == [hashlib.sha256(item.data).hexdigest()]
    assert all("/" not in Path(path).name and ".." not in path for path in added)
    download = client.get(TARGETS[target].download())
    assert download.status_code == 200
    assert download.data == item.data
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert len(download.headers["Content-Disposition"]) < 400
    root = Path(app.config["UPLOAD_DIR"]).parent
    assert not list(root.rglob("hostile-slip.txt"))
    assert not Path("/tmp/hostile-slip.txt").exists()


@pytest.mark.parametrize(("item", "target"), _cases(m.PREVIEW))
def test_import_preview_of_hostile_csv_writes_nothing_to_the_register(
    app, client, login_as, item, target
):
    """The file is read into a preview job and its parsed rows; no register table changes and
    the preview page shows the values as escaped text."""
    response, before, after = _upload(app, client, login_as, item, target)

    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert set(changed_tables(before, after)) <= IMPORT_TABLES
    added = [path for path in after.files if path not in before.files]
    assert all(path.startswith("imports/") and ".." not in path for path in added)
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "<script>" not in page.get_data(as_text=True)


def test_imported_formulas_are_kept_as_text_and_exported_neutralised(app, client, login_as):
    """Formula-looking names import as plain text and leave again with a leading apostrophe, so
    a spreadsheet opening the export never evaluates them."""
    item = next(f for f in m.catalogue() if f.label == "csv_formula_injection")
    response, _, _ = _upload(app, client, login_as, item, m.IMPORT)
    job_url = response.headers["Location"]

    confirmed = client.post_form(f"{job_url}/confirm", {}, from_url=job_url)
    assert confirmed.status_code == 302
    export = client.get("/reports/export/organisations.csv").get_data(as_text=True)
    names = [row[0] for row in csv.reader(io.StringIO(export.lstrip("\ufeff")))][1:]
    typed = {value.strip() for value in FORMULAS}
    assert sorted(name[1:] for name in names if name.startswith("'")) == sorted(typed)
    assert not typed & set(names)
