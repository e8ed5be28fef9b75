"""Review and routing pages: the officer's queue and review page, comments and replies,
transitions started from a button, and each assessment's history."""

from __future__ import annotations

from enum import StrEnum

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from equity_tool.assessments import access
from equity_tool.assessments.answer_forms import parse_revision
from equity_tool.assessments.wizard import evaluated
from equity_tool.core.db import get_session
from equity_tool.core.exceptions import BadRequest
from equity_tool.core.paging import page_number
from equity_tool.core.vocabulary import DEPARTMENT_ROLES
from equity_tool.core.vocabulary import AssessmentState as State
from equity_tool.notifications.service import MailSettings
from equity_tool.review import lists as review_lists
from equity_tool.review import service as review
from equity_tool.review.workflow import DONE, Action
from equity_tool.web.auth import allowed_if
from equity_tool.web.views import public
from equity_tool.web.views.assessments import load_assessment, registry, render_task_list
from equity_tool.web.views.filters import chosen_filters

bp = Blueprint("review", __name__)

# filter name -> what the person chose, for the error message
QUEUE_FILTERS = {"department": "a department", "questionnaire": "a questionnaire",
                 "level": "an impact level", "state": "a state", "waiting": "a waiting time"}


def _mail() -> MailSettings | None:
    return MailSettings.from_config(current_app.config)


@bp.get("/review")
@allowed_if(access.may_review)
def queue():
    session = get_session()
    choices = review_lists.queue_choices(session, registry())
    chosen, errors = chosen_filters(request.args, choices, QUEUE_FILTERS)
    found = review_lists.queue(session, registry(), chosen,
                               page=page_number(request.args.get("page")))
    page = render_template("review/queue.html", page=found.page, counts=found.counts,
                           choices=choices, chosen=chosen, errors=errors)
    return page, 400 if errors else 200


@bp.get("/assessments/<int:assessment_id>/review")
@allowed_if(access.may_review)
def show_review(assessment_id: int):
    """The review page. Reading it changes nothing: "Start the review" on it is a POST, so a
    link from elsewhere or a prefetching browser cannot start a review."""
    assessment, questionnaire = load_assessment(assessment_id)
    return _render_review(assessment, questionnaire)


def _render_review(assessment, questionnaire, *, errors=(), status=200):
    session = get_session()
    latest = review.rounds(session, assessment)
    found = review_lists.discussion(session, assessment)
    page = render_template(
        "review/review.html",
        assessment=assessment,
        questionnaire=questionnaire,
        evaluation=evaluated(assessment, questionnaire),
        lang=assessment.language,
        latest=latest,
        signoff=review_lists.latest_event(session, assessment, DONE[Action.SIGN_OFF]),
        comments=found.by_question(),
        earlier_comments=[c for c in found.comments if c.round == latest - 1],
        replies=found.replies,
        names=found.names,
        verdicts=review.verdicts(session, assessment),
        changes=review.changes_since_last_round(session, assessment, questionnaire),
        actions=review.buttons(session, current_user, assessment, questionnaire),
        errors=errors,
    )
    return page, status


@bp.post("/assessments/<int:assessment_id>/comments")
def add_comment(assessment_id: int):
    assessment, questionnaire = load_assessment(assessment_id)
    question_id = request.form.get("question_id") or None
    try:
        review.add_comment(get_session(), user=current_user, assessment=assessment,
                           questionnaire=questionnaire, question_id=question_id,
                           body=request.form.get("body", ""))
    except review.TransitionConflict as refused:
        field = f"comment-{question_id or 'general'}"
        return _render_review(assessment, questionnaire, errors=[(field, str(refused))],
                              status=409)
    flash("Your comment was added.", "success")
    anchor = f"#q-{question_id}" if question_id else "#general-comments"
    return redirect(url_for(".show_review", assessment_id=assessment_id) + anchor)


