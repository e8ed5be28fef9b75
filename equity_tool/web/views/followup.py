"""Follow-up pages: an approved assessment's items, an item with its history and the progress
form, and a department's items a page at a time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from equity_tool.assessments import access
from equity_tool.assessments.answer_forms import parse_revision
from equity_tool.core.db import get_session
from equity_tool.core.exceptions import NotFound
from equity_tool.core.paging import page_number
from equity_tool.core.vocabulary import DEPARTMENT_ROLES, ItemStatus
from equity_tool.followup import lists
from equity_tool.followup import service as followup
from equity_tool.questionnaire.messages import long_date
from equity_tool.web.auth import require

bp = Blueprint("followup", __name__)


def city_today() -> dt.date:
    """Today in the city's time zone: what "due" and "overdue" are counted against."""
    return dt.datetime.now(ZoneInfo(current_app.config["EQUITY_TOOL_TIMEZONE"])).date()


@bp.app_template_filter("day")
def format_day(value: dt.date | None) -> str:
    """A date as people read it, e.g. "30 April 2027"."""
    return long_date(value) if value else ""


@bp.app_context_processor
def due_soon_context() -> dict:
    """`follow_up_due_soon()` on the department's homes: its items due in the next 30 days
    and overdue. A function, so only the pages that show it run the query."""

    def follow_up_due_soon() -> list[lists.ItemRow]:
        if current_user.role not in DEPARTMENT_ROLES or current_user.department_id is None:
            return []
        return lists.due_soon(get_session(), department_id=current_user.department_id,
                              today=city_today())

    return {"follow_up_due_soon": follow_up_due_soon, "city_today": city_today}


def _followed_assessment(assessment_id: int):
    """The assessment, if `current_user` may see it and it was approved (items exist only
    from an approval on): else 404."""
    assessment = access.get_visible(get_session(), current_user, assessment_id)
    if assessment.approved_at is None:
        raise NotFound(f"Assessment {assessment_id} has no follow-up yet")
    return assessment


@bp.get("/assessments/<int:assessment_id>/follow-up")
def list_items(assessment_id: int):
    assessment = _followed_assessment(assessment_id)
    items = lists.assessment_rows(get_session(), assessment)
    return render_template("followup/items.html", assessment=assessment, items=items,
                           today=city_today())


@bp.get("/assessments/<int:assessment_id>/follow-up/<int:item_id>")
def show_item(assessment_id: int, item_id: int):
    found = followup.get_item(get_session(), user=current_user, assessment_id=assessment_id,
                              item_id=item_id)
    return _render_item(found)


def _render_item(found: followup.Item, *, errors=(), typed=None, status=200):
    session = get_session()
    today = city_today()
    page = render_template(
        "followup/item.html",
        assessment=found.assessment,
        item=found.item,
        entries=lists.history(session, found.item),
        may_post=followup.may_post(session, current_user, found.assessment),
        overdue=lists.is_overdue(found.item, today),
        statuses=list(ItemStatus),
        typed=typed or {"status": found.item.status, "happened_on": today.isoformat()},
        errors=errors,
        today=today,
    )
    return page, status


FIELDS = ("status", "note", "value", "happened_on")


@bp.post("/assessments/<int:assessment_id>/follow-up/<int:item_id>")
def post_update(assessment_id: int, item_id: int):
    found = followup.get_item(get_session(), user=current_user, assessment_id=assessment_id,
                              item_id=item_id)
    typed = {name: request.form.get(name, "") for name in FIELDS}
    try:
        followup.post_update(get_session(), user=current_user, item_id=found.item.id,
                             revision=parse_revision(request.form.get("revision", "")),
                             today=city_today(), **typed)
    except followup.ProgressRefused as refused:
        errors = [(_field_id(name), message) for name, message in refused.errors.items()]
        return _render_item(found, errors=errors, typed=typed, status=422)
    except (followup.StaleItem, followup.ItemDropped) as conflict:
        # Shown again with the latest history and revision, and what the person typed.
        get_session().refresh(found.item)
        return _render_item(found, errors=[(None, str(conflict))], typed=typed, status=409)
    flash("Your progress was recorded.", "success")
    return redirect(url_for(".show_item", assessment_id=assessment_id, item_id=item_id)
                    + "#history")


def _field_id(name: str) -> str:
    return {"status": "status-0", "happened_on": "happened-on"}.get(name, name)


@bp.get("/departments/<int:department_id>/follow-up")
def department_items(department_id: int):
    # Another department's staff are told nothing about it: as for an unknown one, a 404.
    department = lists.department(get_session(), department_id)
    if department is None or (current_user.role in DEPARTMENT_ROLES
                              and current_user.department_id != department_id):
        raise NotFound(f"No department {department_id}")
    require(access.may_list_department_items(current_user, department_id))
    overdue = request.args.get("overdue") == "yes"
    page = lists.department_items(get_session(), department_id=department_id,
                                  today=city_today(), overdue=overdue,
                                  page=page_number(request.args.get("page")))
    return render_template("followup/department.html", department=department, page=page,
                           overdue=overdue, today=city_today())
