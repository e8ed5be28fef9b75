"""Alembic environment: the app's DATABASE_URL and the SQLModel tables."""

import sqlalchemy as sa
from alembic import context
from sqlmodel import SQLModel

from equity_tool import models  # noqa: F401 - registers the tables on SQLModel.metadata
from equity_tool.migrate import CONTEXT_OPTIONS

config = context.config


def _url() -> str:
    if url := config.attributes.get("url"):
        return url
    # Run as plain `alembic`: read the same settings the app would.
    from equity_tool import create_app

    return create_app().config["DATABASE_URL"]


def configure(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        **CONTEXT_OPTIONS,
    )


def run() -> None:
    # A plain engine: the app's SQLite foreign-key pragma would break batch table rebuilds.
    engine = sa.create_engine(_url(), poolclass=sa.NullPool)
    with engine.connect() as connection:
        configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported")
run()
