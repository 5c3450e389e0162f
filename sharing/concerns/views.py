"""The public's pages, open to anyone without an account: raising a concern (about an
arrangement on the register, a public algorithm, or nothing in particular), the receipt with
its reference, and the status page found by that reference."""

from __future__ import annotations

from datetime import date

from flask import current_app, redirect, render_template, request, session, url_for

from sharing.concerns import abuse, case_views, queries, services  # noqa: F401 - routes join bp
from sharing.concerns.blueprint import bp
from sharing.concerns.forms import ConcernForm, StatusLookupForm
from sharing.concerns.models import LANGUAGES, ConcernKind
from sharing.concerns.references import random_reference
from sharing.concerns.subjects import subject_for, subject_of
from sharing.core.clock import now, today
from sharing.core.error_pages import render_error
from sharing.core.forms import populate_errors
from sharing.core.query_args import positive_int
from sharing.errors import ValidationFailed

__all__ = ["bp"]
RECEIPT = "concern_receipt"  # the session key the receipt page reads once


@bp.before_request
def refuse_oversized_posts():
    """The public form takes small requests only; a larger one is refused before its fields
    are looked at (the app's own limit is sized for file uploads)."""
    limit = current_app.config["CONCERN_MAX_REQUEST_BYTES"]
    posted = request.method == "POST" and request.endpoint == "concerns.new"
    if posted and (request.content_length or 0) > limit:
        return render_error(
            413,
            f"That message is larger than the form takes ({limit // 1024} KB). "
            "Shorten it and send it again.",
        )
    return None


def _page_language() -> str:
    wanted = request.args.get("lang") or request.accept_languages.best_match(list(LANGUAGES))
    return wanted if wanted in LANGUAGES else "en"


def _subject(form: ConcernForm):
    source = request.form if request.method == "POST" else request.args
    arrangement = positive_int(source.get("arrangement"))
    algorithm = None if arrangement else positive_int(source.get("algorithm"))
    form.arrangement.data = str(arrangement or "")
    form.algorithm.data = str(algorithm or "")
    return subject_for(arrangement=arrangement, algorithm=algorithm)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = ConcernForm(language=_page_language())
    subject = _subject(form)
    key, moment = abuse.address_key(request.remote_addr), now()
    if form.is_submitted() and form.trapped:
        # The same answer as a real submission, so a robot learns nothing from it.
        abuse.record_trapped(key=key, now=moment)
        return _receipt(random_reference(), services.due_date(today()), subject.described)
    if form.validate_on_submit():
        try:
            concern = services.raise_concern(
                kind=ConcernKind(form.kind.data),
                body=form.body.data,
                email=form.email.data or "",
                language=form.language.data,
                subject=subject,
                address_key=key,
                now=moment,
                today=today(),
            )
        except abuse.TooManyConcerns as error:
            page = render_template("concerns/new.html", form=form, subject=subject, refused=error)
            return page, 429, {"Retry-After": str(error.retry_after)}
        except ValidationFailed as error:
            populate_errors(form, error)
        else:
            return _receipt(concern.reference, concern.due_on, subject.described)
    return render_template("concerns/new.html", form=form, subject=subject, refused=None)


def _receipt(reference: str, due_on: date, about: str):
    session[RECEIPT] = {"reference": reference, "due_on": due_on.isoformat(), "about": about}
    return redirect(url_for("concerns.received"))


@bp.get("/received")
def received():
    receipt = session.pop(RECEIPT, None)
    if not receipt:
        return redirect(url_for("concerns.new"))
    page = render_template(
        "concerns/received.html",
        reference=receipt["reference"],
        due_on=date.fromisoformat(receipt["due_on"]),
        about=receipt["about"],
    )
    # Shown once: a shared computer's back button or a proxy must not show it again.
    return page, 200, {"Cache-Control": "no-store"}


@bp.get("/status")
def lookup():
    form = StatusLookupForm(request.args)
    if request.args and form.validate():
        concern = queries.by_reference(form.reference.data)
        reference = concern.reference if concern else form.reference.data.strip()[:30]
        return redirect(url_for("concerns.status", reference=reference))
    return render_template("concerns/lookup.html", form=form, searched=bool(request.args))


@bp.get("/status/<reference>")
def status(reference: str):
    concern = queries.by_reference(reference)
    if concern is None:
        page = render_template(
            "concerns/unknown.html", reference=reference[:30], form=StatusLookupForm(formdata=None)
        )
        return page, 404
    return render_template(
        "concerns/status.html",
        concern=concern,
        subject=subject_of(concern),
        overdue=concern.is_overdue(on=today()),
    )
