"""The public register at /public: published assessments and open data, for anyone.

Only while PUBLIC_REGISTER is on (else 404). The read views are @public and never touch the
session (no current_user, no flashed messages, no CSRF token: templates/public/ has its own
layout), so a visitor gets no cookie and every response can be cached for a short while.
Publishing and withdrawing, by the equity officer, are the one signed-in part.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from equity_tool.core.db import get_session
from equity_tool.core.exceptions import BadRequest, NotFound
from equity_tool.core.paging import page_number
from equity_tool.publishing.export import FORMATS
from equity_tool.publishing.register import documents, limits, opendata, publication, read
from equity_tool.questionnaire.messages import long_date
from equity_tool.web.auth import client_address, public
from equity_tool.web.errors import render_error
from equity_tool.web.views.assessments import load_assessment, registry
from equity_tool.web.views.filters import chosen_filters

bp = Blueprint("public", __name__)

MAX_QUERY = 200  # characters
FILTERS = {"department": "a department", "year": "a year of approval",
           "level": "an impact level"}
# Short: a withdrawal reaches caches within a minute; the server itself keeps nothing.
CACHE_CONTROL = "public, max-age=60"


@bp.before_request
def _register_on() -> None:
    if not current_app.config.get("PUBLIC_REGISTER"):
        raise NotFound("The public register is not turned on.")


def _is_public_view() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "is_public", False)


@bp.errorhandler(NotFound)
def _not_found(_error):
    """A public 404 in the register's own layout, which reads nothing of the session."""
    if not _is_public_view():
        return render_error(404)
    return render_template("public/error.html", heading="Page not found", dataset=_dataset()), 404


@bp.after_request
def _cacheable(response: Response) -> Response:
    """The same response for everyone: shared caches may keep it briefly (web/headers.py
    leaves a `public` Cache-Control of this blueprint alone), and crawlers ask cheaply."""
    if request.method in ("GET", "HEAD") and _is_public_view() \
            and response.status_code in (200, 304, 404):
        response.headers["Cache-Control"] = CACHE_CONTROL
    return response


@bp.app_template_filter("public_day")
def public_day(value: date | None) -> str:
    """A date as people read it, e.g. "30 April 2027"."""
    return long_date(value) if value else ""


def _timezone() -> str:
    return current_app.config["EQUITY_TOOL_TIMEZONE"]


def _dataset(self_url: str | None = None) -> opendata.Dataset:
    config = current_app.config
    return opendata.Dataset(
        title=f"Public register of racial equity impact assessments: "
              f"{config['PUBLIC_REGISTER_PUBLISHER']}",
        publisher=config["PUBLIC_REGISTER_PUBLISHER"],
        license_name=config["PUBLIC_DATA_LICENSE"],
        license_url=config["PUBLIC_DATA_LICENSE_URL"],
        home_url=url_for("public.list_published", _external=True),
        self_url=self_url or request.url,
        urls=lambda i: (url_for("public.show_published", assessment_id=i, _external=True),
                        url_for("public.download_published", assessment_id=i, _external=True)))


def _conditional(response: Response, modified: datetime | None) -> Response:
    """ETag (of the body) and Last-Modified, and 304 when the client has it already."""
    response.add_etag()
    if modified is not None:
        response.last_modified = modified
    return response.make_conditional(request)


# --- pages ------------------------------------------------------------------------------------


@bp.get("/public/")
@public
def list_published():
    session = get_session()
    choices = read.choices(session, registry().all_offered(), timezone=_timezone())
    filters, errors = _parse(request.args, choices)
    if filters.q and not limits.allow_search(
            session, client_address=client_address(),
            limit=current_app.config.get("PUBLIC_SEARCH_LIMIT", limits.SEARCHES)):
        page = render_template("public/too_many.html", dataset=_dataset())
        return page, 429, {"Retry-After": str(int(limits.WINDOW.total_seconds())),
                           "Cache-Control": "no-store"}
    found = read.search(session, registry(), filters, page=page_number(request.args.get("page")),
                        timezone=_timezone())
    page = render_template("public/list.html", page=found, choices=choices, q=filters.q,
                           chosen={k: request.args.get(k, "") for k in FILTERS},
                           filtered=filters != read.Filters(), errors=errors,
                           dataset=_dataset())
    if errors:
        return page, 400
    # The ETag of the page says enough; when the whole register last changed is worth its
    # queries for the open data only.
    return _conditional(Response(page, mimetype="text/html"), None)


