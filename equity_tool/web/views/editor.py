"""Writing a questionnaire in the browser: the editor, checking as you type, preview, publishing."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from equity_tool.assessments import access
from equity_tool.assessments.service import StartRequest, start_errors
from equity_tool.authoring import checking, drafts
from equity_tool.authoring import preview as previews
from equity_tool.authoring import publish as publishing
from equity_tool.core.db import get_session
from equity_tool.core.exceptions import BadRequest
from equity_tool.web.auth import require
from equity_tool.web.views.questionnaires import (
    MINUTES_PER_QUESTION,
    StartForm,
    kind_choices,
    language_choices,
    language_name,
)

bp = Blueprint("editor", __name__)

PUBLISHED_LIST = "questionnaire_admin.list_questionnaires"


@bp.before_request
def _office_only():
    """Every page here is the equity office's: the officer and the administrator."""
    require(access.may_manage_questionnaires(current_user))


def registry():
    return current_app.extensions["equity_tool.registry"]


def _max_bytes() -> int:
    return current_app.config["QUESTIONNAIRE_MAX_BYTES"]


def _check(source: str) -> checking.Check:
    """The text checked as `flask questionnaires check` would check it in the folder."""
    return checking.check_source(get_session(), source, registry=registry(),
                                 max_bytes=_max_bytes())


def _posted_text() -> tuple[str, int]:
    """(text, revision) from the editor's form; browsers send lines ending in CRLF."""
    revision = request.form.get("revision", "")
    if not (revision.isascii() and revision.isdigit() and len(revision) <= 9):
        raise BadRequest("The form did not say which revision of the draft it was based on. "
                         "Reload the page and try again.")
    return request.form.get("source", "").replace("\r\n", "\n"), int(revision)


# --- drafts --------------------------------------------------------------------------------


@bp.get("/admin/drafts")
def list_drafts():
    return _render_list()


def _render_list(errors=(), status=200):
    return render_template(
        "editor/list.html", drafts=drafts.list_drafts(get_session()),
        questionnaires=registry().all_offered(), errors=errors,
        max_kib=_max_bytes() // 1024,
    ), status


@bp.post("/admin/drafts")
def create_draft():
    """A blank questionnaire, or a new version of one on offer (its text, based on it)."""
    session, based_on = get_session(), request.form.get("questionnaire_id", "")
    if based_on:
        questionnaire = registry().current(based_on)
        draft = drafts.start_new_version(session, actor=current_user,
                                         questionnaire=questionnaire)
    else:
        draft = drafts.start_draft(session, actor=current_user)
    return redirect(url_for(".edit_draft", draft_id=draft.id))


@bp.post("/admin/drafts/upload")
def upload_draft():
    upload = request.files.get("file")
    try:
        data = upload.stream.read(_max_bytes() + 1) if upload else b""
        text = drafts.read_upload(upload.filename if upload else "", data, _max_bytes())
    except drafts.BadUpload as bad:
        return _render_list(errors=[("file", str(bad))], status=422)
    draft = drafts.start_draft(get_session(), actor=current_user, source=text)
    return redirect(url_for(".edit_draft", draft_id=draft.id))


# --- the editor ----------------------------------------------------------------------------


@bp.get("/admin/drafts/<int:draft_id>")
def edit_draft(draft_id: int):
    draft = drafts.get_draft(get_session(), draft_id)
    return _render_editor(draft, draft.source, revision=draft.revision)


def _render_editor(draft, source, *, revision, errors=(), refused=None, status=200):
    return render_template(
        "editor/edit.html", draft=draft, source=source, revision=revision,
        check=_check(source), errors=errors, refused=refused, language_name=language_name,
    ), status


@bp.post("/admin/drafts/<int:draft_id>")
def save_draft(draft_id: int):
    draft, _source, refusal = _save_posted(draft_id)
    if refusal:
        return refusal
    flash("Draft saved.", "success")
    return redirect(url_for(".edit_draft", draft_id=draft.id))


def _save_posted(draft_id: int):
    """(draft, text, None) once the posted text is saved; (draft, text, the editor again with
    the text as typed and why it was not saved) when it is stale or too large."""
    session = get_session()
    draft = drafts.get_draft(session, draft_id)
    source, revision = _posted_text()
    try:
        drafts.save_draft(session, draft=draft, revision=revision, source=source,
                          max_bytes=_max_bytes())
    except drafts.StaleDraft as stale:
        return draft, source, _render_editor(draft, source, revision=revision,
                                             errors=[(None, str(stale))], status=409)
    except drafts.DraftTooLarge as large:
        return draft, source, _render_editor(draft, source, revision=revision,
                                             errors=[("source", str(large))], status=422)
    return draft, source, None


