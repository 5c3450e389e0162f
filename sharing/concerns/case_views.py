"""The privacy office's pages for concerns: the list of cases and one case, with its steps
(assign, move along, note, answer, change the deadline). Procurement and vendors have no
access: a case holds a member of the public's words and address."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from sharing.audit import reading
from sharing.concerns import cases as work
from sharing.concerns import queries
from sharing.concerns.blueprint import bp
from sharing.concerns.case_forms import (
    AssignForm,
    DeadlineForm,
    NoteForm,
    ResponseForm,
    VersionForm,
)
from sharing.concerns.models import LANGUAGES, Concern, ConcernKind, ConcernStatus
from sharing.concerns.subjects import staff_flow_id, subject_of
from sharing.core.access import roles_required
from sharing.core.clock import now, today
from sharing.core.forms import populate_errors, version_of
from sharing.core.pagination import page_args, paginate
from sharing.core.roles import Role
from sharing.errors import Conflict, ValidationFailed


@bp.get("/cases")
@roles_required(*Role.OFFICE)
def cases():
    filters = queries.CaseFilters.from_args(request.args)
    day = today()
    page = paginate(queries.cases_query(filters, user=current_user, today=day), *page_args())
    return render_template(
        "concerns/cases.html",
        page=page,
        filters=filters,
        sort=filters.sort,
        statuses=list(ConcernStatus),
        kinds=list(ConcernKind),
        users=work.assignable_users(),
        today=day,
    )


def _found(concern_id: int) -> Concern:
    found = queries.case(concern_id)
    if found is None:
        abort(404)
    return found


def _case_page(concern: Concern, **forms):
    version = concern.version
    assign = forms.get("assign") or AssignForm(
        formdata=None, assignee_id=concern.assignee_id, version=version
    )
    assign.set_users(work.assignable_users())
    return render_template(
        "concerns/case.html",
        concern=concern,
        subject=subject_of(concern),
        flow_id=staff_flow_id(concern.flow_lineage_id),
        overdue=concern.is_overdue(on=today()),
        steps=work.available_steps(concern),
        notes=queries.notes(concern),
        events=reading.readable(queries.history(concern)),
        assign=assign,
        algorithm_url=_url_or_none("algorithms.algorithm", algorithm_id=concern.algorithm_id),
        languages=LANGUAGES,
        note=forms.get("note") or NoteForm(formdata=None),
        response=forms.get("response")
        or ResponseForm(formdata=None, public_response=concern.public_response, version=version),
        deadline=forms.get("deadline")
        or DeadlineForm(formdata=None, due_on=concern.due_on, version=version),
    )


@bp.get("/cases/<int:concern_id>")
@roles_required(*Role.OFFICE)
def case(concern_id: int):
    return _case_page(_found(concern_id))


def _url_or_none(endpoint: str, **values) -> str | None:
    """A link to another helper's page, or None while that page is not installed."""
    if any(value is None for value in values.values()):
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _back(concern: Concern):
    return redirect(url_for("concerns.case", concern_id=concern.id))


def _run(concern: Concern, form, name: str, service, done: str):
    """Validate the posted form, call the service, and flash and return to the case; or show
    the case again with the form's errors beside its fields."""
    if form.validate_on_submit():
        try:
            service(form)
        except ValidationFailed as error:
            populate_errors(form, error)
        except Conflict as error:
            flash(error.message, "danger")
            return _back(concern)
        else:
            flash(f"Case {concern.reference} {done}.", "success")
            return _back(concern)
    return _case_page(concern, **{name: form}), 400


@bp.post("/cases/<int:concern_id>/assign")
@roles_required(*Role.OFFICE)
def assign(concern_id: int):
    concern = _found(concern_id)
    form = AssignForm()
    form.set_users(work.assignable_users())
    if request.form.get("me"):
        form.assignee_id.data = current_user.id

    def service(f):
        chosen = current_user.id if request.form.get("me") else f.assignee_id.data
        work.assign_case(
            actor=current_user,
            concern=concern,
            assignee_id=chosen,
            expected_version=version_of(f),
        )

    return _run(concern, form, "assign", service, "is assigned")


@bp.post("/cases/<int:concern_id>/steps/<step>")
@roles_required(*Role.OFFICE)
def step(concern_id: int, step: str):
    concern = _found(concern_id)
    if step not in work.STEPS:
        abort(404)
    form = VersionForm()

    def service(f):
        work.step_case(
            actor=current_user,
            concern=concern,
            step=step,
            expected_version=version_of(f),
            now=now(),
        )

    return _run(concern, form, "step", service, work.STEPS[step].done)


@bp.post("/cases/<int:concern_id>/notes")
@roles_required(*Role.OFFICE)
def note(concern_id: int):
    concern = _found(concern_id)

    def service(f):
        work.add_note(actor=current_user, concern=concern, body=f.body.data, now=now())

    return _run(concern, NoteForm(), "note", service, "has a new internal note")


@bp.post("/cases/<int:concern_id>/response")
@roles_required(*Role.OFFICE)
def respond(concern_id: int):
    concern = _found(concern_id)

    def service(f):
        work.respond(
            actor=current_user,
            concern=concern,
            response=f.public_response.data,
            expected_version=version_of(f),
            now=now(),
        )

    return _run(concern, ResponseForm(), "response", service, "is answered")


@bp.post("/cases/<int:concern_id>/deadline")
@roles_required(*Role.OFFICE)
def deadline(concern_id: int):
    concern = _found(concern_id)

    def service(f):
        work.change_deadline(
            actor=current_user,
            concern=concern,
            due_on=f.due_on.data,
            reason=f.reason.data,
            expected_version=version_of(f),
        )

    return _run(concern, DeadlineForm(), "deadline", service, "has a new deadline")
