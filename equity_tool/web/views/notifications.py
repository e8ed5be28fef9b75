"""The signed-in person's notifications, and the unread count in the header."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from flask_login import current_user

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
