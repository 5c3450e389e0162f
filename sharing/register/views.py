"""Pages of the register blueprint: the public register (no sign-in), its open-data feed and
changelog, and the privacy office's publication control."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from sharing.core.access import roles_required
from sharing.core.clock import today
from sharing.core.forms import populate_errors, version_of
from sharing.core.pagination import apply_sort, page_args, paginate, parse_sort
from sharing.core.roles import Role
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from sharing.flows.models import DataFlow
from sharing.register import feed, queries, services
from sharing.register.blueprint import bp
from sharing.register.fields import PUBLIC_FIELDS, arrangement_record, change_record
from sharing.register.forms import PublicationForm

__all__ = ["bp"]


def _records(flows: list[DataFlow]) -> list[dict]:
    agreements = queries.agreements_for(flows)
    return [arrangement_record(f, agreements.get(f.lineage_id)) for f in flows]


@bp.get("/")
def index():
    filters = queries.RegisterFilters.from_args(request.args)
    sort = parse_sort(request.args.get("sort"), queries.SORTS, "organisation")
    stmt = apply_sort(queries.arrangement_ids_query(filters), sort, queries.SORTS, queries.TIEBREAK)
    page = paginate(stmt, *page_args())
    return render_template(
        "register/index.html",
        page=page,
        records=_records(queries.arrangements_by_id(list(page.items))),
        filters=filters,
        sort=sort,
        choices=queries.filter_choices(organisation=filters.organisation),
    )


@bp.get("/<int:flow_id>")
def arrangement(flow_id: int):
    flow = queries.arrangement_or_404(flow_id)
    record = _records([flow])[0]
    return render_template("register/arrangement.html", record=record, fields=PUBLIC_FIELDS)


@bp.get("/changes")
def changes():
    page = paginate(queries.changes_query(), *page_args())
    return render_template(
        "register/changes.html", page=page, records=[change_record(c) for c in page.items]
    )


def _all_records() -> list[dict]:
    """Every arrangement matching the same search and filters as the register page."""
    filters = queries.RegisterFilters.from_args(request.args)
    stmt = queries.arrangements_query(filters).order_by(DataFlow.lineage_id)
    return _records(list(db.session.scalars(stmt)))


@bp.get("/register.csv")
def feed_csv():
    return feed.register_csv(_all_records(), bom=feed.wants_bom(request.args))


@bp.get("/register.json")
def feed_json():
    return feed.register_json(_all_records(), today=today())


def _all_changes() -> list[dict]:
    return [change_record(c) for c in db.session.scalars(queries.changes_query())]


@bp.get("/changes.csv")
def changes_csv():
    return feed.changes_csv(_all_changes(), bom=feed.wants_bom(request.args))


@bp.get("/changes.json")
def changes_json():
    return feed.changes_json(_all_changes(), today=today())


@bp.route("/flows/<int:flow_id>/publication", methods=["GET", "POST"])
@roles_required(*Role.OFFICE)
def publication(flow_id: int):
    flow = db.get_or_404(DataFlow, flow_id)
    form = PublicationForm(
        data={
            "decision": "publish" if flow.published else "exempt",
            "exemption": flow.publication_exemption,
            "version": flow.version,
        }
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        try:
            services.set_publication(
                flow=flow,
                published=form.decision.data == "publish",
                exemption=form.exemption.data or "",
                actor=current_user,
                today=today(),
                expected_version=version_of(form),
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        except Conflict as error:
            flash(error.message, "danger")
        else:
            flash(_decision_message(flow), "success")
            return redirect(url_for("flows.flow", flow_id=flow.id))
    shown = queries.is_public(flow)
    return render_template("register/publication.html", flow=flow, form=form, shown=shown)


def _decision_message(flow: DataFlow) -> str:
    if flow.published:
        return f"Flow “{flow.system_name}” is to be published on the public register."
    return f"Flow “{flow.system_name}” is exempt from the public register."
