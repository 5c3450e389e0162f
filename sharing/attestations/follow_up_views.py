"""Follow-up pages of the privacy office: the list of items opened by accepted "no" answers,
and closing one with a note."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user

from sharing.attestations import follow_ups
from sharing.attestations.blueprint import bp
from sharing.attestations.forms import CloseFollowUpForm
from sharing.attestations.models import AttestationFollowUp, FollowUpStatus
from sharing.core.access import roles_required
from sharing.core.clock import now
from sharing.core.forms import redirect_after
from sharing.core.pagination import page_args, paginate
from sharing.core.roles import Role
from sharing.extensions import db

STATUSES = {"open": "Open", "closed": "Closed", "all": "All"}


@bp.get("/follow-ups", endpoint="follow_ups")
@roles_required(*Role.OFFICE)
def follow_up_list():
    status = request.args.get("status", "open")
    status = status if status in STATUSES else "open"
    page = paginate(follow_ups.follow_ups_query(status), *page_args())
    return render_template(
        "attestations/follow_ups.html", page=page, status=status, statuses=STATUSES
    )


@bp.route("/follow-ups/<int:follow_up_id>/close", methods=["GET", "POST"])
@roles_required(*Role.OFFICE)
def close_follow_up(follow_up_id: int):
    item = db.get_or_404(AttestationFollowUp, follow_up_id)
    form = CloseFollowUpForm()
    if item.status == FollowUpStatus.OPEN and form.validate_on_submit():
        done = redirect_after(
            form,
            lambda: follow_ups.close_follow_up(
                actor=current_user, follow_up=item, note=form.note.data or "", now=now()
            ),
            message=lambda _: f"Follow-up on {item.obligation_code} closed.",
            to=lambda _: url_for("attestations.request", request_id=item.request_id),
        )
        if done is not None:
            return done
    return render_template(
        "attestations/follow_up_close.html",
        item=item,
        form=form,
        title=item.request.question_titles.get(item.obligation_code, ""),
    )
