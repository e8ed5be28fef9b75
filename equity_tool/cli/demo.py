"""`flask demo`: demo departments, users and assessments for trying the tool."""

from __future__ import annotations

import time
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from equity_tool.accounts import service as accounts
from equity_tool.core.db import get_session
from equity_tool.core.migrate import refresh_statistics
from equity_tool.demo import DEMO_PASSWORD, DEMO_USERS, create_demo_data
from equity_tool.demo_scale import DEPARTMENTS, YEARS, create_scaled_demo


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing if any user exists.")
@click.option("--url", default="http://127.0.0.1:5000", help="Where the app will be served.")
@click.option("--scale", type=click.IntRange(min=1), default=None, metavar="N",
              help=f"Also add N assessments across {len(DEPARTMENTS)} departments and {YEARS} "
                   "years, the same ones for the same N.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The day the --scale assessments are dated up to (default: today).")
def demo(if_empty: bool, url: str, scale: int | None, today):
    """Create demo departments and one demo user per role, then say how to sign in."""
    if current_app.config["EQUITY_TOOL_ENV"] == "production":
        # Its accounts' password is published in the README: anyone could sign in as admin.
        raise click.ClickException(
            "The demo data is not for production: its accounts share a published password. "
            "Add real accounts with `flask --app equity_tool users add`.")
    session = get_session()
    if if_empty and accounts.any_user(session):
        click.echo("Users exist already: no demo data added.")
        return
    registry = current_app.extensions["equity_tool.registry"]
    made = create_demo_data(session, registry)
    if made:
        click.echo(f"Added {made} demo assessments, one or more in every state.")
    if scale:
        _scaled(session, registry, scale, today.date() if today else date.today())
    click.echo(f"Sign in at {url.rstrip('/')}/sign-in with password {DEMO_PASSWORD!r} as:")
    for role, (email, _name, department) in DEMO_USERS.items():
        click.echo(f"  {email:<24} {role}" + (f", {department}" if department else ""))


def _scaled(session, registry, scale: int, today: date) -> None:
    started = time.perf_counter()
    made = create_scaled_demo(session, registry, scale=scale, today=today)
    if not made.assessments:
        click.echo(f"The {scale:,} assessments of --scale {scale} were added before.")
        return
    refresh_statistics(session.get_bind())  # thousands of rows the planner has not seen
    click.echo(f"Added {made.assessments:,} assessments across {len(DEPARTMENTS)} departments "
               f"with {made.items:,} follow-up items and {made.updates:,} progress updates, "
               f"in {time.perf_counter() - started:.0f} s.")
