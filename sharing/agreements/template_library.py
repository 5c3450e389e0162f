"""Template-library use cases: templates, their checked .docx versions, and the shipped files.

Every version is checked by `check_template` (content, macros, DTDs, Jinja, a trial render)
before anything is written. Its file is stored under UPLOAD_DIR/templates with a random name;
when the database refuses the row, the file is removed again, so a failure leaves nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from sharing.agreements.models import AgreementTemplate, AgreementTemplateVersion, TemplateKind
from sharing.agreements.template_checks import check_template
from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.core.downloads import slug
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SHIPPED_DIR = Path(__file__).resolve().parents[2] / "agreement_templates"
TEMPLATE_FIELDS = ("name", "kind", "description", "active")
VERSION_FIELDS = ("number", "original_name", "size", "sha256", "variables", "render_seconds")


@dataclass(frozen=True)
class ShippedTemplate:
    file: str
    name: str
    kind: TemplateKind
    description: str


# The same names as the demo seed (sharing/demo/policy_data.py), so both find one template.
SHIPPED_TEMPLATES: tuple[ShippedTemplate, ...] = (
    ShippedTemplate(
        "vendor-data-protection-agreement.docx",
        "Vendor data protection agreement",
        TemplateKind.VENDOR_DPA,
        "For companies that process City personal information on its behalf.",
    ),
    ShippedTemplate(
        "interagency-data-sharing-agreement.docx",
        "Interagency data sharing agreement",
        TemplateKind.INTERAGENCY,
        "For other public agencies, nonprofits and research partners.",
    ),
    ShippedTemplate(
        "renewal-amendment.docx",
        "Renewal amendment",
        TemplateKind.RENEWAL_AMENDMENT,
        "Extends an agreement's term and updates its schedules.",
    ),
    ShippedTemplate(
        "adoption.docx",
        "Adoption of a general offer",
        TemplateKind.ADOPTION,
        "A department takes on, for its own flows, an agreement the vendor offered to all.",
    ),
    ShippedTemplate(
        "disposition-directive.docx",
        "Disposition directive",
        TemplateKind.DISPOSITION,
        "Tells a vendor what to return or destroy when an agreement ends or a flow is retired.",
    ),
)


# Files ---------------------------------------------------------------------------------


def template_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "templates"


def version_path(version: AgreementTemplateVersion) -> Path:
    return template_dir() / version.stored_name


def read_version(version: AgreementTemplateVersion) -> bytes:
    return version_path(version).read_bytes()


def download_name(version: AgreementTemplateVersion) -> str:
    """`vendor-data-protection-agreement-v2.docx`: the template's name, slugged, and the number."""
    name = slug(version.template.name, default="template", limit=80)
    return f"{name}-v{version.number}.docx"


