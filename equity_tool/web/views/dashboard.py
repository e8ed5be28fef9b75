"""The equity officer's dashboard: a year's figures with charts and tables, and each table as
a CSV download. The filters are a GET form, so every view of it can be linked and bookmarked."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, render_template, request

from equity_tool.assessments import access
from equity_tool.core.db import get_session
from equity_tool.core.exceptions import BadRequest, NotFound
from equity_tool.publishing import dashboard
from equity_tool.questionnaire.messages import long_date
from equity_tool.web.auth import allowed_if, current_user
from equity_tool.web.views.assessments import registry
from equity_tool.web.views.filters import chosen_filters

bp = Blueprint("dashboard", __name__)

# filter name -> what the person chose, for the error message
FILTERS = {"year": "a year", "department": "a department", "questionnaire": "a questionnaire"}


def _timezone() -> str:
    return current_app.config["EQUITY_TOOL_TIMEZONE"]


@bp.app_template_filter("dashboard_cell")
def dashboard_cell(value: Any) -> str:
    """A table cell as read on the page: dates in words, nothing as a dash."""
    if value is None or value == "":
        return "–"
    if isinstance(value, date):
        return long_date(value)
    return str(value)


def _filters(args: Mapping[str, str]) -> tuple[dashboard.Filters, dict, dict, list]:
    """(filters, choices, chosen, errors): a value not offered is an error and ignored; no
    year chosen is this year."""
    choices = dashboard.choices(get_session(), timezone=_timezone())
    chosen, errors = chosen_filters(args, choices, FILTERS)
    this_year = datetime.now(ZoneInfo(_timezone())).year
    filters = dashboard.Filters(
        year=int(chosen.get("year", this_year)),
        department_id=int(chosen["department"]) if "department" in chosen else None,
        questionnaire_id=chosen.get("questionnaire"), timezone=_timezone())
    return filters, choices, chosen, errors


@bp.get("/dashboard")
@allowed_if(access.may_see_dashboard)
def show_dashboard():
    filters, choices, chosen, errors = _filters(request.args)
    found = dashboard.build(get_session(), registry(), filters)
    chosen["year"] = str(filters.year)
    page = render_template(
        "dashboard/show.html", dash=found, choices=choices, chosen=chosen, errors=errors,
        filtered=len(chosen) > 1, csv_args=chosen,
        # the officer reviews what waits; the administrator reads it
        waiting_link="review.show_review" if access.may_review(current_user)
        else "assessments.task_list")
    return page, 400 if errors else 200


@bp.get("/dashboard/<name>.csv")
@allowed_if(access.may_see_dashboard)
def download_table(name: str):
    """One of the dashboard's tables, every row, for the filters in the query string."""
    if name not in dashboard.TABLES:
        raise NotFound(f"No dashboard table {name}")
    filters, _, _, errors = _filters(request.args)
    if errors:
        raise BadRequest(" ".join(message for _, message in errors))
    found = dashboard.table(get_session(), registry(), filters, name)
    filename = dashboard.csv_filename(filters, name)
    # The byte order mark makes Excel read the file as UTF-8 (names with accents).
    return Response("\ufeff" + dashboard.as_csv(found), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
