"""Organisation pages: the list, the detail page, create and edit, and contacts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from sharing.audit import reading
from sharing.core.access import roles_required
from sharing.core.forms import populate_errors, redirect_after
from sharing.core.pagination import page_args, paginate, parse_sort
from sharing.core.roles import Role
from sharing.core.sentences import sentence
from sharing.errors import ValidationFailed
from sharing.extensions import db
from sharing.reports import organisations as listing
from sharing.vendors import queries, services
from sharing.vendors.forms import ContactForm, DeleteForm, OrganisationForm
from sharing.vendors.models import (
    Contact,
    ContactRole,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)

bp = Blueprint("vendors", __name__, url_prefix="/vendors")


def can_edit() -> bool:
    return current_user.role in Role.REGISTRY_EDITORS


@bp.get("/")
@roles_required(*Role.STAFF)
def organisations():
    filters = listing.OrganisationFilters.from_args(request.args)
    page = paginate(listing.organisations_query(filters, viewer=current_user), *page_args())
    return render_template(
        "vendors/organisations.html",
        page=page,
        filters=filters,
        sort=parse_sort(filters.sort, listing.SORTS, listing.DEFAULT_SORT),
        kinds=list(OrganisationKind),
        statuses=list(OrganisationStatus),
        risks=listing.risk_tiers(),
        agreement_choices=listing.AGREEMENT_CHOICES,
        departments=listing.departments(),
        can_edit=can_edit(),
    )


@bp.get("/<int:organisation_id>")
@roles_required(*Role.STAFF)
def organisation(organisation_id: int):
    org = db.get_or_404(Organisation, organisation_id)
    return render_template(
        "vendors/organisation.html",
        organisation=org,
        portal_users=listing.portal_users(org),
        flows=listing.current_flows(org),
        agreements=listing.agreements(org),
        attestations=listing.attestations(org),
        incidents=listing.incidents(org),
        history=reading.readable(queries.history(org)),
        history_limit=queries.HISTORY_LIMIT,
        can_edit=can_edit(),
        can_read_audit=current_user.role in Role.OFFICE,
        delete_form=DeleteForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*Role.REGISTRY_EDITORS)
def new_organisation():
    form = OrganisationForm()
    form.set_parent_choices(queries.parent_choices())
    duplicate = None
    if form.validate_on_submit():
        try:
            org = services.register_organisation(
                actor=current_user,
                values=form.values(),
                allow_duplicate=form.confirm_distinct.data,
            )
        except services.PossibleDuplicate as error:
            duplicate = error
        except ValidationFailed as error:
            populate_errors(form, error)
        else:
            flash(sentence(f"Registered {org.legal_name}"), "success")
            return redirect(url_for("vendors.organisation", organisation_id=org.id))
    return _form_page(form, None, duplicate=duplicate)


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@roles_required(*Role.REGISTRY_EDITORS)
def edit_organisation(organisation_id: int):
    org = db.get_or_404(Organisation, organisation_id)
    form = OrganisationForm()
    form.set_parent_choices(queries.parent_choices(excluding=org.id))
    if request.method == "GET":
        form.load(org)
    duplicate = conflict = None
    if form.validate_on_submit():
        try:
            services.update_organisation(
                actor=current_user,
                organisation=org,
                values=form.values(),
                expected_version=form.expected_version(),
                allow_duplicate=form.confirm_distinct.data,
            )
        except services.PossibleDuplicate as error:
            duplicate = error
        except services.StaleOrganisation as error:
            conflict = error
            form.version.data = str(org.version)  # saving again is now a deliberate choice
        except ValidationFailed as error:
            populate_errors(form, error)
        else:
            flash(sentence(f"Saved {org.legal_name}"), "success")
            return redirect(url_for("vendors.organisation", organisation_id=org.id))
    return _form_page(form, org, duplicate=duplicate, conflict=conflict)


def _form_page(form, org, *, duplicate=None, conflict=None):
    status = 409 if conflict else 200
    html = render_template(
        "vendors/organisation_form.html",
        form=form,
        organisation=org,
        duplicate=duplicate,
        conflict=conflict,
    )
    return html, status


# Contacts ----------------------------------------------------------------------------


def _contact_or_404(organisation_id: int, contact_id: int) -> Contact:
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.organisation_id != organisation_id:
        abort(404)
    return contact


@bp.route("/<int:organisation_id>/contacts/new", methods=["GET", "POST"])
@roles_required(*Role.REGISTRY_EDITORS)
def new_contact(organisation_id: int):
    org = db.get_or_404(Organisation, organisation_id)
    form = ContactForm()
    if request.method == "GET":
        form.role.data = ContactRole.PRIVACY.value
    if form.validate_on_submit():
        done = redirect_after(
            form,
            lambda: services.add_contact(
                actor=current_user, organisation=org, values=form.values()
            ),
            message=lambda contact: f"Added {contact.name} to the contacts.",
            to=url_for("vendors.organisation", organisation_id=org.id) + "#contacts",
        )
        if done is not None:
            return done
    return render_template("vendors/contact_form.html", form=form, organisation=org, contact=None)


@bp.route("/<int:organisation_id>/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@roles_required(*Role.REGISTRY_EDITORS)
def edit_contact(organisation_id: int, contact_id: int):
    contact = _contact_or_404(organisation_id, contact_id)
    form = ContactForm(obj=contact if request.method == "GET" else None)
    if request.method == "GET":
        form.role.data = contact.role.value
    if form.validate_on_submit():
        done = redirect_after(
            form,
            lambda: services.update_contact(
                actor=current_user, contact=contact, values=form.values()
            ),
            message=lambda _: sentence(f"Saved {contact.name}"),
            to=url_for("vendors.organisation", organisation_id=organisation_id) + "#contacts",
        )
        if done is not None:
            return done
    return render_template(
        "vendors/contact_form.html", form=form, organisation=contact.organisation, contact=contact
    )


@bp.post("/<int:organisation_id>/contacts/<int:contact_id>/delete")
@roles_required(*Role.REGISTRY_EDITORS)
def delete_contact(organisation_id: int, contact_id: int):
    contact = _contact_or_404(organisation_id, contact_id)
    target = url_for("vendors.organisation", organisation_id=organisation_id) + "#contacts"
    if not DeleteForm().validate_on_submit():
        flash("Please confirm the deletion.", "danger")
        return redirect(target)
    name = contact.name
    services.delete_contact(actor=current_user, contact=contact)
    flash(f"Removed {name} from the contacts.", "success")
    return redirect(target)