def _remove(paths: Iterable[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


# Reading -------------------------------------------------------------------------------


def current_version(template: AgreementTemplate) -> AgreementTemplateVersion | None:
    """The highest-numbered version: the one new agreements are generated from."""
    return max(template.versions, key=lambda v: v.number, default=None)


def active_templates(kind: TemplateKind | None = None) -> list[AgreementTemplate]:
    """Templates offered for generation: active, with at least one version, by name."""
    stmt = (
        select(AgreementTemplate)
        .where(AgreementTemplate.active.is_(True), AgreementTemplate.versions.any())
        .options(selectinload(AgreementTemplate.versions))
        .order_by(AgreementTemplate.name)
    )
    if kind is not None:
        stmt = stmt.where(AgreementTemplate.kind == kind)
    return list(db.session.scalars(stmt))


def _name_taken(name: str) -> bool:
    stmt = select(AgreementTemplate.id).where(func.lower(AgreementTemplate.name) == name.lower())
    return db.session.scalar(stmt) is not None


def _find_by_name(name: str) -> AgreementTemplate | None:
    stmt = select(AgreementTemplate).where(func.lower(AgreementTemplate.name) == name.lower())
    return db.session.scalar(stmt)


# Versions ------------------------------------------------------------------------------


def _stage_version(
    *,
    actor: Any,
    template: AgreementTemplate,
    data: bytes,
    original_name: str,
    notes: str,
    render_seconds: float,
    render_memory_mb: int,
) -> tuple[AgreementTemplateVersion, Path]:
    """Check the file, write it and add (flush) its row; the caller audits and commits."""
    report = check_template(
        data,
        name=original_name or "template.docx",
        render_seconds=render_seconds,
        render_memory_mb=render_memory_mb,
    )
    number = 1
    if template.id is not None:
        latest = db.session.scalar(
            select(func.max(AgreementTemplateVersion.number)).where(
                AgreementTemplateVersion.template_id == template.id
            )
        )
        number = (latest or 0) + 1
    stored_name = secrets.token_hex(16) + ".docx"
    path = template_dir() / stored_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    version = AgreementTemplateVersion(
        template=template,
        number=number,
        original_name=report.name,
        stored_name=stored_name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        variables=report.variables,
        render_seconds=round(report.render_seconds, 3),
        notes=notes.strip(),
        uploaded_by_id=actor.id,
    )
    db.session.add(version)
    try:
        db.session.flush()
    except Exception:
        _remove([path])
        raise
    return version, path


def _refuse_duplicate(template: AgreementTemplate, data: bytes) -> None:
    latest = current_version(template)
    if latest is not None and latest.sha256 == hashlib.sha256(data).hexdigest():
        raise ValidationFailed({"file": f"This file is the same as version {latest.number}."})


def _commit(paths: list[Path], *, conflict: str) -> None:
    """Commit once; on failure roll back and remove the files written for this change."""
    try:
        commit_or_conflict(conflict)
    except IntegrityError:
        db.session.rollback()
        _remove(paths)
        raise Conflict(conflict) from None
    except Exception:
        db.session.rollback()
        _remove(paths)
        raise


def add_version(
    *,
    actor: Any,
    template: AgreementTemplate,
    data: bytes,
    original_name: str,
    notes: str = "",
    render_seconds: float,
    render_memory_mb: int,
) -> AgreementTemplateVersion:
    """Check the file and store it as the template's next version; earlier versions stay."""
    _refuse_duplicate(template, data)
    version, path = _stage_version(
        actor=actor,
        template=template,
        data=data,
        original_name=original_name,
        notes=notes,
        render_seconds=render_seconds,
        render_memory_mb=render_memory_mb,
    )
    audit.record(
        actor=actor,
        action="agreement_template.version_added",
        object_type="agreement_template",
        object_id=template.id,
        changes=audit.created(audit.snapshot(version, VERSION_FIELDS)),
        summary=f"Uploaded version {version.number} of {template.name} ({version.original_name})",
    )
    _commit([path], conflict="Another version was uploaded at the same time. Please try again.")
    return version


# Templates -----------------------------------------------------------------------------


def create_template(
    *,
    actor: Any,
    name: str,
    kind: TemplateKind,
    description: str = "",
    data: bytes,
    original_name: str,
    notes: str = "",
    render_seconds: float,
    render_memory_mb: int,
) -> AgreementTemplate:
    """A new template with the uploaded file as version 1."""
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed({"name": "Give the template a name."})
    if _name_taken(name):
        raise ValidationFailed({"name": f"A template called “{name}” already exists."})
    template = AgreementTemplate(name=name, kind=kind, description=description.strip(), active=True)
    db.session.add(template)
    try:
        version, path = _stage_version(
            actor=actor,
            template=template,
            data=data,
            original_name=original_name,
            notes=notes,
            render_seconds=render_seconds,
            render_memory_mb=render_memory_mb,
        )
    except Exception:
        db.session.rollback()
        raise
    audit.record(
        actor=actor,
        action="agreement_template.created",
        object_type="agreement_template",
        object_id=template.id,
        changes=audit.created(
            {**audit.snapshot(template, TEMPLATE_FIELDS), "version": _version_values(version)}
        ),
        summary=f"Created template {template.name} with version 1 ({version.original_name})",
    )
    _commit([path], conflict=f"A template called “{name}” was created at the same time.")
    return template


def _version_values(version: AgreementTemplateVersion) -> dict[str, Any]:
    return audit.snapshot(version, VERSION_FIELDS)


def set_active(*, actor: Any, template: AgreementTemplate, active: bool) -> AgreementTemplate:
    """Offer the template for generation, or stop offering it; its versions are kept."""
    if template.active == active:
        state = "active" if active else "inactive"
        raise Conflict(f"{template.name} is already {state}.")
    before = audit.snapshot(template, TEMPLATE_FIELDS)
    template.active = active
    audit.record(
        actor=actor,
        action=f"agreement_template.{'activated' if active else 'deactivated'}",
        object_type="agreement_template",
        object_id=template.id,
        changes=audit.diff(before, audit.snapshot(template, TEMPLATE_FIELDS)),
        summary=f"{'Activated' if active else 'Deactivated'} template {template.name}",
    )
    commit_or_conflict()
    return template


# Shipped templates ---------------------------------------------------------------------


def install_shipped_templates(
    *,
    actor: Any,
    render_seconds: float,
    render_memory_mb: int,
    commit: bool = True,
    audited: bool = True,
    directory: Path = SHIPPED_DIR,
) -> list[AgreementTemplateVersion]:
    """Add each shipped .docx as a version of its template, unless already there.

    Safe to run again: a file whose SHA-256 a template version already has is skipped. With
    `commit=False` the rows are only flushed, for a caller (the demo seed) that commits;
    `audited=False` leaves the events to such a caller (the demo records one for the seed).
    """
    installed: list[AgreementTemplateVersion] = []
    written: list[Path] = []
    try:
        for shipped in SHIPPED_TEMPLATES:
            version = _install_one(
                actor=actor,
                shipped=shipped,
                data=(directory / shipped.file).read_bytes(),
                render_seconds=render_seconds,
                render_memory_mb=render_memory_mb,
                audited=audited,
            )
            if version is not None:
                installed.append(version)
                written.append(version_path(version))
    except Exception:
        _remove(written)
        if commit:
            db.session.rollback()
        raise
    if commit:
        _commit(written, conflict="The templates were installed at the same time elsewhere.")
    return installed


def _install_one(
    *,
    actor: Any,
    shipped: ShippedTemplate,
    data: bytes,
    render_seconds: float,
    render_memory_mb: int,
    audited: bool,
) -> AgreementTemplateVersion | None:
    digest = hashlib.sha256(data).hexdigest()
    template = _find_by_name(shipped.name)
    if template is not None and any(v.sha256 == digest for v in template.versions):
        return None
    created = template is None
    if template is None:
        template = AgreementTemplate(
            name=shipped.name, kind=shipped.kind, description=shipped.description, active=True
        )
        db.session.add(template)
    version, _ = _stage_version(
        actor=actor,
        template=template,
        data=data,
        original_name=shipped.file,
        notes="Shipped with the application.",
        render_seconds=render_seconds,
        render_memory_mb=render_memory_mb,
    )
    if not audited:
        return version
    changes = {"version": _version_values(version)}
    if created:
        changes.update(audit.snapshot(template, TEMPLATE_FIELDS))
    audit.record(
        actor=actor,
        action="agreement_template.installed",
        object_type="agreement_template",
        object_id=template.id,
        changes=audit.created(changes),
        summary=f"Installed {shipped.file} as version {version.number} of {template.name}",
    )
    return version
