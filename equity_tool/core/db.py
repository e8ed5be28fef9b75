"""One engine per app, one session per request, opened on first use and closed on teardown."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlmodel import Session, SQLModel

from equity_tool.core.exceptions import NotFound
from equity_tool.core.models import MAX_ID

ModelT = TypeVar("ModelT", bound=SQLModel)


def create_engine(url: str) -> sa.Engine:
    """An engine for `url`; on SQLite with foreign keys enforced and tuned for concurrent use."""
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys unless asked; WAL lets readers work while one writer commits;
    # busy_timeout makes a second writer wait for the lock instead of failing at once.
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.close()


def get_engine(app: Flask | None = None) -> sa.Engine:
    app = app or current_app
    return app.extensions["equity_tool.engine"]


def get_session() -> Session:
    """The current request's (or CLI command's) session, opened on first use."""
    if "db_session" not in g:
        g.db_session = Session(get_engine())
    return g.db_session


def close_session(_exception: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()  # rolls back whatever was not committed


def get_or_404(model: type[ModelT], id: Any) -> ModelT:
    """The row of `model` with primary key `id`, or NotFound (a 404 page)."""
    # A made-up id beyond PostgreSQL's integer range would otherwise be a DataError, not a 404.
    if isinstance(id, int) and not 0 < id <= MAX_ID:
        raise NotFound(f"No {model.__name__} {id}")
    row = get_session().get(model, id)
    if row is None:
        raise NotFound(f"No {model.__name__} {id}")
    return row


def init_app(app: Flask) -> None:
    app.extensions["equity_tool.engine"] = create_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(close_session)
