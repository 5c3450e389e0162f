"""Vendor portal pages: the home page, the organisation's agreements and flows (read-only), and
incident reports. Every page is for vendor users only, and every query is scoped to their
organisation: another organisation's id is a 404."""

from __future__ import annotations

import hashlib
import io
import re

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_login import current_user

from sharing.agreements import files
from sharing.agreements.terms import parameter_labels
from sharing.core.access import roles_required
from sharing.core.clock import now, today
from sharing.core.downloads import attach
from sharing.core.forms import populate_errors, redirect_after
from sharing.core.roles import Role
from sharing.disclosures import queries as incident_queries
from sharing.disclosures import services as incidents
from sharing.disclosures.forms import IncidentUpdateForm, PortalIncidentForm
from sharing.errors import DomainError, ValidationFailed
from sharing.flows.rules import FIELD_LABELS
from sharing.portal import queries
from sharing.portal.waiting import vendor_waiting

bp = Blueprint("portal", __name__, url_prefix="/portal")

# What a vendor may read about a flow: what is shared, why, and how it is kept.
FLOW_DETAILS = (
    "description",
    "direction",
    "purposes",
    "legal_authority",
    "data_subjects",
    "estimated_records",
    "frequency",
    "transfer_method",
    "storage_location",
    "storage_country",
    "retention_days",
    "disposal_method",
    "subprocessors",
)


def _org() -> int:
    return current_user.organisation_id


@bp.get("/")
@roles_required(Role.VENDOR)
def home():
    org, day = _org(), today()
    evidence_total, evidence = queries.latest_evidence(organisation_id=org)
    flow_total, flows = queries.flows(organisation_id=org)
    agreements = queries.agreements(organisation_id=org)
    for_you, for_others = vendor_waiting(current_user, today=day, now=now(), agreements=agreements)
    return render_template(
        "portal/home.html",
        organisation=current_user.organisation,
        for_you=for_you,
        for_others=for_others,
        agreements=agreements,
        flows=flows,
        flow_total=flow_total,
        evidence=evidence,
        evidence_total=evidence_total,
        incidents=queries.incidents(organisation_id=org),
        today=day,
    )


@bp.get("/agreements/<int:agreement_id>")
@roles_required(Role.VENDOR)
def agreement(agreement_id: int):
    found = queries.agreement(organisation_id=_org(), agreement_id=agreement_id)
    if found is None:
        abort(404)
    return render_template(
        "portal/agreement.html",
        agreement=found,
        has_copy=files.exists(found.signed_file),
        parameter_labels=parameter_labels(found.policy_version),
    )


@bp.get("/agreements/<int:agreement_id>/signed.pdf")
@roles_required(Role.VENDOR)
def signed_copy(agreement_id: int):
    found = queries.agreement(organisation_id=_org(), agreement_id=agreement_id)
    if found is None or not found.signed_sha256 or not files.exists(found.signed_file):
        abort(404)
    data = files.read(found.signed_file)
    if hashlib.sha256(data).hexdigest() != found.signed_sha256:
        current_app.logger.error("signed copy of agreement %s fails its SHA-256", found.id)
        abort(500)
    response = send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{_safe(found.number)}-signed.pdf",
    )
    attach(response, f"{_safe(found.number)}-signed.pdf")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _safe(number: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", number).strip("-.") or "agreement"


@bp.get("/flows/<int:flow_id>")
@roles_required(Role.VENDOR)
def flow(flow_id: int):
    found = queries.flow(organisation_id=_org(), flow_id=flow_id)
    if found is None:
        abort(404)
    return render_template(
        "portal/flow.html", flow=found, details=FLOW_DETAILS, labels=FIELD_LABELS
    )


@bp.route("/incidents/new", methods=["GET", "POST"])
@roles_required(Role.VENDOR)
def report_incident():
    form = PortalIncidentForm()
    form.set_agreements(queries.agreements(organisation_id=_org()))
    form.set_affected(
        incident_queries.organisation_flows(_org()),
        incident_queries.organisation_categories(_org()),
    )
    if form.validate_on_submit():
        done = redirect_after(
            form,
            lambda: incidents.report_incident(
                actor=current_user, organisation_id=_org(), now=now(), **form.report_values()
            ),
            message=lambda reported: (
                f"Incident {reported.reference} is reported. The privacy office has been told."
            ),
            to=lambda reported: url_for("portal.incident", incident_id=reported.id),
        )
        if done is not None:
            return done
    return render_template("portal/incident_form.html", form=form)


@bp.get("/incidents/<int:incident_id>")
@roles_required(Role.VENDOR)
def incident(incident_id: int):
    found = queries.incident(organisation_id=_org(), incident_id=incident_id)
    if found is None:
        abort(404)
    return _incident_page(found, IncidentUpdateForm(formdata=None))


@bp.post("/incidents/<int:incident_id>/updates")
@roles_required(Role.VENDOR)
def add_incident_update(incident_id: int):
    found = queries.incident(organisation_id=_org(), incident_id=incident_id)
    if found is None:
        abort(404)
    form = IncidentUpdateForm()
    if form.validate_on_submit():
        try:
            incidents.add_incident_update(
                actor=current_user, incident=found, now=now(), **form.update_values()
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        except DomainError as error:
            flash(error.message, "danger")
            return redirect(url_for("portal.incident", incident_id=found.id))
        else:
            flash(
                f"Your update to incident {found.reference} was sent to the privacy office.",
                "success",
            )
            return redirect(url_for("portal.incident", incident_id=found.id) + "#updates")
    return _incident_page(found, form)


def _incident_page(found, form: IncidentUpdateForm):
    return render_template(
        "portal/incident.html",
        incident=found,
        overdue=incident_queries.is_overdue(found, now=now()),
        updates=incident_queries.updates(found),
        form=form,
    )
