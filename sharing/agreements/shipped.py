"""Installing the templates that ship with the app from the templates page: the same install
as `agreements install-templates`, recorded as one audit event for the whole change."""

from __future__ import annotations

from typing import Any

from sharing.agreements.models import AgreementTemplateVersion
from sharing.agreements.template_library import install_shipped_templates, version_path
from sharing.audit import services as audit
from sharing.core.database import commit_or_conflict
from sharing.extensions import db


def install_from_page(
    *, actor: Any, render_seconds: float, render_memory_mb: int
) -> list[AgreementTemplateVersion]:
    """Install what is missing and commit once; [] when everything is already there."""
    installed = install_shipped_templates(
        actor=actor,
        render_seconds=render_seconds,
        render_memory_mb=render_memory_mb,
        commit=False,
        audited=False,
    )
    if not installed:
        return []
    names = [version.template.name for version in installed]
    audit.record(
        actor=actor,
        action="agreement_template.shipped_installed",
        object_type="agreement_template",
        changes={"templates": {"before": None, "after": names}},
        summary=f"Installed the templates that come with the app: {', '.join(names)}",
    )
    try:
        commit_or_conflict("The templates were installed at the same time elsewhere.")
    except Exception:
        db.session.rollback()
        for version in installed:
            version_path(version).unlink(missing_ok=True)
        raise
    return installed
