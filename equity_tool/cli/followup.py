"""`flask follow-up list` lists follow-up items, one a line; `flask follow-up remind` sends the
reminders that fell due (the mail worker also does, every few minutes)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup

from equity_tool.core.db import get_session
from equity_tool.followup import lists, reminders
from equity_tool.notifications.service import MailSettings

followup_cli = AppGroup("follow-up", help="Follow-up items of approved assessments.")


def city_today() -> dt.date:
    """Today in the city's time zone: what "due" and "overdue" are counted against."""
    return dt.datetime.now(ZoneInfo(current_app.config["EQUITY_TOOL_TIMEZONE"])).date()


@followup_cli.command("list")
@click.option("--department", metavar="NAME", help="Only this department's items.")
@click.option("--overdue", is_flag=True, help="Only items past their due date, not done or "
                                              "dropped.")
def list_items(department: str | None, overdue: bool) -> None:
    """List items, one a line: id, department, assessment, kind, status, due, title
    (tab-separated; due is empty when the item has no date)."""
    session = get_session()
    department_id = None
    if department is not None:
        found = lists.department_named(session, department)
        if found is None:
            raise click.ClickException(f"There is no department called “{department}”.")
        department_id = found.id
    for row in lists.every_item(session, today=city_today(), department_id=department_id,
                                overdue=overdue):
        item = row.item
        due = item.due_on.isoformat() if item.due_on else ""
        click.echo(f"{item.id}\t{row.department_name}\t{row.assessment_title}\t{item.kind}\t"
                   f"{item.status}\t{due}\t{item.title}")


@followup_cli.command("remind")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The date to count from (YYYY-MM-DD); the city's today when not given.")
def remind(today: dt.datetime | None) -> None:
    """Tell departments about overdue items and next review dates that came, once each."""
    day = today.date() if today else city_today()
    sent = reminders.send_due(get_session(), day, MailSettings.from_config(current_app.config))
    click.echo(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")


def reminder_job(app) -> tuple[float, object]:
    """The mail worker's periodic job: (every how many seconds, the job taking a session)."""
    mail = MailSettings.from_config(app.config)
    zone = ZoneInfo(app.config["EQUITY_TOOL_TIMEZONE"])

    def job(session) -> int:
        return reminders.send_due(session, dt.datetime.now(zone).date(), mail)

    return REMIND_EVERY, job


# Reminders are about days, not seconds: a look every five minutes is soon enough.
REMIND_EVERY = 300.0
