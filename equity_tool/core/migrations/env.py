"""Alembic environment, run by equity_tool.migrate with the app's DATABASE_URL."""

import sqlalchemy as sa
from alembic import context
from sqlmodel import SQLModel

from equity_tool.core import models  # noqa: F401 - registers the tables on SQLModel.metadata
from equity_tool.core.migrate import CONTEXT_OPTIONS


def run() -> None:
    if context.is_offline_mode():
        raise SystemExit("Offline (--sql) migrations are not supported")
    # A plain engine: the app's SQLite foreign-key pragma would break batch table rebuilds.
    engine = sa.create_engine(context.config.attributes["url"], poolclass=sa.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=SQLModel.metadata, **CONTEXT_OPTIONS
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
