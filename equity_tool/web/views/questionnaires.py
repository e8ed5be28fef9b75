"""The questionnaires on offer, and starting an assessment on one."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectMultipleField, StringField, widgets

from equity_tool.assessments import access
from equity_tool.assessments import service as use_cases
from equity_tool.core.db import get_session
from equity_tool.web.auth import require

bp = Blueprint("questionnaires", __name__)

MINUTES_PER_QUESTION = 2  # a rough guide for the start page; long texts take longer


class StartForm(FlaskForm):
    """The start page. The title and the kind are checked by the use case (`start_errors`):
    where the questionnaire names its own questions for them, as step 1 checks its answers."""

    title = StringField("Title of the assessment")
    decision_kind = RadioField("What kind of decision is it?", validate_choice=False)
    decision_kind_other = StringField()
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
    form.language.choices = language_choices(questionnaire)
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
    # The questionnaire's own questions are asked in the language chosen (on a first visit,
    # its default language); the rest of the page stays in its default language.
    question_lang = use_cases.start_language(questionnaire, form.language.data)
    kind_question = questionnaire.start_question("decision_kind")
    form.decision_kind.choices = kind_choices(questionnaire, question_lang)
    if access.may_start(current_user) and form.is_submitted():
        request_ = use_cases.StartRequest(
            title=form.title.data or "",
            decision_kind=form.decision_kind.data or "",
            coauthor_ids=tuple(form.coauthors.data or ()),
            language=form.language.data or questionnaire.default_language,
            decision_kind_other=form.decision_kind_other.data or "",
        )
        if form.validate():
            try:
                assessment = use_cases.start(
                    session, user=current_user, questionnaire=questionnaire, request=request_
                )
            except use_cases.BadStart as bad:
                add_start_errors(form, bad.errors)
            else:
                return redirect(url_for("assessments.task_list", assessment_id=assessment.id))
        else:  # show every problem at once, the title's and the kind's too
            add_start_errors(form, use_cases.start_errors(
                session, user=current_user, questionnaire=questionnaire, request=request_))
    questions = [q for q in questionnaire.questions() if q.answerable]
    return render_template(
        "questionnaires/start.html",
        questionnaire=questionnaire,
        form=form,
        may_start=access.may_start(current_user),
        minutes=len(questions) * MINUTES_PER_QUESTION,
        question_count=len(questions),
        lang=questionnaire.default_language,
        question_lang=question_lang,
        title_question=questionnaire.start_question("title"),
        kind_question=kind_question,
    ), 422 if form.errors else 200


def language_choices(questionnaire) -> list[SelectChoice]:
    return [SelectChoice(code, language_name(code)) for code in questionnaire.languages]


def kind_choices(questionnaire, lang: str | None = None) -> list[SelectChoice]:
    """The kinds of decision: the questionnaire's own question for it (`start`), else ours."""
    kind_question = questionnaire.start_question("decision_kind")
    if kind_question is None:
        return [SelectChoice(value, label) for value, label in use_cases.DECISION_KINDS.items()]
    return [SelectChoice(c.value, c.label.get(lang)) for c in kind_question.choices]


def add_start_errors(form: StartForm, errors: dict[str, str]) -> None:
    """The use case's messages beside their fields (one per field: the first is shown)."""
    for name, message in errors.items():
        field = getattr(form, name)
        if message not in field.errors:
            field.errors = [*field.errors, message]


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
