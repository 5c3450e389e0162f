"""The report of every exception the City accepted, by obligation, as a page and as CSV."""

from __future__ import annotations

from flask import Response, render_template, stream_with_context

from sharing.core.access import roles_required
from sharing.core.clock import today
from sharing.core.csv_safety import csv_lines
from sharing.core.downloads import content_disposition
from sharing.core.pagination import page_args, paginate
from sharing.core.roles import Role
from sharing.negotiation import queries
from sharing.negotiation.blueprint import bp


@bp.get("/exceptions")
@roles_required(*Role.STAFF)
def exceptions():
    page, per_page = page_args()
    return render_template(
        "negotiation/exceptions.html", page=paginate(queries.exceptions_query(), page, per_page)
    )


@bp.get("/exceptions.csv")
@roles_required(*Role.STAFF)
def exceptions_csv():
    rows = csv_lines(list(queries.REPORT_COLUMNS), queries.exception_rows())
    return Response(
        stream_with_context(rows),
        mimetype="text/csv",
        headers={
            "Content-Disposition": content_disposition(f"agreed-exceptions-{today()}.csv"),
            "Cache-Control": "no-store",
        },
    )
