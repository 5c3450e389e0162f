"""Pages of general offers: the office's list, a new offer, an offer's page and its
withdrawal; the vendor signer's consent page, with accept and decline. A vendor user reaches
only their organisation's offers (another organisation's id is a 404)."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user

from sharing.adoptions import (
    adopting,
    adoption_views,  # noqa: F401 - its routes join bp
    consent,
    offers,
    queries,
)
from sharing.adoptions.blueprint import bp
from sharing.adoptions.models import AdoptionOffer, OfferStatus
from sharing.adoptions.offer_forms import ConsentForm, DeclineOfferForm, OfferForm, WithdrawForm
from sharing.agreements.models import Agreement
from sharing.auth.models import Department
from sharing.core.access import roles_required
from sharing.core.clock import now, today
from sharing.core.forms import redirect_after, version_of
from sharing.core.pagination import page_args, paginate
from sharing.core.query_args import positive_int
from sharing.core.roles import Role
from sharing.extensions import db

__all__ = ["bp"]


def _offer_page(offer: AdoptionOffer) -> str:
    return url_for("adoptions.offer", offer_id=offer.id)


def _vendor_offer(offer_id: int) -> AdoptionOffer:
    """The vendor user's own organisation's offer, or 404."""
    offer = db.session.get(AdoptionOffer, offer_id)
    if offer is None or offer.organisation_id != current_user.organisation_id:
        abort(404)
    return offer


@bp.get("/offers", endpoint="offers")
@roles_required(*Role.STAFF)
def offers_list():
    filters = queries.OfferFilters.from_args(request.args)
    return render_template(
        "adoptions/offers.html",
        page=paginate(queries.offers_query(filters), *page_args()),
        filters=filters,
        statuses=list(OfferStatus),
    )


@bp.route("/offers/new", methods=["GET", "POST"])
@roles_required(*Role.OFFICE)
def new_offer():
    agreement = db.get_or_404(Agreement, positive_int(request.args.get("agreement")) or 0)
    form = OfferForm()
    form.department_ids.choices = [(d.id, d.name) for d in _departments()]
    problem = offers.offer_problem(agreement)
    if problem is None and form.validate_on_submit():
        done = redirect_after(
            form,
            lambda: offers.make_offer(
                actor=current_user,
                agreement=agreement,
                department_ids=form.department_ids.data or [],
                directions=form.directions.data or [],
                max_risk_tier=form.max_risk_tier.data or None,
                available_until=form.available_until.data,
                note=form.note.data or "",
                now=now(),
                today=today(),
            ),
            message=f"{agreement.number} is offered; its vendor is asked to consent.",
            to=_offer_page,
        )
        if done:
            return done
    return render_template(
        "adoptions/new_offer.html", form=form, agreement=agreement, problem=problem
    )


@bp.get("/offers/<int:offer_id>")
@roles_required(*Role.STAFF)
def offer(offer_id: int):
    found = db.get_or_404(AdoptionOffer, offer_id)
    return _offer_template(found, WithdrawForm(version=found.version))


@bp.post("/offers/<int:offer_id>/withdraw")
@roles_required(*Role.OFFICE)
def withdraw(offer_id: int):
    found = db.get_or_404(AdoptionOffer, offer_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        done = redirect_after(
            form,
            lambda: offers.withdraw_offer(
                actor=current_user,
                offer=found,
                reason=form.reason.data,
                now=now(),
                expected_version=version_of(form),
            ),
            message=f"The offer of {found.agreement.number} is withdrawn.",
            to=_offer_page,
        )
        if done:
            return done
    return _offer_template(found, form)


def _offer_template(found: AdoptionOffer, withdraw_form: WithdrawForm):
    return render_template(
        "adoptions/offer.html",
        offer=found,
        scope=offers.scope_sentences(found, offers.named_departments(found)),
        adoptions=adopting.adoptions_of(found.agreement),
        withdraw_form=withdraw_form,
        may_withdraw=current_user.role in Role.OFFICE and found.status in offers.STANDING,
        may_adopt=found.status == OfferStatus.OPEN,
    )


@bp.route("/offers/<int:offer_id>/consent", methods=["GET", "POST"], endpoint="consent")
@roles_required(Role.VENDOR)
def consent_page(offer_id: int):
    found = _vendor_offer(offer_id)
    form = ConsentForm(version=found.version)
    if consent.may_answer(current_user, found) and form.validate_on_submit():
        done = redirect_after(
            form,
            lambda: consent.accept_offer(
                actor=current_user,
                offer=found,
                typed_name=form.typed_name.data,
                typed_title=form.typed_title.data,
                consent=form.consent.data,
                password=form.password.data,
                ip=request.remote_addr or "",
                user_agent=request.user_agent.string,
                now=now(),
                expected_version=version_of(form),
            ),
            message=f"You accepted the general offer of {found.agreement.number}.",
            to=url_for("portal.home"),
        )
        if done:
            return done
    return _consent_template(found, form, DeclineOfferForm(version=found.version))


@bp.post("/offers/<int:offer_id>/decline")
@roles_required(Role.VENDOR)
def decline(offer_id: int):
    found = _vendor_offer(offer_id)
    form = DeclineOfferForm()
    if consent.may_answer(current_user, found) and form.validate_on_submit():
        done = redirect_after(
            form,
            lambda: consent.decline_offer(
                actor=current_user,
                offer=found,
                reason=form.reason.data,
                now=now(),
                expected_version=version_of(form),
            ),
            message=f"You declined the general offer of {found.agreement.number}.",
            to=url_for("portal.home"),
        )
        if done:
            return done
    return _consent_template(found, ConsentForm(version=found.version), form)


def _consent_template(found: AdoptionOffer, form: ConsentForm, decline_form: DeclineOfferForm):
    return render_template(
        "adoptions/consent.html",
        offer=found,
        scope=offers.scope_sentences(found, offers.named_departments(found)),
        form=form,
        decline_form=decline_form,
        may_answer=consent.may_answer(current_user, found),
    )


def _departments() -> list[Department]:
    return list(
        db.session.scalars(
            db.select(Department).where(Department.active.is_(True)).order_by(Department.name)
        )
    )
