"""`flask db`: create and upgrade the database schema with Alembic."""

from __future__ import annotations

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import AppGroup

from equity_tool.core import tallies
from equity_tool.core.db import get_session
from equity_tool.core.migrate import alembic_config, downgrade, refresh_statistics, upgrade
from equity_tool.review.catch_up import catch_up

db_cli = AppGroup("db", help="Create and upgrade the database schema.")


def _config() -> Config:
    return alembic_config(current_app.config["DATABASE_URL"])


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Upgrade the database to REVISION (default: the latest), then make what older data
    lacks (the kept verdicts, the follow-up of earlier approvals)."""
    upgrade(current_app.config["DATABASE_URL"], revision)
    if revision != "head":
        return
    session = get_session()
    done = catch_up(session, current_app.extensions["equity_tool.registry"])
    if done.verdicts or done.approvals:
        click.echo(f"Kept the verdict of {done.verdicts} assessment(s) and made the follow-up "
                   f"of {done.approvals} earlier approval(s).")
    tallies.ensure(session, current_app.config["EQUITY_TOOL_TIMEZONE"])
    refresh_statistics(session.get_bind())


@db_cli.command("recount")
def recount_command() -> None:
    """Count the dashboard's and the annual report's figures afresh: after rows were changed
    by hand in the database (the app keeps them as it changes anything itself)."""
    session = get_session()
    wrong = tallies.differences(session)
    tallies.rebuild(session, current_app.config["EQUITY_TOOL_TIMEZONE"])
    session.commit()
    click.echo(f"Counted afresh; {len(wrong)} kept figure(s) had differed." if wrong
               else "Counted afresh; the kept figures were right.")


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade_command(revision: str) -> None:
    """Downgrade the database to REVISION ('-1' for one step, 'base' for empty)."""
    downgrade(current_app.config["DATABASE_URL"], revision)


@db_cli.command("current")
def current_command() -> None:
    """Show the database's revision."""
    command.current(_config())


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def revision_command(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    command.revision(_config(), message=message, autogenerate=True)