def _parse(args: Mapping[str, str], choices) -> tuple[read.Filters, list]:
    chosen, errors = chosen_filters(args, choices, FILTERS)
    q = " ".join(args.get("q", "").split())
    if len(q) > MAX_QUERY:
        errors.append(("search-q", f"Search for {MAX_QUERY} characters or fewer."))
        q = ""
    return read.Filters(
        q=q, level=chosen.get("level"),
        department_id=int(chosen["department"]) if "department" in chosen else None,
        year=int(chosen["year"]) if "year" in chosen else None), errors


def _published(assessment_id: int):
    session = get_session()
    assessment, department = read.get_published(session, assessment_id)
    questionnaire = registry().pinned(session, assessment.questionnaire_id,
                                      assessment.questionnaire_version)
    return assessment, department, questionnaire


@bp.get("/public/assessments/<int:assessment_id>")
@public
def show_published(assessment_id: int):
    session = get_session()
    assessment, department, questionnaire = _published(assessment_id)
    page = render_template(
        "public/assessment.html",
        entry=read.entry(registry(), session, assessment, department),
        items=read.follow_up(session, registry(), assessment),
        doc=documents.public_context(session, assessment, questionnaire, department,
                                     timezone=_timezone()),
        today=datetime.now(ZoneInfo(_timezone())).date(), dataset=_dataset())
    return _conditional(Response(page, mimetype="text/html"), read.changed_at(session))


@bp.get("/public/assessments/<int:assessment_id>/document.docx")
@public
def download_published(assessment_id: int):
    session = get_session()
    assessment, department, questionnaire = _published(assessment_id)
    data = documents.public_docx(session, assessment, questionnaire, department,
                                 timezone=_timezone())
    title = read.public_title(questionnaire, assessment)
    return send_file(io.BytesIO(data), mimetype=FORMATS["docx"], as_attachment=True,
                     download_name=documents.file_name(title, assessment.id))


# --- open data --------------------------------------------------------------------------------


def _everything():
    session = get_session()
    return (read.all_published(session, registry()), read.all_items(session, registry()),
            read.changed_at(session))


@bp.get("/public/assessments.json")
@public
def published_json():
    entries, items, modified = _everything()
    body = opendata.to_json(entries, items, _dataset(), modified)
    return _conditional(Response(body, mimetype="application/json"), modified)


@bp.get("/public/assessments.csv")
@public
def published_csv():
    entries, items, modified = _everything()
    response = Response(opendata.to_csv(entries, items, _dataset()), mimetype="text/csv")
    response.headers["Content-Disposition"] = "inline; filename=assessments.csv"
    return _conditional(response, modified)


@bp.get("/public/feed.atom")
@public
def published_feed():
    session = get_session()
    entries = read.all_published(session, registry(), limit=opendata.FEED_SIZE)
    modified = read.changed_at(session)
    body = opendata.to_atom(entries, _dataset(), modified)
    return _conditional(Response(body, mimetype="application/atom+xml"), modified)


# --- publishing, by the equity officer --------------------------------------------------------


@bp.post("/assessments/<int:assessment_id>/publication")
def change_publication(assessment_id: int):
    """Publish (`published=yes`) or withdraw (`published=no`) from the officer's page."""
    assessment, _questionnaire = load_assessment(assessment_id)
    choice = request.form.get("published")
    if choice not in ("yes", "no"):
        raise BadRequest("The form sent no choice to publish or withdraw.")
    change = publication.publish if choice == "yes" else publication.withdraw
    if change(get_session(), user=current_user, assessment=assessment,
              note=request.form.get("note")):
        flash(f"“{assessment.title}” is now on the public register." if choice == "yes"
              else f"“{assessment.title}” was withdrawn from the public register.", "success")
    return redirect(url_for("review.show_review", assessment_id=assessment_id)
                    + "#publication")


def after_approval(assessment, form: Mapping[str, str]) -> None:
    """The approval form's "Publish to the public register" choice, applied once the approval
    is recorded; forms without the choice (register off) change nothing."""
    if current_app.config.get("PUBLIC_REGISTER") and "publish_offered" in form:
        publication.set_published(get_session(), user=current_user, assessment=assessment,
                                  published=form.get("publish") == "yes")
