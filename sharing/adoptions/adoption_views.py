"""The adoption form: staff of the adopting department (procurement for its own, the privacy
office for any) choose their approved flows with the base's vendor, see every reason they do
not fit, and adopt; the adoption is generated and opens on its agreement page."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_login import current_user

from sharing.adoptions import adopting, fit
from sharing.adoptions.adoption_forms import AdoptForm, DepartmentChoiceForm
from sharing.adoptions.blueprint import bp
from sharing.adoptions.models import AdoptionOffer
from sharing.auth.models import Department
from sharing.core.access import roles_required
from sharing.core.clock import today
from sharing.core.forms import redirect_after
from sharing.core.roles import Role
from sharing.errors import Conflict
from sharing.extensions import db


@bp.route("/offers/<int:offer_id>/adopt", methods=["GET", "POST"])
@roles_required(*Role.STAFF)
def adopt(offer_id: int):
    offer = db.get_or_404(AdoptionOffer, offer_id)
    chooser, department = _department(request.args)
    form = AdoptForm()
    candidates = adopting.candidate_flows(offer, department) if department else []
    form.flows.choices = [(f.id, f"{f.system_name} (revision {f.revision})") for f in candidates]
    misfits: list[fit.Misfit] = []
    if department is not None and form.validate_on_submit():
        chosen = [flow for flow in candidates if flow.id in (form.flows.data or [])]
        misfits = fit.check(offer, chosen, department, today=today())
        if misfits:
            form.flows.errors = [misfit.text for misfit in misfits]
        else:
            try:
                done = redirect_after(
                    form,
                    lambda: adopting.adopt_offer(
                        actor=current_user,
                        offer=offer,
                        flows=chosen,
                        department=department,
                        today=today(),
                    ),
                    message=lambda adoption: (
                        f"{adoption.number} is generated. Send it to the "
                        "vendor for signature from its page."
                    ),
                    to=lambda adoption: url_for("agreements.agreement", agreement_id=adoption.id),
                )
            except Conflict as error:
                flash(error.message, "danger")
            else:
                if done:
                    return done
    return render_template(
        "adoptions/adopt.html",
        offer=offer,
        chooser=chooser,
        department=department,
        form=form,
        candidates=candidates,
        misfits=misfits,
        may_adopt=adopting.may_adopt(current_user, department),
        new_agreement_args=_new_agreement_args(offer, form),
    )


def _department(args) -> tuple[DepartmentChoiceForm | None, Department | None]:
    """Procurement adopts for its own department; the privacy office chooses one."""
    if current_user.role == Role.PROCUREMENT:
        return None, current_user.department
    chooser = DepartmentChoiceForm(args)
    departments = db.session.scalars(
        db.select(Department).where(Department.active.is_(True)).order_by(Department.name)
    ).all()
    chooser.department.choices = [("", "Choose…")] + [(d.id, d.name) for d in departments]
    return chooser, db.session.get(Department, chooser.department.data or 0)


def _new_agreement_args(offer: AdoptionOffer, form: AdoptForm) -> dict:
    """What the new-agreement page is opened with: the vendor and the flows chosen here."""
    return {"organisation": offer.organisation_id, "flow": list(form.flows.data or [])}
