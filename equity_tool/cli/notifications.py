"""`flask notifications worker` sends notification emails as they fall due; `flask notifications
send` sends what is due once, for cron. Both claim each email, so they can run side by side."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import AppGroup

from equity_tool.cli.followup import reminder_job
from equity_tool.core.db import get_engine, get_session
from equity_tool.notifications import service as notifications
from equity_tool.notifications import worker as mail_worker
from equity_tool.notifications.service import MailSettings

notifications_cli = AppGroup("notifications", help="Send notification emails.")


def _plural(count: int) -> str:
    return f"{count} email{'s' if count != 1 else ''}"


@notifications_cli.command("send")
def send():
    """Send every email that is due, retrying those that failed before."""
    mail = MailSettings.from_config(current_app.config)
    if mail is None:
        raise click.ClickException("No SMTP_HOST is set, so no email can be sent.")
    sent = notifications.send_due(get_session(), mail)
    click.echo(f"Sent {_plural(sent)}.")


@notifications_cli.command("worker")
@click.option("--poll", type=click.FloatRange(min=0.01), default=2.0, show_default=True,
              help="Seconds between looks for due email.")
@click.option("--once", is_flag=True, help="Send what is due now, then stop.")
def worker(poll: float, once: bool):
    """Send notification emails as they fall due, and follow-up reminders every few minutes,
    until stopped (SIGTERM or Ctrl-C)."""
    mail = MailSettings.from_config(current_app.config)
    every, remind = reminder_job(current_app)
    if mail is None:
        # Not an error: `make run` starts the worker whether or not mail is configured. It
        # stays for the follow-up reminders, which reach people in the app.
        click.echo("No SMTP_HOST is set: notifications stay in the app; no mail to send. "
                   f"Follow-up reminders: looking every {every / 60:g} minutes.")
    else:
        click.echo(f"Mail worker: sending through {mail.host}:{mail.port}, "
                   f"looking every {poll:g} s.")
    with _stop_on_signals() as stop:
        sent = mail_worker.run(get_engine(), mail, stop=stop, poll=poll, once=once,
                               jobs=[(every, remind)])
    click.echo(f"Mail worker stopped; it sent {_plural(sent)}.")


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGTERM or SIGINT: the worker finishes the email in hand, then stops,
    so no email is left claimed until its lease runs out."""
    stop = threading.Event()
    handled = (signal.SIGTERM, signal.SIGINT)
    previous = {number: signal.signal(number, lambda *_: stop.set()) for number in handled}
    try:
        yield stop
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
