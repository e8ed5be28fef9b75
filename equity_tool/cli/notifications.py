"""`flask notifications send`: send the emails that are due, for cron."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from equity_tool.core.db import get_session
from equity_tool.notifications import service as notifications
from equity_tool.notifications.service import MailSettings

notifications_cli = AppGroup("notifications", help="Send notification emails.")


@notifications_cli.command("send")
def send():
    """Send every email that is due, retrying those that failed before."""
    mail = MailSettings.from_config(current_app.config)
    if mail is None:
        raise click.ClickException("No SMTP_HOST is set, so no email can be sent.")
    sent = notifications.send_due(get_session(), mail)
    click.echo(f"Sent {sent} email{'s' if sent != 1 else ''}.")
