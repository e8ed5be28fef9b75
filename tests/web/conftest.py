"""Request tests run on SQLite; those marked `both_databases` run on PostgreSQL too.

The smoke subset covers every query whose SQL differs between the two databases, or that
PostgreSQL checks more strictly: the answer save as one statement (assessments/store.py), the
user loader's join (web/auth.py), ids beyond PostgreSQL's integer, the workflow's conditional
UPDATE, the reading room's year and department filters, the review queue, the unread count and
the sign-in throttle. The use cases underneath run on both in tests/data and tests/export.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from equity_tool import demo
from tests.conftest import DATABASES, new_database


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_url" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
            "both_databases"):
        metafunc.parametrize("database_url", DATABASES, indirect=True)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database, new for each test: SQLite, or each kind for the tests
    marked `both_databases`."""
    yield from new_database(request, getattr(request, "param", "sqlite"), tmp_path)


@pytest.fixture
def demo_app(app, session):
    """The app with everything `flask demo` makes: departments, one user per role, and nine
    assessments in every state, made through the real workflow."""
    with app.app_context():
        demo.create_demo_data(session, app.extensions["equity_tool.registry"])
    return app


def signed_in(app, role: str):
    """A client of `app` signed in, through the sign-in page, as the demo user of `role`."""
    client = app.test_client()
    email = next(e for r, (e, _, _) in demo.DEMO_USERS.items() if r == role)
    page = client.get_page("/sign-in")
    assert client.submit(page, {"email": email, "password": demo.DEMO_PASSWORD}).status == 302
    return client
