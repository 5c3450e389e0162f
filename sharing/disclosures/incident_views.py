"""Staff pages of the disclosures package: the incident register (read-only for now).

The privacy office (and admins) see every organisation's incidents; vendors report and read
their own through the portal, never here."""

from __future__ import annotations

from flask import abort, render_template, request

from sharing.auth.decorators import roles_required
from sharing.core.clock import now
from sharing.core.pagination import page_args, paginate
from sharing.disclosures import queries
from sharing.disclosures.blueprint import bp
from sharing.disclosures.models import IncidentStatus

OFFICE = ("admin", "privacy")


@bp.get("/incidents")
@roles_required(*OFFICE)
def incidents():
    filters = queries.IncidentFilters.from_args(request.args)
    moment = now()
    page = paginate(queries.incidents_query(filters, now=moment), *page_args())
    return render_template(
        "disclosures/incidents.html",
        page=page,
        filters=filters,
        sort=filters.sort,
        statuses=list(IncidentStatus),
        organisations=queries.organisation_choices(),
        overdue={item.id for item in page.items if queries.is_overdue(item, now=moment)},
    )


@bp.get("/incidents/<int:incident_id>")
@roles_required(*OFFICE)
def incident(incident_id: int):
    found = queries.incident(incident_id)
    if found is None:
        abort(404)
    return render_template(
        "disclosures/incident.html",
        incident=found,
        overdue=queries.is_overdue(found, now=now()),
        events=queries.history(found),
    )
