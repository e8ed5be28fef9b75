"""The wizard: start an assessment, its task list, one page per step, check answers, submit."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from equity_tool.assessments import access, escalation, upgrade
from equity_tool.assessments import service as use_cases
from equity_tool.assessments.answer_forms import (
    apply_row_action,
    parse_revision,
    parse_section_form,
)
from equity_tool.assessments.wizard import (
    evaluated,
    has_conditions,
    next_step,
    question_views,
    steps,
    to_redraw,
    to_relabel,
)
from equity_tool.core.db import get_session
from equity_tool.core.exceptions import NotFound
from equity_tool.core.vocabulary import AssessmentState as State
from equity_tool.notifications.service import MailSettings
from equity_tool.review import lists as review_lists
from equity_tool.review import service as review
from equity_tool.review.workflow import DONE, Action

bp = Blueprint("assessments", __name__)


def registry():
    return current_app.extensions["equity_tool.registry"]


def load_assessment(assessment_id: int):
    """(assessment, its pinned questionnaire): 404 when missing or not the user's to see."""
    session = get_session()
    assessment = access.get_visible(session, current_user, assessment_id)
    questionnaire = registry().pinned(
        session, assessment.questionnaire_id, assessment.questionnaire_version
    )
    return assessment, questionnaire


def _section(questionnaire, section_id: str):
    section = questionnaire.section(section_id)
    if section is None:
        raise NotFound(f"No step {section_id}")
    return section


@bp.get("/assessments/<int:assessment_id>")
def task_list(assessment_id: int):
    assessment, questionnaire = load_assessment(assessment_id)
    return render_task_list(assessment, questionnaire)


def render_task_list(assessment, questionnaire, *, errors=(), status=200):
    """The task list; a returned assessment opens on the equity officer's decision: the note
    for the department, the comments, and "Needs changes" beside the steps marked so."""
    session = get_session()
    evaluation = evaluated(assessment, questionnaire)
    latest = review.rounds(session, assessment)
    returned, needs_changes = None, set()
    if assessment.state == State.RETURNED:  # once decided: verdicts in a review may still change
        returned = review_lists.latest_event(session, assessment, DONE[Action.RETURN])
        needs_changes = {section_id for section_id, verdict
                         in review.verdicts(session, assessment).items()
                         if verdict == "needs changes"}
    page = render_template(
        "assessments/task_list.html",
        assessment=assessment,
        questionnaire=questionnaire,
        evaluation=evaluation,
        steps=steps(questionnaire, assessment.answers, evaluation),
        editable=access.may_edit(current_user, assessment),
        lang=assessment.language,
        officer_comments=[c for c in review_lists.discussion(session, assessment).comments
                          if c.round == latest],
        actions=review.buttons(session, current_user, assessment, questionnaire),
        returned=returned,
        needs_changes=needs_changes,
        errors=errors,
        newer_version=_newer_version(assessment),
        links=escalation.links(session, current_user, assessment),
    )
    return page, status


def _newer_version(assessment):
    """The questionnaire's version in use now, when this person may move the draft to it."""
    try:
        current = registry().current(assessment.questionnaire_id)
    except NotFound:  # no longer offered: there is nothing to move to
        return None
    return current if upgrade.offers_move(get_session(), current_user, assessment,
                                          current) else None


@bp.get("/assessments/<int:assessment_id>/sections/<section_id>")
def show_section(assessment_id: int, section_id: str):
    assessment, questionnaire = load_assessment(assessment_id)
    section = _section(questionnaire, section_id)
    if not access.may_edit(current_user, assessment):
        return redirect(url_for(".check_answers", assessment_id=assessment_id))
    return _render_section(
        assessment,
        questionnaire,
        section,
        assessment.answers,
        assessment.other_texts,
        show_errors=False,
    )


def _render_section(
    assessment,
    questionnaire,
    section,
    answers,
    other_texts,
    *,
    show_errors,
    errors=(),
    status=200,
    notice=None,
    revision=None,
):
    lang = assessment.language
    evaluation = evaluated(assessment, questionnaire, answers)
    views = question_views(
        questionnaire,
        section,
        answers,
        other_texts,
        evaluation,
        show_errors=show_errors,
        language=lang,
    )
    summary = list(errors) + [
        (f"q-{v.question.id}", v.error) for v in views if v.error and v.visible
    ]
    all_steps = steps(questionnaire, assessment.answers, evaluation)
    page = render_template(
        "assessments/section.html",
        assessment=assessment,
        questionnaire=questionnaire,
        section=section,
        views=views,
        evaluation=evaluation,
        errors=summary,
        lang=lang,
        step=next(s for s in all_steps if s.section.id == section.id),
        step_count=len(all_steps),
        notice=notice,
        revision=assessment.revision if revision is None else revision,
    )
    return page, status


def _posted_step(assessment_id: int, section_id: str):
    """(assessment, questionnaire, step, parsed form) for a post the user may make."""
    assessment, questionnaire = load_assessment(assessment_id)
    section = _section(questionnaire, section_id)
    access.require_editable(current_user, assessment)
    parsed = parse_section_form(questionnaire, section, request.form, assessment.answers)
    return assessment, questionnaire, section, parsed


def _save(assessment, questionnaire, parsed) -> None:
    use_cases.save_answers(
        get_session(), user=current_user, assessment=assessment, revision=parsed.revision,
        answers=parsed.answers, other_texts=parsed.other_texts, questionnaire=questionnaire,
    )


