"""Sign-in, account, users, departments and invitations pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from sharing.auth import invitations as invitation_service
from sharing.auth import limits, services
from sharing.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ConfirmForm,
    DepartmentForm,
    InvitationForm,
    MailPreferenceForm,
    SignInForm,
    UserForm,
)
from sharing.auth.limits import SignInSlowed
from sharing.auth.models import Department, Invitation, User
from sharing.core.access import roles_required, signed_in_required
from sharing.core.clock import now
from sharing.core.forms import populate_errors, redirect_after
from sharing.core.pagination import apply_sort, page_args, paginate, parse_sort
from sharing.core.roles import Role
from sharing.errors import DomainError, ValidationFailed
from sharing.extensions import db
from sharing.inbox import services as inbox
from sharing.mail.services import mail_configured
from sharing.vendors.models import Organisation

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and "\\" not in target:
            return target
    return url_for("dashboard.home")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = services.sign_in(
                email=form.email.data,
                password=form.password.data,
                ip=request.remote_addr or "",
                now=now(),
            )
        except SignInSlowed as error:
            # The page, not a bare error, so the person sees when to come back.
            flash(error.message, "warning")
            page = render_template("auth/sign_in.html", form=form)
            if error.retry_after is None:
                return page, 429
            return page, 429, {"Retry-After": str(error.retry_after)}
        except DomainError as error:
            flash(error.message, "danger")
            return render_template("auth/sign_in.html", form=form), 200
        login_user(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/sign_in.html", form=form)


@bp.post("/sign-out")
@signed_in_required
def sign_out():
    services.sign_out(user=current_user._get_current_object())
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account", methods=["GET", "POST"])
@signed_in_required
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(
                user=user,
                current_password=form.current_password.data,
                new_password=form.new_password.data,
                now=now(),
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        else:
            login_user(user)  # this browser continues with the new session generation
            flash("Your password was changed. Other sessions were signed out.", "success")
            return redirect(url_for("auth.account"))
    return _account_page(form, MailPreferenceForm())


def _account_page(form: ChangePasswordForm, mail_form: MailPreferenceForm):
    if not mail_form.is_submitted():
        mail_form.choice.data = inbox.mail_choice(user_id=current_user.id).value
    return render_template("auth/account.html", form=form, mail_form=mail_form)


CHOSEN = {"immediate": "as each one arrives", "digest": "once a day, as one list"}


@bp.post("/account/mail")
@signed_in_required
def mail_preference():
    form = MailPreferenceForm()
    if form.validate_on_submit():
        done = redirect_after(
            form,
            lambda: inbox.set_mail_choice(actor=current_user, choice=form.choice.data),
            message=lambda choice: f"Saved. You get notification emails {CHOSEN[choice]}.",
            to=url_for("auth.account"),
        )
        if done is not None:
            return done
    return _account_page(ChangePasswordForm(formdata=None), form)


# Users ---------------------------------------------------------------------------

USER_SORTS = {
    "name": User.name,
    "email": User.email,
    "role": User.role,
    "last_sign_in": User.last_sign_in_at,
}


@bp.get("/users")
@roles_required(Role.ADMIN)
def users():
    sort = parse_sort(request.args.get("sort"), USER_SORTS, "name")
    stmt = services.users_query(
        search=request.args.get("q", ""),
        role=request.args.get("role", ""),
        state=request.args.get("state", ""),
    )
    page = paginate(apply_sort(stmt, sort, USER_SORTS, User.id), *page_args())
    return render_template(
        "auth/users.html", page=page, sort=sort, roles=list(Role), confirm=ConfirmForm()
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user if request.method == "GET" else None)
    form.department_id.choices = [("", "—")] + [
        (d.id, d.name) for d in services.active_departments(including=user.department_id)
    ]
    if request.method == "GET":
        form.role.data, form.version.data = user.role.value, services.user_version(user)
    if form.validate_on_submit():
        done = redirect_after(
            form,
            lambda: services.update_user(
                actor=current_user,
                user_id=user.id,
                name=form.name.data,
                role=form.role.data,
                department_id=form.department_id.data,
                version=form.version.data,
                may_sign=form.may_sign.data,
            ),
            message=f"Saved {user.email}.",
            to=url_for("auth.users"),
        )
        if done is not None:
            return done
    return render_template(
        "auth/user_form.html",
        form=form,
        user=user,
        confirm=ConfirmForm(),
        sign_in_limit=limits.limit_for(email=user.email),
        now=now(),
    )


@bp.post("/users/<int:user_id>/deactivate")
@roles_required(Role.ADMIN)
def deactivate_user(user_id: int):
    return _set_active(user_id, active=False)


@bp.post("/users/<int:user_id>/activate")
@roles_required(Role.ADMIN)
def activate_user(user_id: int):
    return _set_active(user_id, active=True)


def _set_active(user_id: int, *, active: bool):
    db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        flash("Please confirm the change.", "danger")
        return redirect(url_for("auth.edit_user", user_id=user_id))
    try:
        user = services.set_user_active(actor=current_user, user_id=user_id, active=active)
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash(f"{user.email} is now {'active' if active else 'deactivated'}.", "success")
    return redirect(url_for("auth.edit_user", user_id=user_id))


@bp.post("/users/<int:user_id>/sign-in-limit/clear")
@roles_required(Role.ADMIN)
def clear_sign_in_limit(user_id: int):
    db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        flash("Please confirm the change.", "danger")
        return redirect(url_for("auth.edit_user", user_id=user_id))
    user = limits.clear_sign_in_limit(actor=current_user, user_id=user_id, now=now())
    flash(f"The sign-in limit of {user.email} was cleared.", "success")
    return redirect(url_for("auth.edit_user", user_id=user_id))


# Departments ---------------------------------------------------------------------


@bp.get("/departments")
@roles_required(Role.ADMIN)
def departments():
    rows = db.session.scalars(select(Department).order_by(Department.name)).all()
    return render_template("auth/departments.html", departments=rows)


@bp.route("/departments/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_department():
    form = DepartmentForm()
    if form.validate_on_submit():
        done = redirect_after(
            form,
            lambda: services.create_department(
                actor=current_user, name=form.name.data, code=form.code.data
            ),
            message=f"Department {form.name.data} created.",
            to=url_for("auth.departments"),
        )
        if done is not None:
            return done
    return render_template("auth/department_form.html", form=form, department=None)


@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_department(department_id: int):
    department = db.get_or_404(Department, department_id)
    form = DepartmentForm(obj=department)
    if form.validate_on_submit():
        done = redirect_after(
            form,
            lambda: services.update_department(
                actor=current_user,
                department_id=department.id,
                name=form.name.data,
                code=form.code.data,
                active=form.active.data,
            ),
            message="Department saved.",
            to=url_for("auth.departments"),
        )
        if done is not None:
            return done
    return render_template("auth/department_form.html", form=form, department=department)


# Invitations ---------------------------------------------------------------------

INVITATION_SORTS = {
    "email": Invitation.email,
    "created": Invitation.created_at,
    "expires": Invitation.expires_at,
}


@bp.get("/invitations")
@roles_required(*Role.STAFF)
def invitations():
    sort = parse_sort(request.args.get("sort"), INVITATION_SORTS, "-created")
    stmt = invitation_service.invitations_query(
        actor=current_user,
        state=request.args.get("state", ""),
        search=request.args.get("q", ""),
        now=now(),
    )
    page = paginate(apply_sort(stmt, sort, INVITATION_SORTS, Invitation.id), *page_args())
    return render_template(
        "auth/invitations.html",
        page=page,
        sort=sort,
        now=now(),
        confirm=ConfirmForm(),
        mails=invitation_service.mail_states([i.id for i in page.items]),
        mail_configured=mail_configured(),
    )


@bp.route("/invitations/new", methods=["GET", "POST"])
@roles_required(*Role.STAFF)
def new_invitation():
    form = InvitationForm()
    form.set_choices(
        invitation_service.roles_invitable_by(current_user),
        db.session.scalars(select(Organisation).order_by(Organisation.legal_name)),
        services.active_departments(),
    )
    if form.validate_on_submit():
        done = redirect_after(
            form,
            lambda: invitation_service.invite(
                actor=current_user,
                email=form.email.data,
                name=form.name.data or "",
                role=form.role.data,
                organisation_id=form.organisation_id.data,
                department_id=form.department_id.data,
                now=now(),
                may_sign=form.may_sign.data,
            ),
            message=lambda issued: invitation_service.issued_message(issued[0]),
            to=url_for("auth.invitations"),
        )
        if done is not None:
            return done
    return render_template("auth/invitation_form.html", form=form)


@bp.post("/invitations/<int:invitation_id>/revoke")
@roles_required(*Role.STAFF)
def revoke_invitation(invitation_id: int):
    if not ConfirmForm().validate_on_submit():
        flash("Please confirm the change.", "danger")
        return redirect(url_for("auth.invitations"))
    try:
        invitation = invitation_service.revoke(
            actor=current_user, invitation_id=invitation_id, now=now()
        )
    except ValidationFailed as error:
        flash(error.message, "danger")
    else:
        flash(f"The invitation to {invitation.email} was revoked.", "success")
    return redirect(url_for("auth.invitations"))


@bp.route("/invitations/accept/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = invitation_service.find_usable(token, now=now())  # 410 when not usable
    if current_user.is_authenticated:
        logout_user()
    form = (
        AcceptInvitationForm(name=invitation.name)
        if request.method == "GET"
        else AcceptInvitationForm()
    )
    if form.validate_on_submit():
        try:
            user = invitation_service.accept(
                token=token, name=form.name.data, password=form.password.data, now=now()
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        else:
            login_user(user)
            flash("Welcome. Your account is active.", "success")
            return redirect(url_for("dashboard.home"))
    return render_template("auth/accept.html", form=form, invitation=invitation)
