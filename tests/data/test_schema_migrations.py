"""The migrations build exactly the tables the models describe, on SQLite and PostgreSQL."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from equity_tool import create_app
from equity_tool.core import migrate


def schema_differences(url: str) -> list:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=migrate.CONTEXT_OPTIONS)
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    return differences


def revision(url: str) -> str | None:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    engine.dispose()
    return current


def test_upgraded_database_matches_the_models(database_url):
    # database_url is a copy of a database built by `upgrade head`
    assert revision(database_url) is not None
    assert schema_differences(database_url) == []


def test_downgrade_to_empty_and_back(database_url):
    migrate.downgrade(database_url, "base")
    assert revision(database_url) is None
    engine = sa.create_engine(database_url, poolclass=sa.NullPool)
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    migrate.upgrade(database_url)
    assert schema_differences(database_url) == []


def test_cli_upgrade_current_and_downgrade(tmp_path):
    url = f"sqlite:///{tmp_path}/cli.sqlite3"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert revision(url) is not None
    assert schema_differences(url) == []
    assert "0009 (head)" in runner.invoke(args=["db", "current"]).output
    assert "the kept figures were right" in runner.invoke(args=["db", "recount"]).output
    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
    assert revision(url) is None
