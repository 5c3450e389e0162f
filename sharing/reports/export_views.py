"""Spreadsheet downloads: the organisation and flow lists, and the import template. Read-only."""

from __future__ import annotations

from flask import Response, abort, request, stream_with_context
from flask_login import current_user

from sharing.core.access import roles_required
from sharing.core.downloads import content_disposition
from sharing.core.roles import Role
from sharing.core.spreadsheets import Export
from sharing.reports import exporting, workbook_template
from sharing.reports.blueprint import bp


@bp.get("/export/organisations.<fmt>")
@roles_required(*Role.STAFF)
def export_organisations(fmt: str):
    if fmt not in exporting.FORMATS:
        abort(404)
    return _download(exporting.export_organisations(request.args, fmt, viewer=current_user))


@bp.get("/export/flows.<fmt>")
@roles_required(*Role.STAFF)
def export_flows(fmt: str):
    if fmt not in exporting.FORMATS:
        abort(404)
    return _download(exporting.export_flows(request.args, fmt, viewer=current_user))


@bp.get("/import-template.xlsx")
@roles_required(*Role.STAFF)
def import_template():
    return _download(workbook_template.template_export())


def _download(export: Export) -> Response:
    body = export.body
    if not isinstance(body, bytes):
        body = stream_with_context(body)
    return Response(
        body,
        mimetype=export.mimetype,
        headers={
            "Content-Disposition": content_disposition(export.filename),
            "Cache-Control": "no-store",
        },
    )
