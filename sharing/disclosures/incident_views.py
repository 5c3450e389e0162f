"""Staff pages of the disclosures package: the incident register, the staff report form and
the workflow steps.

The privacy office (and admins) see every organisation's incidents and move them along;
procurement may also report one. Vendors report and read their own through the portal."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from sharing.audit import reading
from sharing.core.access import roles_required
from sharing.core.clock import now
from sharing.core.forms import populate_errors
from sharing.core.pagination import page_args, paginate
from sharing.core.query_args import positive_int
from sharing.core.roles import Role
from sharing.disclosures import queries, services, workflow
from sharing.disclosures.blueprint import bp
from sharing.disclosures.forms import IncidentStepForm, StaffIncidentForm
from sharing.disclosures.models import IncidentStatus
from sharing.errors import DomainError, ValidationFailed


@bp.get("/incidents")
@roles_required(*Role.OFFICE)
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
        organisations=queries.organisation_choices(filters.organisation_id),
        overdue={item.id for item in page.items if queries.is_overdue(item, now=moment)},
    )


@bp.get("/incidents/<int:incident_id>")
@roles_required(*Role.OFFICE)
def incident(incident_id: int):
    found = queries.incident(incident_id)
    if found is None:
        abort(404)
    return render_template(
        "disclosures/incident.html",
        incident=found,
        overdue=queries.is_overdue(found, now=now()),
        events=reading.readable(queries.history(found)),
        updates=queries.updates(found),
        steps=workflow.available_steps(found, current_user.role.value),
        form=IncidentStepForm(formdata=None, version=found.version),
    )


@bp.route("/incidents/new", methods=["GET", "POST"])
@roles_required(*Role.STAFF)
def new_incident():
    form = StaffIncidentForm()
    chosen = _chosen_organisation(form)
    _set_choices(form, chosen)
    if form.validate_on_submit():
        try:
            reported = services.report_incident(
                actor=current_user, now=now(), **form.report_values()
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        else:
            flash(
                f"Incident {reported.reference} is recorded; the privacy office is told.", "success"
            )
            if current_user.role in Role.OFFICE:
                return redirect(url_for("disclosures.incident", incident_id=reported.id))
            return redirect(url_for("dashboard.home"))
    return render_template("disclosures/incident_form.html", form=form, chosen=chosen)


@bp.post("/incidents/<int:incident_id>/<step>")
@roles_required(*Role.OFFICE)
def incident_step(incident_id: int, step: str):
    found = queries.incident(incident_id)
    if found is None or step not in workflow.TRANSITIONS:
        abort(404)
    form = IncidentStepForm()
    if not form.validate_on_submit():
        flash("The form expired or a date was not valid. Please try again.", "danger")
        return redirect(url_for("disclosures.incident", incident_id=found.id))
    try:
        workflow.step_incident(
            actor=current_user,
            incident=found,
            step=step,
            expected_version=form.expected_version(),
            now=now(),
            individuals_notified_on=form.individuals_notified_on.data,
            authorities_notified_on=form.authorities_notified_on.data,
            note=form.note.data or "",
        )
    except ValidationFailed as error:
        for reason in error.errors.values():
            flash(reason, "danger")
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash(workflow.TRANSITIONS[step].done_message(found), "success")
    return redirect(url_for("disclosures.incident", incident_id=found.id))


def _chosen_organisation(form: StaffIncidentForm) -> int | None:
    """The organisation picked: from the posted form, else from ?organisation= on the page."""
    if request.method == "POST":
        return positive_int(request.form.get("organisation_id"))
    chosen = positive_int(request.args.get("organisation"))
    form.organisation_id.data = chosen
    return chosen


def _set_choices(form: StaffIncidentForm, organisation_id: int | None) -> None:
    form.set_organisations(queries.reporting_organisations())
    if organisation_id is None:
        form.set_agreements([])
        form.set_affected([], [])
        return
    form.set_agreements(queries.organisation_agreements(organisation_id))
    form.set_affected(
        queries.organisation_flows(organisation_id),
        queries.organisation_categories(organisation_id),
    )