@bp.post("/assessments/<int:assessment_id>/sections/<section_id>")
def save_section(assessment_id: int, section_id: str):
    assessment, questionnaire, section, parsed = _posted_step(assessment_id, section_id)
    apply_row_action(parsed)
    typed = {**assessment.answers, **parsed.answers}
    typed_others = {**assessment.other_texts, **parsed.other_texts}
    try:
        _save(assessment, questionnaire, parsed)
    except use_cases.StaleRevision as stale:
        # Nothing was saved; show the page again with what the person typed still in it.
        return _render_section(
            assessment,
            questionnaire,
            section,
            typed,
            typed_others,
            show_errors=False,
            errors=[("q-stale", str(stale))],
            status=409,
            revision=parsed.revision,
        )
    if parsed.action in ("add-row", "remove-row"):
        # Post/Redirect/Get: a refresh must not post the row action again.
        target = url_for(".show_section", assessment_id=assessment.id, section_id=section.id)
        return redirect(f"{target}#q-{parsed.target}")
    return _after_save(assessment, questionnaire, section, parsed.action)


def _after_save(assessment, questionnaire, section, action: str):
    """"Save and return" never blocks; "Save and continue" shows what to fix first."""
    if action == "save":
        return redirect(url_for(".task_list", assessment_id=assessment.id))
    evaluation = evaluated(assessment, questionnaire)
    views = question_views(
        questionnaire, section, assessment.answers, assessment.other_texts, evaluation,
        show_errors=True, language=assessment.language,
    )
    if any(v.error and v.visible for v in views):
        return _render_section(
            assessment, questionnaire, section, assessment.answers, assessment.other_texts,
            show_errors=True, status=422,
        )
    following = next_step(steps(questionnaire, assessment.answers, evaluation), section.id)
    if following is None:
        return redirect(url_for(".check_answers", assessment_id=assessment.id))
    return redirect(
        url_for(".show_section", assessment_id=assessment.id, section_id=following.section.id)
    )


@bp.post("/assessments/<int:assessment_id>/sections/<section_id>/autosave")
def autosave(assessment_id: int, section_id: str):
    """htmx autosave: store the step as typed (errors wait for "Save and continue")."""
    assessment, questionnaire, section, parsed = _posted_step(assessment_id, section_id)
    old_answers = dict(assessment.answers)
    # Without any show_if or required expression, nothing can appear, hide or become
    # required: skip evaluating the old answers.
    before = evaluated(assessment, questionnaire, old_answers) \
        if has_conditions(questionnaire) else None
    try:
        _save(assessment, questionnaire, parsed)
    except use_cases.StaleRevision as stale:
        return render_template(
            "assessments/autosave.html",
            conflict=str(stale),
            assessment=assessment,
            revision=parsed.revision,
        ), 409
    after = evaluated(assessment, questionnaire)
    changed = to_redraw(section, before, after, old_answers, assessment.answers)
    relabelled = to_relabel(section, before, after, changed)
    views = question_views(
        questionnaire,
        section,
        assessment.answers,
        assessment.other_texts,
        after,
        show_errors=False,
        language=assessment.language,
    )
    return render_template(
        "assessments/autosave.html",
        assessment=assessment,
        questionnaire=questionnaire,
        evaluation=after,
        revision=assessment.revision,
        lang=assessment.language,
        views=[v for v in views if v.question.id in changed],
        relabelled=[v for v in views if v.question.id in relabelled],
    )


@bp.get("/assessments/<int:assessment_id>/check")
def check_answers(assessment_id: int):
    assessment, questionnaire = load_assessment(assessment_id)
    evaluation = evaluated(assessment, questionnaire)
    return render_template(
        "assessments/check.html",
        assessment=assessment,
        questionnaire=questionnaire,
        evaluation=evaluation,
        editable=access.may_edit(current_user, assessment),
        problems=use_cases.submission_problems(questionnaire, evaluation, assessment.language),
        lang=assessment.language,
        actions=review.buttons(get_session(), current_user, assessment, questionnaire),
    )


@bp.post("/assessments/<int:assessment_id>/submit")
def submit(assessment_id: int):
    assessment, questionnaire = load_assessment(assessment_id)
    access.require_editable(current_user, assessment)
    revision = parse_revision(request.form.get("revision"))
    if revision != assessment.revision:
        # The answers changed since this check page was opened: check them again first.
        raise use_cases.StaleRevision(assessment, None)
    try:
        review.transition(get_session(), user=current_user, assessment=assessment,
                          questionnaire=questionnaire, action=Action.SUBMIT, revision=revision,
                          mail=MailSettings.from_config(current_app.config))
    except use_cases.NotReady:
        return _refused(assessment, questionnaire)
    return redirect(url_for(".submitted", assessment_id=assessment_id))


def _refused(assessment, questionnaire):
    evaluation = evaluated(assessment, questionnaire)
    problems = use_cases.submission_problems(questionnaire, evaluation, assessment.language)
    links = [
        (
            url_for(
                ".show_section",
                assessment_id=assessment.id,
                section_id=questionnaire.section_of(qid).id,
            )
            + f"#q-{qid}",
            message,
        )
        for qid, message in problems
    ]
    page = render_template(
        "assessments/check.html",
        assessment=assessment,
        questionnaire=questionnaire,
        evaluation=evaluation,
        editable=True,
        refused=True,
        lang=assessment.language,
        problems=problems,
        problem_links=links,
    )
    return page, 422


@bp.get("/assessments/<int:assessment_id>/submitted")
def submitted(assessment_id: int):
    assessment, questionnaire = load_assessment(assessment_id)
    return render_template(
        "assessments/submitted.html", assessment=assessment, questionnaire=questionnaire
    )
