"""The first page after signing in: each role's own home, with what it should do next."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from equity_tool.assessments import lists
from equity_tool.core.db import get_session
from equity_tool.core.vocabulary import Role
from equity_tool.publishing import reading_room
from equity_tool.review import lists as review_lists
from equity_tool.web.auth import public
from equity_tool.web.views.filters import chosen_filters

bp = Blueprint("home", __name__)

# filter name -> what the person chose, for the error message
ADMIN_FILTERS = {"department": "a department", "state": "a state",
                 "questionnaire": "a questionnaire"}


def _registry():
    return current_app.extensions["equity_tool.registry"]


@bp.get("/")
@public  # so that the bare address leads to the sign-in page without a "sign in to see" notice
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    return HOMES[Role(current_user.role)]()


@bp.get("/favicon.ico")
@public  # browsers ask for it on their own, signed in or not
def favicon():
    icon = Path(current_app.static_folder or "static") / "favicon.ico"
    # The bytes, not a file stream: 145 bytes are not worth an open file per request.
    return icon.read_bytes(), 200, {"Content-Type": "image/vnd.microsoft.icon",
                                    "Cache-Control": "public, max-age=86400"}


def _staff_home():
    rows = lists.department_rows(get_session(), _registry(),
                                 department_id=current_user.department_id)
    return render_template("home/staff.html", rows=rows)


def _director_home():
    session, department_id = get_session(), current_user.department_id
    return render_template(
        "home/director.html",
        awaiting=lists.awaiting_signoff_rows(session, _registry(), department_id=department_id),
        rows=lists.department_rows(session, _registry(), department_id=department_id))


def _officer_home():
    session = get_session()
    queue = review_lists.queue(session, _registry(), {}, size=1)  # the counts and the oldest
    return render_template("home/officer.html", counts=queue.counts,
                           oldest=queue.rows[0] if queue.rows else None,
                           decisions=review_lists.recent_decisions(session))


def _councillor_home():
    rows = reading_room.recently_approved(get_session(), _registry())
    return render_template("home/councillor.html", rows=rows)


def _admin_home():
    session = get_session()
    choices = lists.filter_choices(session)
    chosen, errors = chosen_filters(request.args, choices, ADMIN_FILTERS)
    rows = lists.filtered_rows(session, _registry(), chosen)
    page = render_template("home/admin.html", rows=rows, choices=choices, chosen=chosen,
                           errors=errors)
    return page, 400 if errors else 200


HOMES = {Role.STAFF: _staff_home, Role.DIRECTOR: _director_home, Role.OFFICER: _officer_home,
         Role.COUNCILLOR: _councillor_home, Role.ADMIN: _admin_home}
