"""The questionnaires on offer, and starting an assessment on one."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectMultipleField, StringField, widgets
from wtforms.validators import InputRequired, Length

from equity_tool.assessments import access
from equity_tool.assessments import service as use_cases
from equity_tool.core.db import get_session
from equity_tool.web.auth import require

bp = Blueprint("questionnaires", __name__)

MINUTES_PER_QUESTION = 2  # a rough guide for the start page; long texts take longer


class StartForm(FlaskForm):
    title = StringField(
        "Title of the assessment",
        validators=[
            InputRequired("Enter a title for the assessment"),
            Length(max=300, message="Enter a title of 300 characters or fewer"),
        ],
    )
    decision_kind = RadioField(
        "What kind of decision is it?",
        choices=[SelectChoice(value, label) for value, label in use_cases.DECISION_KINDS.items()],
        validators=[InputRequired("Select the kind of decision")],
    )
    language = RadioField("Language of the questions", validate_choice=True)
    coauthors = SelectMultipleField(
        "Co-authors (optional)",
        coerce=int,
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
    )


def registry():
    return current_app.extensions["equity_tool.registry"]


@bp.get("/questionnaires")
def list_questionnaires():
    return render_template(
        "questionnaires/list.html",
        questionnaires=registry().all_offered(),
        may_start=access.may_start(current_user),
    )


@bp.route("/questionnaires/<questionnaire_id>", methods=["GET", "POST"])
def start(questionnaire_id: str):
    questionnaire = registry().current(questionnaire_id)
    if request.method == "POST":
        require(access.may_start(current_user))
    session = get_session()
    form = StartForm()
    form.language.choices = [SelectChoice(code, language_name(code))
                             for code in questionnaire.languages]
    colleagues = (
        [
            u
            for u in use_cases.department_staff(session, current_user.department_id)
            if u.id != current_user.id
        ]
        if access.may_start(current_user)
        else []
    )
    form.coauthors.choices = [SelectChoice(u.id, u.name) for u in colleagues]
    if not form.language.data:  # one-language questionnaires show no language choice
        form.language.data = questionnaire.default_language
    if access.may_start(current_user) and form.validate_on_submit():
        request_ = use_cases.StartRequest(
            title=form.title.data,
            decision_kind=form.decision_kind.data,
            coauthor_ids=tuple(form.coauthors.data or ()),
            language=form.language.data or questionnaire.default_language,
        )
        try:
            assessment = use_cases.start(
                session, user=current_user, questionnaire=questionnaire, request=request_
            )
        except use_cases.BadStart as bad:
            for name, message in bad.errors.items():
                getattr(form, name).errors = [*getattr(form, name).errors, message]
        else:
            return redirect(url_for("assessments.task_list", assessment_id=assessment.id))
    questions = [q for q in questionnaire.questions() if q.answerable]
    return render_template(
        "questionnaires/start.html",
        questionnaire=questionnaire,
        form=form,
        may_start=access.may_start(current_user),
        minutes=len(questions) * MINUTES_PER_QUESTION,
        question_count=len(questions),
        lang=questionnaire.default_language,
    ), 422 if form.errors else 200


LANGUAGE_NAMES = {
    "en": "English",
    "es": "Español",
    "zh": "中文",
    "vi": "Tiếng Việt",
    "ko": "한국어",
    "tl": "Tagalog",
    "ar": "العربية",
    "fr": "Français",
    "so": "Soomaali",
    "hmn": "Hmoob",
    "ru": "Русский",
    "pt": "Português",
}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code.split("-")[0], code)
