"""Alembic wired to the app's DATABASE_URL, and the `flask db` commands that run it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Literal

import click
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import AppGroup

MIGRATIONS = Path(__file__).parent / "migrations"


def _render_item(kind: str, obj: Any, _context: Any) -> str | Literal[False]:
    # Our column types (UTCDateTime, EnumText) are written into migrations as the plain types they
    # store, so an old migration never depends on today's model code.
    if kind == "type" and isinstance(obj, sa.TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


# Shared by env.py and by the test that checks the migrations produce exactly the models.
# SQLite cannot ALTER most things: batch mode rebuilds the table there, and is harmless elsewhere.
CONTEXT_OPTIONS = {"render_as_batch": True, "compare_type": True, "render_item": _render_item}

db_cli = AppGroup("db", help="Create and upgrade the database schema.")


def alembic_config(url: str) -> Config:
    # Alembic's default stdout is bound at import; today's lets click and tests capture output.
    config = Config(stdout=sys.stdout)
    config.set_main_option("script_location", str(MIGRATIONS))
    # Passed as an attribute, not an option: ini interpolation would mangle a '%' in a password.
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def _config() -> Config:
    return alembic_config(current_app.config["DATABASE_URL"])


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Upgrade the database to REVISION (default: the latest)."""
    upgrade(current_app.config["DATABASE_URL"], revision)


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


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
