"""The first page after signing in."""

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user

from equity_tool.assessments import lists
from equity_tool.core.db import get_session
from equity_tool.core.vocabulary import Role
from equity_tool.web.auth import public

bp = Blueprint("home", __name__)


@bp.get("/")
@public  # so that the bare address leads to the sign-in page without a "sign in to see" notice
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    rows = None
    if current_user.role == Role.STAFF:  # staff work inside their department
        rows = lists.department_rows(get_session(), current_app.extensions["equity_tool.registry"],
                                     department_id=current_user.department_id)
    return render_template("home.html", rows=rows)
