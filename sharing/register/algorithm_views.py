"""Public pages of the algorithm register: the list of public algorithm records, each record's
page, and their open-data downloads. Every value comes from the approved snapshot
(register/public.py)."""

from __future__ import annotations

from flask import make_response, render_template, request

from sharing.algorithms.public import TIER_1, TIER_2
from sharing.core.clock import today
from sharing.core.pagination import apply_sort, page_args, paginate, parse_sort
from sharing.extensions import db
from sharing.register import feed, public
from sharing.register.blueprint import bp
from sharing.register.catalog import schema_url
from sharing.register.templating import summary_for

# The record page's tier-2 sections, by field name; a field in none of them is shown under
# "Other details", so a field added to the declared list is never left off the page.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Decisions and oversight", ("decisions", "decision_maker", "human_oversight")),
    ("Legal authority", ("legal_basis", "legal_basis_url")),
    ("The system", ("model_kind", "model_name", "risk_tier")),
    ("Data used", ("categories", "arrangements", "training_data")),
    (
        "Accuracy and bias testing",
        ("accuracy_metrics", "bias_groups_tested", "last_tested_on", "tested_by"),
    ),
    ("Limitations", ("limitations",)),
    ("Equity", ("equity_groups", "equity_mitigations")),
    ("Dates", ("deployed_on", "retired_on", "approved_on")),
)
# Tier-1 fields with places of their own at the top of the page.
SHOWN_APART = {"algorithm_id", "name", "summary", "summary_es", "summary_vi"}


def sections() -> list[tuple[str, list]]:
    by_name = {f.name: f for f in TIER_2}
    placed = {name for _, names in SECTIONS for name in names}
    found = [(title, [by_name[n] for n in names if n in by_name]) for title, names in SECTIONS]
    rest = [f for f in TIER_2 if f.name not in placed]
    return [(title, fields) for title, fields in found + [("Other details", rest)] if fields]


@bp.get("/algorithms")
def algorithms():
    filters = public.AlgorithmFilters.from_args(request.args)
    sort = parse_sort(request.args.get("sort"), public.SORTS, "name")
    stmt = apply_sort(public.algorithms_query(filters), sort, public.SORTS, public.TIEBREAK)
    page = paginate(stmt, *page_args())
    return render_template(
        "register/algorithms.html",
        page=page,
        records=[public.algorithm_record(a) for a in page.items],
        filters=filters,
        sort=sort,
        risk_tiers=public.RISK_TIERS,
    )


@bp.get("/algorithms/<int:algorithm_id>")
def algorithm(algorithm_id: int):
    record = public.algorithm_record(public.algorithm_or_404(algorithm_id))
    summary = summary_for(
        {"en": record["summary"], "es": record["summary_es"], "vi": record["summary_vi"]}
    )
    response = make_response(
        render_template(
            "register/algorithm.html",
            record=record,
            summary=summary,
            top=[f for f in TIER_1 if f.name not in SHOWN_APART],
            sections=sections(),
            listed=public.listed_arrangements(record["arrangements"] or []),
        )
    )
    response.vary.add("Accept-Language")
    return response


def _all_records() -> list[dict]:
    """Every public record matching the list page's search and filters, by number."""
    filters = public.AlgorithmFilters.from_args(request.args)
    stmt = public.algorithms_query(filters).order_by(public.TIEBREAK)
    return [public.algorithm_record(a) for a in db.session.scalars(stmt)]


@bp.get("/algorithms.csv")
def algorithms_csv():
    return feed.algorithms_csv(_all_records(), bom=feed.wants_bom(request.args))


@bp.get("/algorithms.json")
def algorithms_json():
    return feed.algorithms_json(
        _all_records(), today=today(), described_by=schema_url("algorithms")
    )
