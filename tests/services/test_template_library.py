"""Template library: checked versions numbered in order, files stored only when accepted,
shipped templates installed once, and every change audited."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import func, select

from sharing.agreements import template_library as library
from sharing.agreements.cli import agreements_cli
from sharing.agreements.models import AgreementTemplate, AgreementTemplateVersion, TemplateKind
from sharing.agreements.template_checks import TemplateRejected
from sharing.audit.models import AuditEvent
from sharing.audit.services import SYSTEM
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("app")

TEMPLATES = Path(__file__).resolve().parents[2] / "agreement_templates"


def make_docx(*paragraphs: str, header: str = "") -> bytes:
    """A small .docx written with python-docx; each text is a single run, as docxtpl needs."""
    document = Document()
    for text in paragraphs:
        document.add_paragraph().add_run(text)
    if header:
        document.sections[0].header.paragraphs[0].add_run(header)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


# Every shipped template is installed once.
SHIPPED = len(library.SHIPPED_TEMPLATES)
LIMITS = {"render_seconds": 10.0, "render_memory_mb": 512}
VALID = make_docx("Agreement {{ agreement.number }}", header="{{ city.name }}")
VALID_2 = make_docx("Agreement {{ agreement.number }} with {{ partner.legal_name }}")


def new_template(name: str = "Short form DPA", data: bytes = VALID, **overrides):
    values = {
        "actor": make_user("privacy"),
        "name": name,
        "kind": TemplateKind.VENDOR_DPA,
        "description": "For small vendors",
        "data": data,
        "original_name": "short-form.docx",
        "notes": "First draft",
        **LIMITS,
    }
    values.update(overrides)
    return library.create_template(**values)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def stored_files() -> list[str]:
    directory = library.template_dir()
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def version_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AgreementTemplateVersion))


def test_new_template_stores_version_one_with_hash_size_and_variables():
    """Version 1 keeps the file's SHA-256, size and the variables the check found."""
    template = new_template()
    (version,) = template.versions
    assert version.number == 1
    assert version.sha256 == hashlib.sha256(VALID).hexdigest()
    assert version.size == len(VALID)
    assert version.variables == ["agreement", "city"]
    assert version.render_seconds > 0
    assert version.original_name == "short-form.docx" and version.notes == "First draft"
    assert len(version.stored_name) <= 64 and version.stored_name.endswith(".docx")
    assert library.read_version(version) == VALID
    (event,) = events("agreement_template.created")
    assert event.changes["name"]["after"] == "Short form DPA"
    assert event.changes["version"]["after"]["sha256"] == version.sha256


def test_new_version_gets_the_next_number_and_earlier_versions_stay_readable():
    """Uploading again adds version 2; version 1's file and row are unchanged."""
    template = new_template()
    actor = make_user("admin")
    second = library.add_version(
        actor=actor, template=template, data=VALID_2, original_name="v2.docx", notes="", **LIMITS
    )
    assert second.number == 2 and second.uploaded_by_id == actor.id
    assert library.current_version(template) == second
    assert second.variables == ["agreement", "partner"]
    first = next(v for v in template.versions if v.number == 1)
    assert library.read_version(first) == VALID and library.read_version(second) == VALID_2
    assert len(stored_files()) == 2
    (event,) = events("agreement_template.version_added")
    assert event.changes["number"]["after"] == 2


def test_uploading_the_same_bytes_as_the_latest_version_is_refused():
    """An identical re-upload would add a version that changes nothing, so it is refused."""
    template = new_template()
    with pytest.raises(ValidationFailed) as caught:
        library.add_version(
            actor=make_user("privacy"),
            template=template,
            data=VALID,
            original_name="again.docx",
            **LIMITS,
        )
    assert caught.value.errors == {"file": "This file is the same as version 1."}
    assert version_count() == 1


def test_rejected_file_writes_no_file_no_row_and_no_audit_event():
    """A refused file leaves the template directory, the tables and the audit trail unchanged."""
    template = new_template()
    before_files, before_events = (
        stored_files(),
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
    )
    with pytest.raises(TemplateRejected) as caught:
        library.add_version(
            actor=make_user("privacy"),
            template=template,
            data=make_docx("{{ vendor.secret }}"),
            original_name="bad.docx",
            **LIMITS,
        )
    assert caught.value.details == ["vendor"]
    db.session.rollback()
    assert stored_files() == before_files
    assert version_count() == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before_events


