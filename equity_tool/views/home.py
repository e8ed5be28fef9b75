"""The first page after signing in."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from .. import queries
from ..auth import public
from ..db import get_session
from ..models import Role

bp = Blueprint("home", __name__)


@bp.get("/")
@public  # so that the bare address leads to the sign-in page without a "sign in to see" notice
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    # Staff work inside their department; the other roles get their own pages in later issues.
    assessments = (
        queries.department_assessments(get_session(), department_id=current_user.department_id)
        if current_user.role == Role.STAFF
        else None
    )
    return render_template("home.html", assessments=assessments)