@bp.post("/assessments/<int:assessment_id>/verdicts")
def set_verdict(assessment_id: int):
    assessment, questionnaire = load_assessment(assessment_id)
    section_id, verdict = request.form.get("section_id", ""), request.form.get("verdict", "")
    if not verdict and questionnaire.section(section_id):  # no radio chosen: say so, not 404
        return _render_review(assessment, questionnaire, status=422, errors=[
            (f"verdict-{section_id}-1", "Choose whether the step is acceptable or needs changes.")])
    try:
        review.set_verdict(get_session(), user=current_user, assessment=assessment,
                           questionnaire=questionnaire, section_id=section_id, verdict=verdict)
    except review.TransitionConflict as refused:
        return _render_review(assessment, questionnaire, errors=[(None, str(refused))],
                              status=409)
    flash("Your verdict was saved.", "success")
    return redirect(url_for(".show_review", assessment_id=assessment_id)
                    + f"#section-{section_id}")


def _form_choice(enum: type[StrEnum], name: str):
    try:
        return enum(request.form.get(name, ""))
    except ValueError:
        raise BadRequest(f"The form sent an unknown {name.replace('_', ' ')}.") from None


def _form_revision() -> int | None:
    """The revision of the answers the page showed; pages from before it was sent have none."""
    sent = request.form.get("revision")
    return None if sent is None else parse_revision(sent)


@bp.post("/assessments/<int:assessment_id>/transitions")
def create_transition(assessment_id: int):
    """Any button that moves the assessment on; `expected_state` makes a repeat harmless."""
    assessment, questionnaire = load_assessment(assessment_id)
    action = _form_choice(Action, "action")
    expected = _form_choice(State, "expected_state")
    if action == Action.SUBMIT:  # submitting checks the answers first, on its own page
        raise BadRequest("Submit the assessment from its check answers page.")
    try:
        review.transition(get_session(), user=current_user, assessment=assessment,
                          questionnaire=questionnaire, action=action,
                          note=request.form.get("note"), conditions=request.form.get("conditions"),
                          expected=expected, revision=_form_revision(), mail=_mail())
    except review.TransitionConflict as refused:
        errors = [(f"note-{action.replace(' ', '-')}", str(refused))]
        if access.may_review(current_user):
            return _render_review(assessment, questionnaire, errors=errors, status=409)
        return render_task_list(assessment, questionnaire, errors=errors, status=409)
    if action == Action.APPROVE:  # the approval form's "Publish to the public register"
        public.after_approval(assessment, request.form)
    flash(f"You {DONE[action]} “{assessment.title}”.", "success")
    if current_user.role in DEPARTMENT_ROLES:
        return redirect(url_for("assessments.task_list", assessment_id=assessment_id))
    if action in (Action.RETURN, Action.APPROVE):
        return redirect(url_for(".queue"))
    return redirect(url_for(".show_review", assessment_id=assessment_id))


@bp.get("/assessments/<int:assessment_id>/comments")
def list_comments(assessment_id: int):
    assessment, questionnaire = load_assessment(assessment_id)
    return _render_comments(assessment, questionnaire)


def _render_comments(assessment, questionnaire, *, errors=(), status=200):
    found = review_lists.discussion(get_session(), assessment)
    page = render_template(
        "review/comments.html",
        assessment=assessment,
        questionnaire=questionnaire,
        lang=assessment.language,
        comments=sorted(found.comments, key=lambda c: (-c.round, c.id)),
        replies=found.replies,
        names=found.names,
        may_reply=access.may_reply(current_user, assessment),
        editable=access.may_edit(current_user, assessment),
        errors=errors,
    )
    return page, status


@bp.post("/assessments/<int:assessment_id>/comments/<int:comment_id>/replies")
def add_reply(assessment_id: int, comment_id: int):
    assessment, questionnaire = load_assessment(assessment_id)
    try:
        review.reply(get_session(), user=current_user, assessment=assessment,
                     comment_id=comment_id, body=request.form.get("body", ""),
                     addressed=request.form.get("addressed") == "yes")
    except review.TransitionConflict as refused:
        return _render_comments(assessment, questionnaire,
                                errors=[(f"reply-{comment_id}", str(refused))], status=409)
    flash("Your reply was saved.", "success")
    return redirect(url_for(".list_comments", assessment_id=assessment_id)
                    + f"#comment-{comment_id}")


@bp.get("/assessments/<int:assessment_id>/history")
def show_history(assessment_id: int):
    assessment, questionnaire = load_assessment(assessment_id)
    return render_template(
        "review/history.html",
        assessment=assessment,
        questionnaire=questionnaire,
        lang=assessment.language,
        entries=review_lists.history(get_session(), assessment),
    )
