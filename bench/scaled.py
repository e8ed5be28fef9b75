"""What the dashboard and reports benchmarks share: two fresh databases of one kind, and an
app on each filled by `flask demo --scale N` (equity_tool.demo_scale), with fresh statistics."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from equity_tool import create_app  # noqa: E402
from equity_tool.core import db, migrate, tallies  # noqa: E402
from equity_tool.demo_scale import create_scaled_demo  # noqa: E402
from tests.local_servers import PostgresCluster, newest_postgres_bindir  # noqa: E402

SMALL, LARGE = 200, 20_000
SECRET_KEY = "bench only, not secret"


@contextmanager
def databases(kind: str, name: str) -> Iterator[tuple[list[str], str]]:
    """([small url, large url], description): two fresh, empty databases of `kind`."""
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix=f"equity-tool-bench-{name}-"))
        try:
            yield [f"sqlite:///{folder / f'{n}.sqlite3'}" for n in ("small", "large")], \
                "SQLite file, WAL"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    bindir = newest_postgres_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL is not installed: run `make system-deps`")
    # Not durable: only the load writes, and the pages read. The load is quicker without fsync.
    cluster = PostgresCluster(bindir, durable=False)
    cluster.start()
    try:
        for database in ("small", "large"):
            cluster.execute(f"CREATE DATABASE {database}")
        yield [cluster.url(n) for n in ("small", "large")], f"PostgreSQL {cluster.version}"
    finally:
        cluster.stop()


def scaled_app(url: str, size: int, *, then: Callable | None = None,
               **settings) -> tuple[object, float]:
    """(the app, seconds to make the data): `url` migrated and filled with `size` assessments;
    `then(engine)` may change the data before the statistics are refreshed, as `flask demo
    --scale` refreshes them after its load."""
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY,
                      "EQUITY_TOOL_QUESTIONNAIRES": ROOT / "questionnaires", **settings})
    started = time.perf_counter()
    with app.app_context():
        create_scaled_demo(db.get_session(), app.extensions["equity_tool.registry"],
                           scale=size, today=date.today())
    seconds = time.perf_counter() - started
    engine = db.get_engine(app)
    if then is not None:
        then(engine)
    with Session(engine) as session:  # as `flask db upgrade` counts an existing database
        tallies.ensure(session, app.config["EQUITY_TOOL_TIMEZONE"])
    migrate.refresh_statistics(engine)
    return app, seconds