@bp.post("/admin/drafts/<int:draft_id>/publish")
def publish_draft(draft_id: int):
    """Publish the text as typed (saved first, so nothing is lost when publishing is refused)."""
    draft, source, refusal = _save_posted(draft_id)
    if refusal:
        return refusal
    session = get_session()
    try:
        version = publishing.publish(session, actor=current_user, source=source,
                                     base_version_id=draft.base_version_id, registry=registry(),
                                     max_bytes=_max_bytes())
    except publishing.PublishRefused as refused:
        session.rollback()
        return _render_editor(draft, source, revision=draft.revision, refused=refused,
                              status=409 if refused.diff else 422)
    drafts.delete_draft(session, draft)
    flash(f"Published {version.questionnaire_id} version {version.version}.", "success")
    return redirect(url_for(PUBLISHED_LIST))


@bp.post("/admin/drafts/<int:draft_id>/check")
def check_draft(draft_id: int):
    """htmx (as you type): the problems alone; without JavaScript, the editor page again."""
    draft = drafts.get_draft(get_session(), draft_id)
    source, revision = _posted_text()
    if request.headers.get("HX-Request"):
        return render_template("editor/check.html", check=_check(source))
    return _render_editor(draft, source, revision=revision)


@bp.post("/admin/drafts/<int:draft_id>/delete")
def delete_draft(draft_id: int):
    session = get_session()
    drafts.delete_draft(session, drafts.get_draft(session, draft_id))
    flash("Draft deleted.", "success")
    return redirect(url_for(".list_drafts"))


# --- preview -------------------------------------------------------------------------------


@bp.route("/admin/drafts/<int:draft_id>/preview", methods=["GET", "POST"])
def preview_draft(draft_id: int):
    """The start page (GET, or its own form posted), or a step with the sample answers."""
    draft = drafts.get_draft(get_session(), draft_id)
    check = _check(draft.source)
    if not check.ok:
        return render_template("editor/preview_errors.html", draft=draft, check=check), 422
    questionnaire = check.questionnaire
    # A step's language buttons post its form (`switch_lang`), so the sample answers stay.
    language = previews.language_of(questionnaire, request.values.get("switch_lang")
                                    or request.values.get("lang"))
    if request.method == "GET" or request.form.get("go") == "start":
        return _preview_start(draft, questionnaire, language)
    if "step" not in request.form:  # the start page's own form: begin, as staff would
        return _preview_started(draft, questionnaire, language)
    return _preview_posted_step(draft, questionnaire, language)


def _start_form(questionnaire, language: str) -> StartForm:
    """The start page's form, set up as its own view sets it up for staff."""
    form = StartForm()
    form.language.choices = language_choices(questionnaire)
    form.language.data = previews.language_of(questionnaire, form.language.data or language)
    form.decision_kind.choices = kind_choices(questionnaire, form.language.data)
    form.coauthors.choices = []
    return form


def _preview_start(draft, questionnaire, language, form=None, status=200):
    form = form or _start_form(questionnaire, language)
    questions = [q for q in questionnaire.questions() if q.answerable]
    return render_template(
        "editor/preview_start.html", draft=draft, questionnaire=questionnaire, form=form,
        may_start=True, minutes=len(questions) * MINUTES_PER_QUESTION,
        question_count=len(questions),
        lang=questionnaire.default_language, question_lang=form.language.data,
        preview_lang=language, language_name=language_name,
        title_question=questionnaire.start_question("title"),
        kind_question=questionnaire.start_question("decision_kind"),
    ), status


def _preview_started(draft, questionnaire, language):
    """The start page's answers checked as they are for staff; then step 1, in the language
    chosen there."""
    form = _start_form(questionnaire, language)
    start = StartRequest(title=form.title.data or "", decision_kind=form.decision_kind.data or "",
                         language=form.language.data,
                         decision_kind_other=form.decision_kind_other.data or "")
    errors = start_errors(get_session(), user=current_user, questionnaire=questionnaire,
                          request=start)
    if errors:
        for name, message in errors.items():
            getattr(form, name).errors = [message]
        return _preview_start(draft, questionnaire, language, form, status=422)
    sample = previews.first_sample(questionnaire, {"title": start.title,
                                                   "decision_kind": start.decision_kind})
    chosen = form.language.data
    return _render_step(draft, questionnaire, chosen, questionnaire.sections[0], sample)


def _preview_posted_step(draft, questionnaire, language):
    sample = previews.read_sample(request.form.get("sample"), questionnaire)
    section = previews.section_named(questionnaire, request.form.get("step"))
    sample = previews.with_step_answers(questionnaire, section, request.form, sample)
    target = request.form.get("go") or section.id
    going = previews.section_named(questionnaire, target)
    staying = going.id == section.id and not request.form.get("switch_lang")
    return _render_step(draft, questionnaire, language, going, sample, show_errors=staying)


def _render_step(draft, questionnaire, language, section, sample, show_errors=False):
    step = previews.preview_step(questionnaire, section, sample, language,
                                 show_errors=show_errors)
    # A change in the form (htmx) redraws scores, steps and visibility, not the fields.
    changed = request.headers.get("HX-Trigger") == "preview-form"
    return render_template(
        "editor/preview_update.html" if changed else "editor/preview.html", draft=draft,
        questionnaire=questionnaire, page=step, lang=language, preview_lang=language,
        sample=sample, language_name=language_name,
    )
