"""Alembic wired to a database URL: upgrade and downgrade, the same for the app, CLI and tests."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

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


def refresh_statistics(engine: sa.Engine) -> None:
    """Give the query planner fresh table statistics after a bulk load (an upgrade, the scaled
    demo). SQLite has none until ANALYZE, and without them (or with only a sample) it may walk
    an index that reads every row's answers where a covering one reads a few bytes. On
    PostgreSQL, VACUUM also marks the new rows visible to all, which an index-only scan needs
    to skip the table: autovacuum would, a minute or more later. A few seconds at 20,000
    assessments."""
    if engine.dialect.name == "postgresql":
        # VACUUM cannot run inside a transaction.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        return
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