def test_rejected_first_upload_creates_no_template_and_no_file():
    """A new template whose file is refused is not created at all."""
    with pytest.raises(TemplateRejected):
        new_template(data=b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    assert db.session.scalar(select(func.count()).select_from(AgreementTemplate)) == 0
    assert stored_files() == []
    assert events("agreement_template.created") == []


def test_failed_commit_removes_the_file_it_wrote(monkeypatch):
    """When the database refuses the row, the stored file is removed again."""
    template = new_template()

    def refuse():
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", refuse)
    with pytest.raises(RuntimeError):
        library.add_version(
            actor=make_user("privacy"), template=template, data=VALID_2, original_name="x", **LIMITS
        )
    monkeypatch.undo()
    assert len(stored_files()) == 1
    assert version_count() == 1


def test_template_names_are_unique_whatever_their_case():
    """A second template called the same (in any case) is refused on the name field."""
    new_template("Short form DPA")
    with pytest.raises(ValidationFailed) as caught:
        new_template("  short FORM dpa ", data=VALID_2)
    assert "already exists" in caught.value.errors["name"]
    assert len(stored_files()) == 1


def test_original_name_keeps_only_the_file_name():
    """Folders a browser sends with the file name are dropped."""
    template = new_template(original_name="C:\\Users\\ana\\Desktop\\dpa.docx")
    assert template.versions[0].original_name == "dpa.docx"


def test_deactivated_template_is_not_offered_but_keeps_its_versions():
    """Inactive templates drop out of active_templates; their versions stay."""
    template = new_template()
    actor = make_user("admin")
    library.set_active(actor=actor, template=template, active=False)
    assert library.active_templates() == []
    assert len(template.versions) == 1
    library.set_active(actor=actor, template=template, active=True)
    assert library.active_templates() == [template]
    assert [e.changes for e in events("agreement_template.deactivated")] == [
        {"active": {"before": True, "after": False}}
    ]
    assert len(events("agreement_template.activated")) == 1


def test_setting_the_state_a_template_already_has_is_a_conflict():
    """Activating an active template changes nothing and records nothing."""
    template = new_template()
    with pytest.raises(Conflict):
        library.set_active(actor=make_user("admin"), template=template, active=True)
    assert events("agreement_template.activated") == []


def test_active_templates_filter_by_kind_and_skip_templates_without_a_file():
    """Only templates with a version can be generated from; the kind narrows the list."""
    dpa = new_template("Short form DPA")
    amendment = new_template("Amendment", data=VALID_2, kind=TemplateKind.RENEWAL_AMENDMENT)
    db.session.add(AgreementTemplate(name="Empty", kind=TemplateKind.VENDOR_DPA))
    db.session.commit()
    assert library.active_templates() == [amendment, dpa]
    assert library.active_templates(TemplateKind.VENDOR_DPA) == [dpa]


# The three agreements and the disposition directive.
SHIPPED = len(library.SHIPPED_TEMPLATES)


def test_installing_shipped_templates_twice_adds_nothing_the_second_time():
    """install_shipped_templates is idempotent: the same files are recognised by SHA-256."""
    first = library.install_shipped_templates(actor=SYSTEM, **LIMITS)
    assert sorted(v.template.name for v in first) == sorted(
        t.name for t in library.SHIPPED_TEMPLATES
    )
    assert all(v.number == 1 and "agreement" in v.variables for v in first)
    assert len(events("agreement_template.installed")) == SHIPPED
    assert library.install_shipped_templates(actor=SYSTEM, **LIMITS) == []
    assert version_count() == SHIPPED and len(stored_files()) == SHIPPED
    assert len(events("agreement_template.installed")) == SHIPPED


def test_install_adds_versions_to_existing_templates_of_the_same_name():
    """Templates that exist by name without files get the shipped file as version 1."""
    for shipped in library.SHIPPED_TEMPLATES:
        db.session.add(
            AgreementTemplate(
                active=True, name=shipped.name, kind=shipped.kind, description=shipped.description
            )
        )
    db.session.commit()
    installed = library.install_shipped_templates(actor=SYSTEM, **LIMITS)
    assert len(installed) == SHIPPED
    assert db.session.scalar(select(func.count()).select_from(AgreementTemplate)) == SHIPPED


def test_install_can_leave_the_audit_events_to_the_caller():
    """The demo seed records one event of its own, so it installs without events."""
    library.install_shipped_templates(actor=SYSTEM, audited=False, **LIMITS)
    assert version_count() == SHIPPED
    assert events("agreement_template.installed") == []


def test_install_without_commit_leaves_the_transaction_to_the_caller():
    """With commit=False the versions are flushed, and the caller's rollback discards them."""
    installed = library.install_shipped_templates(actor=SYSTEM, commit=False, **LIMITS)
    assert len(installed) == SHIPPED and all(v.id for v in installed)
    db.session.rollback()
    assert version_count() == 0


def test_install_templates_command_reports_what_it_installed(app):
    """`flask agreements install-templates` installs once, then says there is nothing to do."""
    runner = app.test_cli_runner()
    first = runner.invoke(agreements_cli, ["install-templates"])
    assert first.exit_code == 0, first.output
    assert "version 1 of “Vendor data protection agreement”" in first.output
    again = runner.invoke(agreements_cli, ["install-templates"])
    assert again.exit_code == 0 and "nothing to do" in again.output


def test_shipped_files_exist_where_the_installer_reads_them():
    """The installer reads the same files the rendering tests check."""
    assert library.SHIPPED_DIR == TEMPLATES
    assert all((TEMPLATES / t.file).is_file() for t in library.SHIPPED_TEMPLATES)
