"""The signed-in person's notifications, the unread count in the header, and
`flask notifications send` for retrying emails from cron."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, render_template
from flask.cli import AppGroup
from flask_login import current_user

from .. import notifications
from ..db import get_session
from ..notifications import MailSettings

bp = Blueprint("notifications", __name__)
notifications_cli = AppGroup("notifications", help="Send notification emails.")


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
        try:
            return notifications.unread_count(get_session(), current_user.id)
        except sa.exc.SQLAlchemyError:  # the error page for a database failure must render
            return None

    return {"unread_notifications": unread_notifications}


@notifications_cli.command("send")
def send():
    """Send every email that is due, retrying those that failed before."""
    mail = MailSettings.from_config(current_app.config)
    if mail is None:
        raise click.ClickException("No SMTP_HOST is set, so no email can be sent.")
    sent = notifications.send_due(get_session(), mail)
    click.echo(f"Sent {sent} email{'s' if sent != 1 else ''}.")


def init_app(app: Flask) -> None:
    app.context_processor(unread_notifications_context)
    app.cli.add_command(notifications_cli)
