"""The questionnaires page: every version, its state and use, retiring, downloads and diffs."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.routing import BuildError
from wtforms import HiddenField
from wtforms.validators import AnyOf

from equity_tool.assessments import access
from equity_tool.authoring import catalogue, publish
from equity_tool.core.db import get_session
from equity_tool.web.auth import allowed_if

bp = Blueprint("questionnaire_admin", __name__, url_prefix="/admin/questionnaires")


class RetireForm(FlaskForm):
    """The confirmation page's button: a post without its `confirm` retires nothing."""

    confirm = HiddenField(default="retire", validators=[AnyOf(["retire"])])


def registry():
    return current_app.extensions["equity_tool.registry"]


def editor_url(endpoint: str, **values) -> str | None:
    """A page of the editor's (a draft, the list of drafts), once the editor is there."""
    try:
        return url_for(f"editor.{endpoint}", **values)
    except BuildError:
        return None


@bp.get("")
@allowed_if(access.may_manage_questionnaires)
def list_questionnaires():
    session = get_session()
    return render_template("questionnaire_admin/index.html",
                           entries=catalogue.catalogue(session, registry()),
                           files=catalogue.folder_files(registry()), editor_url=editor_url)


@bp.get("/<questionnaire_id>/<version>.yaml")
@allowed_if(access.may_manage_questionnaires)
def download_version(questionnaire_id: str, version: str):
    """The version's text exactly as stored, as a file to save."""
    text = catalogue.stored_text(get_session(), registry(), questionnaire_id, version)
    response = send_file(io.BytesIO(text.encode("utf-8")), mimetype="application/yaml",
                         as_attachment=True, download_name=f"{questionnaire_id}-{version}.yaml")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<questionnaire_id>/<version>/retire", methods=["GET", "POST"])
@allowed_if(access.may_manage_questionnaires)
def retire_version(questionnaire_id: str, version: str):
    """A page to confirm, then the version is retired (Post/Redirect/Get)."""
    session = get_session()
    entry, row = catalogue.version_row(session, registry(), questionnaire_id, version)
    form = RetireForm()
    if form.validate_on_submit():
        publish.retire(session, actor=current_user, questionnaire_id=questionnaire_id,
                       version=version, registry=registry())
        flash(f"Version {version} of {entry.title} is retired: no new assessment starts on it. "
              "Assessments already started on it continue.", "success")
        return redirect(url_for(".list_questionnaires"))
    page = render_template("questionnaire_admin/retire.html", entry=entry, row=row, form=form,
                           successor=entry.in_use_without(row))
    return page, 422 if form.is_submitted() else 200


@bp.post("/<questionnaire_id>/<version>/restore")
@allowed_if(access.may_manage_questionnaires)
def restore_version(questionnaire_id: str, version: str):
    """Undo a retirement (a button on the questionnaires page; CSRF checked by the app)."""
    session = get_session()
    _entry, row = catalogue.version_row(session, registry(), questionnaire_id, version)
    publish.restore(session, actor=current_user, questionnaire_id=questionnaire_id,
                    version=version, registry=registry())
    current = registry().offered.get(questionnaire_id)
    flash(f"Version {version} of {row.title} is no longer retired."
          + (f" New assessments start on version {current.version}." if current else ""),
          "success")
    return redirect(url_for(".list_questionnaires"))


@bp.get("/<questionnaire_id>/diff")
@allowed_if(access.may_manage_questionnaires)
def compare_versions(questionnaire_id: str):
    """Two versions chosen in a form (GET), and what changed from one to the other."""
    session = get_session()
    versions = catalogue.versions_of(session, registry(), questionnaire_id)
    chosen = {"from": request.args.get("from", versions[1] if len(versions) > 1 else ""),
              "to": request.args.get("to", versions[0])}
    errors = _diff_errors(chosen, versions) if len(versions) > 1 else []
    diff = None
    if len(versions) > 1 and not errors:
        diff = catalogue.diff(session, registry(), questionnaire_id, chosen["from"],
                              chosen["to"])
    page = render_template("questionnaire_admin/diff.html", questionnaire_id=questionnaire_id,
                           title=catalogue.title_of(session, registry(), questionnaire_id),
                           versions=versions, chosen=chosen, errors=errors, diff=diff)
    return page, 422 if errors else 200


def _diff_errors(chosen: dict[str, str], versions: list[str]) -> list[tuple[str, str]]:
    words = {"from": "Choose the older version to compare from the list.",
             "to": "Choose the newer version to compare from the list."}
    errors = [(name, words[name]) for name in ("from", "to") if chosen[name] not in versions]
    if not errors and chosen["from"] == chosen["to"]:
        errors.append(("to", "Choose two different versions to compare."))
    return errors
