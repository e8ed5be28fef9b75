"""A limit on public searches per client address, shared by every app process.

Counted the way failed sign-ins are (accounts.service): one row per address in the
`sign_in_limits` table, changed by a single upsert, so processes and threads cannot count past
the limit together. The rows are keyed by the address and SEARCH_KEY, which no email address
can equal (it has no "@"); sign-in's own pruning removes them once their window has passed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from equity_tool.core.models import SignInLimit, utcnow

SEARCH_KEY = "public register search"
SEARCHES = 30  # per address and window: far more than a person types
WINDOW = timedelta(minutes=1)


def allow_search(session: Session, *, client_address: str | None, limit: int = SEARCHES,
                 now: datetime | None = None) -> bool:
    """Count one search from `client_address`; False (counting nothing) when its window
    already holds `limit` searches. Commits."""
    now = now or utcnow()
    table = SignInLimit.__table__
    expired = table.c.window_start <= now - WINDOW
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[
        session.get_bind().dialect.name](table).values(
        client_address=(client_address or "unknown")[:100], email=SEARCH_KEY,
        window_start=now, failures=1)
    upsert = insert.on_conflict_do_update(
        index_elements=[table.c.client_address, table.c.email],
        set_={"failures": sa.case((expired, 1), else_=table.c.failures + 1),
              "window_start": sa.case((expired, insert.excluded.window_start),
                                      else_=table.c.window_start)},
        where=sa.or_(expired, table.c.failures < limit),
    ).returning(table.c.failures)
    allowed = session.execute(upsert).first() is not None
    session.commit()
    return allowed
