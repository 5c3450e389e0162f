"""The reminders list: every reminder the register queued, for the privacy office and admins."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for

from sharing.core.access import roles_required
from sharing.core.pagination import page_args, paginate
from sharing.core.roles import Role
from sharing.renewals import queries
from sharing.renewals.blueprint import bp
from sharing.renewals.models import Reminder

# Where each kind of object is shown to staff; evidence has no page of its own, so its link
# opens the organisation's evidence list.
OBJECT_PAGES = {
    "agreement": ("agreements.agreement", "agreement_id"),
    "attestation": ("attestations.request", "request_id"),
    "incident": ("disclosures.incident", "incident_id"),
}


def object_url(reminder: Reminder) -> str | None:
    if reminder.object_type == "evidence":
        return url_for("attestations.evidence", organisation=reminder.organisation_id)
    endpoint, argument = OBJECT_PAGES.get(reminder.object_type, ("", ""))
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **{argument: reminder.object_id})


@bp.get("/reminders", endpoint="reminders")
@roles_required(*Role.OFFICE)
def reminders_page():
    filters = queries.ReminderFilters.from_args(request.args)
    page = paginate(queries.reminders_query(filters), *page_args())
    return render_template(
        "renewals/reminders.html",
        page=page,
        filters=filters,
        kinds=queries.KIND_LABELS,
        organisations=queries.organisation_menu(filters.organisation_id),
        names=queries.organisation_names(r.organisation_id for r in page.items),
        labels=queries.object_labels(page.items),
        delivery=queries.reminder_delivery(page.items),
        links={r.id: object_url(r) for r in page.items},
    )
