"""Attestation request pages: the list, a request, answering, submission, review, and a
request made by hand. A vendor only ever reaches its own organisation's requests: the query
is scoped, and anything else is 404."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from sharing.agreements.models import Agreement
from sharing.attestations import answers, follow_ups, queries, services, topics, workflow
from sharing.attestations.blueprint import bp
from sharing.attestations.evidence import evidence_for_request
from sharing.attestations.evidence_forms import ACCEPT, EvidenceForm
from sharing.attestations.forms import (
    STATEMENT,
    NewRequestForm,
    SubmitForm,
    answer_form,
    review_form,
)
from sharing.attestations.models import (
    AnswerReview,
    AnswerValue,
    AttestationRequest,
    AttestationStatus,
)
from sharing.audit import reading
from sharing.core.access import roles_required
from sharing.core.clock import local, now, today
from sharing.core.forms import populate_errors, redirect_after, version_of
from sharing.core.pagination import page_args, paginate
from sharing.core.query_args import positive_int
from sharing.core.roles import Role
from sharing.core.sentences import sentence
from sharing.errors import Conflict, ValidationFailed
from sharing.extensions import db

NEW_REQUEST_LEAD_DAYS = 30


@bp.context_processor
def _today() -> dict:
    return {"today": today()}


def _load(request_id: int) -> AttestationRequest:
    """The request if the signed-in user may see it; 404 for anything out of scope."""
    found = queries.visible_request(request_id, current_user)
    if found is None:
        abort(404)
    return found


def _detail(attestation: AttestationRequest):
    return redirect(url_for("attestations.request", request_id=attestation.id))


@bp.get("/")
@roles_required(*Role.EVERYONE)
def requests():
    filters = queries.RequestFilters.from_args(request.args)
    stmt = queries.requests_query(filters, actor=current_user, today=today())
    page = paginate(stmt, *page_args())
    is_vendor = workflow.role_of(current_user) == "vendor"
    return render_template(
        "attestations/requests.html",
        page=page,
        filters=filters,
        sort=filters.sort,
        statuses=list(AttestationStatus),
        menu=None if is_vendor else queries.organisation_menu(filters.organisation_id),
        is_vendor=is_vendor,
        today=today(),
    )


@bp.get("/<int:request_id>", endpoint="request")
@roles_required(*Role.EVERYONE)
def show_request(request_id: int):
    attestation = _load(request_id)
    grouped = topics.group_questions(attestation.questionnaire, answers.answered_codes(attestation))
    return render_template(
        "attestations/request.html",
        attestation=attestation,
        current=answers.current_answers(attestation),
        rounds=_rounds(attestation),
        evidence=evidence_for_request(attestation.id),
        follow_ups=follow_ups.for_request(attestation.id),
        topics=grouped,
        progress=topics.overall(grouped),
        returned=queries.returned_notes(attestation),
        titles=attestation.question_titles,
        events=reading.readable(queries.history(attestation)),
        actions=workflow.available_actions(attestation, current_user),
        open_for_answers=attestation.status in workflow.OPEN_FOR_ANSWERS,
        today=today(),
    )


def _rounds(attestation: AttestationRequest) -> list[tuple[int, list]]:
    """Every round's answers, newest round first, for the history."""
    by_round: dict[int, list] = {}
    for answer in attestation.answers:
        by_round.setdefault(answer.round, []).append(answer)
    return sorted(by_round.items(), reverse=True)


