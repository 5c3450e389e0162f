"""The accountability report page and its downloads (the workbook, and each sheet as CSV).

Read-only, like the other exports: downloads write no audit event.
"""

from __future__ import annotations

from flask import Response, abort, render_template, request
from wtforms import Form, SelectField

from sharing.core.access import roles_required
from sharing.core.clock import today
from sharing.core.downloads import content_disposition
from sharing.core.roles import Role
from sharing.core.spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE
from sharing.reports import accountability as report
from sharing.reports.accountability_sheets import FIRST_YEAR, report_years
from sharing.reports.blueprint import bp


class YearForm(Form):
    """The year picker: a GET form, so it carries no CSRF token."""

    year = SelectField("Year", coerce=int, description="Calendar year, in the city's dates.")


@bp.get("/accountability")
@roles_required(*Role.OFFICE)
def accountability():
    day = today()
    years = report_years(today=day)
    form = YearForm(request.args)
    form.year.choices = [(year, str(year)) for year in years]
    if not (request.args.get("year") and form.validate()):
        form.year.data = day.year - 1 if day.year - 1 in years else day.year
    frames = report.accountability_frames(year=form.year.data, today=day)
    return render_template(
        "reports/accountability.html",
        form=form,
        year=form.year.data,
        summary=frames["Summary"].itertuples(index=False),
        sheets=[(slug, title, len(frames[title])) for slug, title in report.SHEETS.items()],
    )


@bp.get("/accountability/<int:year>.xlsx")
@roles_required(*Role.OFFICE)
def accountability_workbook(year: int):
    body = report.accountability_workbook(
        report.accountability_frames(year=_year(year), today=today())
    )
    return _download(body, f"accountability-report-{year}.xlsx", XLSX_MIMETYPE)


@bp.get("/accountability/<int:year>/<sheet>.csv")
@roles_required(*Role.OFFICE)
def accountability_sheet(year: int, sheet: str):
    if sheet not in report.SHEETS:
        abort(404)
    frames = report.accountability_frames(year=_year(year), today=today())
    body = report.accountability_sheet_csv(frames, sheet)
    return _download(body, f"accountability-{year}-{sheet}.csv", CSV_MIMETYPE)


def _year(year: int) -> int:
    """A year the report can cover: 2000 to next year; anything else is 404."""
    if not FIRST_YEAR <= year <= today().year + 1:
        abort(404)
    return year


def _download(body: bytes, filename: str, mimetype: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": content_disposition(filename),
            "Cache-Control": "no-store",
        },
    )
