"""Browsing and exporting the audit trail (privacy office and admins). Read-only."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, stream_with_context

from sharing.audit import queries, reading
from sharing.core.access import roles_required
from sharing.core.clock import today
from sharing.core.downloads import content_disposition
from sharing.core.pagination import page_args, paginate
from sharing.core.roles import Role

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("/")
@roles_required(*Role.OFFICE)
def events():
    filters = queries.AuditFilters.from_args(request.args)
    page = paginate(queries.events_query(filters), *page_args())
    return render_template(
        "audit/events.html",
        page=page,
        events=reading.readable(page.items),
        filters=filters,
        actions={a: reading.action_label(a) for a in queries.known_actions()},
        object_types=reading.object_type_labels(queries.known_object_types()),
    )


@bp.get("/export.csv")
@roles_required(*Role.OFFICE)
def export_csv():
    filters = queries.AuditFilters.from_args(request.args)
    rows = queries.csv_rows(queries.events_query(filters))
    return Response(
        stream_with_context(rows),
        mimetype="text/csv",
        headers={
            "Content-Disposition": content_disposition(f"audit-trail-{today().isoformat()}.csv")
        },
    )