@bp.route("/<int:request_id>/answer", methods=["GET", "POST"])
@roles_required(Role.VENDOR)
def answer(request_id: int):
    attestation = _load(request_id)
    codes = answers.answerable_codes(attestation)
    form = answer_form(codes, data=_saved(attestation, codes) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            answers.save_answers(
                actor=current_user,
                request=attestation,
                answers=form.answers(),
                expected_version=version_of(form),
                now=now(),
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        except Conflict as error:
            flash(error.message, "danger")
            return _answer_page(attestation, form, codes), 409
        else:
            flash("Draft saved. Submit the attestation when every answer is ready.", "success")
            return redirect(url_for("attestations.answer", request_id=attestation.id))
    return _answer_page(attestation, form, codes)


@bp.post("/<int:request_id>/autosave")
@roles_required(Role.VENDOR)
def autosave(request_id: int):
    """The answer page's save-as-you-go: the same checks and audit event as "Save draft",
    answered in JSON so the page can say whether the work is safe."""
    attestation = _load(request_id)
    form = answer_form(answers.answerable_codes(attestation))
    if not form.validate_on_submit():
        return jsonify(message="Some answers could not be read.", errors=form.errors), 422
    try:
        answers.save_answers(
            actor=current_user,
            request=attestation,
            answers=form.answers(),
            expected_version=version_of(form),
            now=now(),
        )
    except ValidationFailed as error:
        return jsonify(message=error.message, errors=error.errors), 422
    except Conflict as error:
        return jsonify(message=error.message), 409
    return jsonify(
        version=attestation.version,
        saved_at=local(attestation.updated_at).strftime("%H:%M"),
        answered=len(answers.answered_codes(attestation)),
    )


def _saved(attestation: AttestationRequest, codes: list[str]) -> dict:
    data: dict = {"version": attestation.version}
    rows = {a.obligation_code: a for a in attestation.answers if a.round == attestation.round}
    for code in codes:
        row = rows.get(code)
        data[answers.answer_field(code)] = row.answer.value if row and row.answer else None
        data[answers.explanation_field(code)] = row.explanation if row else ""
    return data


def _answer_page(attestation: AttestationRequest, form, codes: list[str]):
    grouped = topics.group_questions(attestation.questionnaire, answers.answered_codes(attestation))
    return render_template(
        "attestations/answer.html",
        attestation=attestation,
        form=form,
        codes=set(codes),
        topics=grouped,
        progress=topics.overall(grouped),
        evidence_form=EvidenceForm(formdata=None),
        accept=ACCEPT,
        titles=attestation.question_titles,
        current=answers.current_answers(attestation),
        evidence=evidence_for_request(attestation.id),
        editable=attestation.status in workflow.OPEN_FOR_ANSWERS,
        returned=queries.returned_notes(attestation),
        fields=answers,
        today=today(),
    )


@bp.route("/<int:request_id>/submit", methods=["GET", "POST"])
@roles_required(Role.VENDOR)
def submit(request_id: int):
    attestation = _load(request_id)
    if attestation.status not in workflow.OPEN_FOR_ANSWERS:
        flash("This attestation was submitted already; its answers are read-only.", "info")
        return _detail(attestation)
    form = SubmitForm(data={"version": attestation.version} if request.method == "GET" else None)
    problems: dict[str, str] = {}
    if form.validate_on_submit():
        try:
            answers.submit_attestation(
                actor=current_user,
                request=attestation,
                signer_name=form.signer_name.data or "",
                signer_title=form.signer_title.data or "",
                attested=bool(form.attested.data),
                expected_version=version_of(form),
                now=now(),
            )
        except ValidationFailed as error:
            problems = _split_errors(form, error)
        except Conflict as error:
            flash(error.message, "danger")
            return _submit_page(attestation, form, problems), 409
        else:
            flash("Attestation submitted to the privacy office. Thank you.", "success")
            return _detail(attestation)
    return _submit_page(attestation, form, problems)


def _split_errors(form, error: ValidationFailed) -> dict[str, str]:
    """Reasons for the form's own fields go beside them; the rest belong to the questions."""
    own = {k: v for k, v in error.errors.items() if k in form}
    populate_errors(form, ValidationFailed(own, error.message))
    return {k: v for k, v in error.errors.items() if k not in form}


def _submit_page(attestation: AttestationRequest, form: SubmitForm, problems: dict[str, str]):
    return render_template(
        "attestations/submit.html",
        attestation=attestation,
        form=form,
        problems=problems,
        codes=set(answers.answerable_codes(attestation)),
        current=answers.current_answers(attestation),
        statement=STATEMENT,
        fields=answers,
    )


@bp.route("/<int:request_id>/review", methods=["GET", "POST"])
@roles_required(*Role.OFFICE)
def review(request_id: int):
    attestation = _load(request_id)
    if attestation.status != AttestationStatus.SUBMITTED:
        flash("Only a submitted attestation can be reviewed.", "info")
        return _detail(attestation)
    rows = [a for a in attestation.answers if a.round == attestation.round]
    form = review_form(
        [a.obligation_code for a in rows],
        data={"version": attestation.version} if request.method == "GET" else None,
    )
    if form.validate_on_submit() and not form.back.data:
        decisions = form.decisions()
        if form.accept_remaining.data or form.confirm_remaining.data:
            decisions, accepted = answers.accept_remaining(decisions, form.codes)
            if form.accept_remaining.data:
                return _confirm_remaining(attestation, form, rows, decisions, accepted)
        try:
            answers.review_attestation(
                actor=current_user,
                request=attestation,
                decisions=decisions,
                comment=form.comment.data or "",
                expected_version=version_of(form),
                now=now(),
            )
        except ValidationFailed as error:
            populate_errors(form, error)
        except Conflict as error:
            flash(error.message, "danger")
            return _review_page(attestation, form, rows), 409
        else:
            accepted = attestation.status == AttestationStatus.ACCEPTED
            flash(
                "Attestation accepted." if accepted else "Returned to the organization.", "success"
            )
            return _detail(attestation)
    return _review_page(attestation, form, rows)


def _confirm_remaining(attestation, form, rows: list, decisions, accepted: list[str]):
    """The step before "accept all remaining" is recorded: how many answers it accepts, and
    which are returned; nothing is saved until the reviewer confirms."""
    problems = answers.review_problems(rows, decisions, form.comment.data or "")
    if problems:
        populate_errors(form, ValidationFailed(problems))
        return _review_page(attestation, form, rows)
    by_code = {a.obligation_code: a for a in rows}
    returned = [c for c, (d, _) in decisions.items() if d == AnswerReview.RETURNED]
    noes = [
        c
        for c, (d, _) in decisions.items()
        if d == AnswerReview.ACCEPTED and by_code[c].answer == AnswerValue.NO
    ]
    return render_template(
        "attestations/review_confirm.html",
        attestation=attestation,
        form=form,
        accepted=accepted,
        returned=returned,
        noes=noes,
        titles=attestation.question_titles,
        today=today(),
    )


def _review_page(attestation: AttestationRequest, form, rows: list):
    codes = {a.obligation_code for a in rows}
    return render_template(
        "attestations/review.html",
        attestation=attestation,
        form=form,
        rows={a.obligation_code: a for a in rows},
        topics=topics.group_questions(
            [q for q in attestation.questionnaire if q["code"] in codes], set()
        ),
        evidence=evidence_for_request(attestation.id),
        fields=answers,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*Role.OFFICE)
def new_request():
    form = NewRequestForm()
    form.agreement_id.choices = [("", "Choose an agreement…"), *queries.requestable_agreements()]
    if request.method == "GET":
        form.agreement_id.data = positive_int(request.args.get("agreement"))
        form.due_date.data = today() + timedelta(days=NEW_REQUEST_LEAD_DAYS)
    if form.validate_on_submit():
        agreement = db.get_or_404(Agreement, form.agreement_id.data)
        done = redirect_after(
            form,
            lambda: services.request_attestation(
                actor=current_user, agreement=agreement, due_date=form.due_date.data, today=today()
            ),
            message=lambda _: sentence(
                f"Attestation requested from {agreement.organisation.display_name}"
            ),
            to=lambda created: url_for("attestations.request", request_id=created.id),
        )
        if done is not None:
            return done
    return render_template("attestations/request_form.html", form=form)
