"""Pages of the register blueprint: the public register (no sign-in), its open-data feed and
changelog, and the privacy office's publication control."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from sharing.core.access import roles_required
from sharing.core.clock import today
from sharing.core.forms import populate_errors, version_of
from sharing.core.pagination import apply_sort, page_args, paginate, parse_sort
from sharing.core.roles import Role
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db
from sharing.flows.models import DataFlow
from sharing.register import (
    algorithm_views,  # noqa: F401 - its routes join bp
    catalog,
    feed,
    public,
    queries,
    schemas,
    services,
)
from sharing.register.blueprint import bp
from sharing.register.fields import PUBLIC_FIELDS, arrangement_record, change_record
from sharing.register.forms import PublicationForm
from sharing.register.models import RegisterChangeKind
from sharing.register.templating import summary_for

__all__ = ["bp"]

# The arrangement page shows these in its list of details; the rest have places of their own
# (the heading, the summary, the children notice, the algorithms).
SHOWN_APART = {
    "service",
    "organisation",
    "department",
    "public_summary",
    "public_summary_es",
    "public_summary_vi",
    "includes_minors",
    "algorithms",
    "base_agreement_number",
}
DETAIL_FIELDS = tuple(f for f in PUBLIC_FIELDS if f.name not in SHOWN_APART)


def _records(flows: list[DataFlow]) -> list[dict]:
    agreements = queries.agreements_for(flows)
    algorithms = public.algorithms_by_lineage({f.lineage_id for f in flows})
    bases = queries.base_numbers(agreements.values())
    records = []
    for f in flows:
        agreement = agreements.get(f.lineage_id)
        base = bases.get(agreement.id) if agreement else None
        records.append(arrangement_record(f, agreement, algorithms.get(f.lineage_id), base))
    return records


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
    summary = summary_for(
        {
            "en": record["public_summary"],
            "es": record["public_summary_es"],
            "vi": record["public_summary_vi"],
        }
    )
    response = make_response(
        render_template(
            "register/arrangement.html", record=record, fields=DETAIL_FIELDS, summary=summary
        )
    )
    response.vary.add("Accept-Language")
    return response


@bp.get("/changes")
def changes():
    page = paginate(queries.changes_query(), *page_args())
    return render_template(
        "register/changes.html",
        page=page,
        records=[change_record(c) for c in page.items],
        change_labels={kind.value: kind.label for kind in RegisterChangeKind},
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
    return feed.register_json(
        _all_records(), today=today(), described_by=catalog.schema_url("register")
    )


def _all_changes() -> list[dict]:
    return [change_record(c) for c in db.session.scalars(queries.changes_query())]


@bp.get("/changes.csv")
def changes_csv():
    return feed.changes_csv(_all_changes(), bom=feed.wants_bom(request.args))


@bp.get("/changes.json")
def changes_json():
    return feed.changes_json(
        _all_changes(), today=today(), described_by=catalog.schema_url("changes")
    )


@bp.get("/schemas/<name>.json")
def schema(name: str):
    """A feed's JSON Schema: `<feed>-<major.minor>.json` for a version, `<feed>.json` for
    the latest."""
    found = schemas.find(name)
    if found is None:
        abort(404)
    feed_, version = found
    body = schemas.feed_schema(feed_, version, schema_id=catalog.schema_url(feed_.name, version))
    return feed.json_document(body, content_type=catalog.SCHEMA_MEDIA_TYPE)


@bp.get("/data.json")
def data_json():
    """The DCAT-US 1.1 catalog a city open-data portal harvests."""
    return feed.json_document(catalog.catalog(today=today()))


@bp.route("/flows/<int:flow_id>/publication", methods=["GET", "POST"])
@roles_required(*Role.OFFICE)
def publication(flow_id: int):
    flow = db.get_or_404(DataFlow, flow_id)
    form = PublicationForm(
        data={
            "decision": "publish" if flow.published else "exempt",
            "exemption": flow.publication_exemption,
            **{name: getattr(flow, name) for name in services.SUMMARIES},
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
                summaries={name: form[name].data or "" for name in services.SUMMARIES},
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
