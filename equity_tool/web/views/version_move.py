"""Moving a draft assessment to a newer version of its questionnaire, and starting the full
assessment a rapid check's flag asks for, pre-filled with the answers that carry over."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField

from equity_tool.assessments import access, escalation, upgrade
from equity_tool.assessments import service as use_cases
from equity_tool.assessments.answer_forms import parse_revision
from equity_tool.core.db import get_session
from equity_tool.web.auth import require
from equity_tool.web.views.assessments import load_assessment
from equity_tool.web.views.questionnaires import (
    StartForm,
    add_start_errors,
    kind_choices,
    language_choices,
)

bp = Blueprint("version_move", __name__)


class MoveForm(FlaskForm):
    """The confirmation: the version previewed and the revision the preview was read at."""

    version = HiddenField()
    revision = HiddenField()


def registry():
    return current_app.extensions["equity_tool.registry"]


# --- moving a draft to a newer version --------------------------------------------------------


@bp.route("/assessments/<int:assessment_id>/newer-version", methods=["GET", "POST"])
def move_version(assessment_id: int):
    assessment, old = load_assessment(assessment_id)
    require(access.may_move_to_newer_version(current_user, assessment))
    new = registry().current(assessment.questionnaire_id)
    form = MoveForm()
    session = get_session()
    if form.validate_on_submit():
        try:
            upgrade.move(session, user=current_user, assessment=assessment, old=old, new=new,
                         version=form.version.data, revision=parse_revision(form.revision.data))
        except upgrade.StaleMove as stale:
            session.refresh(assessment)
            return _preview_page(assessment, old, new, errors=[(None, str(stale))], status=409)
        flash(f"Moved to version {new.version}.", "success")
        return redirect(url_for("assessments.task_list", assessment_id=assessment.id))
    return _preview_page(assessment, old, new)


@bp.post("/assessments/<int:assessment_id>/left-behind/set-aside")
def set_aside_left_behind(assessment_id: int):
    """The task list's "I have dealt with these" (CSRF checked by the app)."""
    assessment, _questionnaire = load_assessment(assessment_id)
    if upgrade.set_aside_left_behind(get_session(), user=current_user, assessment=assessment):
        flash("The list of answers not carried over was removed; the history still has it.",
              "success")
    return redirect(url_for("assessments.task_list", assessment_id=assessment.id))


def _preview_page(assessment, old, new, *, errors=(), status=200):
    planned = upgrade.preview(get_session(), user=current_user, assessment=assessment, old=old,
                              new=new, version=new.version)
    form = MoveForm(formdata=None, version=new.version, revision=str(assessment.revision))
    return render_template("version_move/preview.html", assessment=assessment, old=old,
                           new=new, result=planned.result, form=form, errors=errors,
                           lang=assessment.language), status


# --- escalation from a rapid check ------------------------------------------------------------


@bp.route("/assessments/<int:assessment_id>/full-assessment/<questionnaire_id>",
          methods=["GET", "POST"])
def start_escalation(assessment_id: int, questionnaire_id: str):
    rapid, rapid_questionnaire = load_assessment(assessment_id)
    session = get_session()
    found = escalation.existing(session, rapid, questionnaire_id)
    if found is not None and access.may_see(current_user, found):  # escalated once already
        return redirect(url_for("assessments.task_list", assessment_id=found.id))
    target = registry().current(questionnaire_id)
    escalation.require_escalation(current_user, rapid, rapid_questionnaire, target.id)
    form = _start_form(rapid, target)
    if form.validate_on_submit():
        try:
            full = escalation.escalate(session, user=current_user, rapid=rapid,
                                       rapid_questionnaire=rapid_questionnaire, target=target,
                                       request=_start_request(form, target))
        except use_cases.BadStart as bad:
            add_start_errors(form, bad.errors)
        else:
            return redirect(url_for("assessments.task_list", assessment_id=full.id))
    elif form.is_submitted():
        add_start_errors(form, use_cases.start_errors(session, user=current_user,
                                                 questionnaire=target,
                                                 request=_start_request(form, target)))
    return render_template(
        "version_move/escalate.html", rapid=rapid, target=target, form=form,
        result=escalation.preview(rapid, rapid_questionnaire, target),
        lang=rapid.language, kind_question=target.start_question("decision_kind"),
        title_question=target.start_question("title"),
    ), 422 if form.errors else 200


def _start_form(rapid, target) -> StartForm:
    """The start page's form, filled in from the rapid check where it has the answer: its
    title, its kind when the full assessment offers the same, its language when it has it."""
    kinds = kind_choices(target)
    offered = {choice.value for choice in kinds}
    form = StartForm(data={
        "title": rapid.title,
        "decision_kind": rapid.decision_kind if rapid.decision_kind in offered else None,
        "language": use_cases.start_language(target, rapid.language),
    })
    form.decision_kind.choices = kinds
    form.language.choices = language_choices(target)
    form.coauthors.choices = []
    return form


def _start_request(form: StartForm, target) -> use_cases.StartRequest:
    return use_cases.StartRequest(
        title=form.title.data or "", decision_kind=form.decision_kind.data or "",
        language=form.language.data or target.default_language,
        decision_kind_other=form.decision_kind_other.data or "")
