"""The first page after signing in."""

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user

from equity_tool.assessments import lists as queries
from equity_tool.core.db import get_session
from equity_tool.core.models import Role
from equity_tool.questionnaire import evaluate
from equity_tool.web.auth import public

bp = Blueprint("home", __name__)


@bp.get("/")
@public  # so that the bare address leads to the sign-in page without a "sign in to see" notice
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    # Staff work inside their department; the other roles get their own pages in later issues.
    rows = _department_rows() if current_user.role == Role.STAFF else None
    return render_template("home.html", rows=rows)


def _department_rows():
    """(assessment, questionnaire, impact level) for the staff member's department."""
    session = get_session()
    registry = current_app.extensions["equity_tool.registry"]
    rows = []
    for assessment in queries.department_assessments(
        session, department_id=current_user.department_id
    ):
        questionnaire = registry.pinned(
            session, assessment.questionnaire_id, assessment.questionnaire_version
        )
        level = evaluate(questionnaire, assessment.answers).level
        rows.append((assessment, questionnaire, level))
    return rows
