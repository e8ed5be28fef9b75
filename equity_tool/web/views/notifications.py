"""The signed-in person's notifications, and the unread count in the header."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, render_template, url_for
from flask_login import current_user

from equity_tool.assessments import access
from equity_tool.core.db import get_session
from equity_tool.notifications import service as notifications

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
def list_notifications():
    """Newest first; opening the list marks them read (the unread ones stay marked here)."""
    session = get_session()
    found = notifications.for_user(session, current_user.id)
    unread = {n.id for n in found if n.read_at is None}
    notifications.mark_read(session, current_user.id)
    return render_template("notifications/list.html", notifications=found, unread=unread)


@bp.get("/notifications/<int:notification_id>")
def open_notification(notification_id: int):
    """A notification's link: marks it read and goes on to its assessment (404 unless it is
    the signed-in person's own).

    A GET that changes something, on purpose: the read mark is the owner's alone, setting it
    twice changes nothing, and losing it (a prefetch) costs nothing, as opening the list marks
    everything read anyway. A plain link (not a form posting) works as every link does: open
    in a new tab, copy, listed among a screen reader's links, and in an email.
    """
    opened = notifications.open_notification(get_session(), user=current_user,
                                             notification_id=notification_id)
    if opened.assessment_id is None:
        return redirect(url_for(".list_notifications"))
    if opened.follow_up_item_id is not None:
        return redirect(url_for("followup.show_item", assessment_id=opened.assessment_id,
                                item_id=opened.follow_up_item_id))
    page = "review.show_review" if access.may_review(current_user) else "assessments.task_list"
    return redirect(url_for(page, assessment_id=opened.assessment_id))


def unread_notifications_context() -> dict:
    """`unread_notifications()` in every template: the signed-in person's unread count.

    A function, so that only pages that show it (not htmx fragments) run the query.
    """

    def unread_notifications() -> int | None:
        if not current_user.is_authenticated:
            return None
        return notifications.unread_count(get_session(), current_user.id)

    return {"unread_notifications": unread_notifications}


def init_app(app: Flask) -> None:
    app.context_processor(unread_notifications_context)
