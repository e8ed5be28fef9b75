"""Fixtures for every test that needs the app: real databases, a client that reads pages, and
the people and assessments of tests/factories.py bound to the test's session.

Database tests run twice, on an SQLite file and on a PostgreSQL server started here in a
temporary folder (Debian's `postgresql` package, which `make test` installs). Request tests run
on SQLite, apart from a smoke subset marked `both_databases` (see tests/web/conftest.py).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session
from werkzeug.test import TestResponse

from equity_tool import create_app, demo
from equity_tool.accounts import service as accounts
from equity_tool.core import db, migrate, tallies
from equity_tool.core.models import Assessment, User
from equity_tool.notifications.service import MailSettings
from equity_tool.questionnaire import Questionnaire
from equity_tool.review.workflow import Action
from tests import factories
from tests.local_servers import PostgresCluster, newest_postgres_bindir

ROOT = Path(__file__).resolve().parent.parent
# The demo users' password, so that make_user, people and demo_users sign in alike.
PASSWORD = factories.PASSWORD


# --- pages --------------------------------------------------------------------------------


def squash(text: str | None) -> str:
    return " ".join((text or "").split())


class Page:
    """A response parsed as HTML, read the way a person reads it (XPath; lxml has no CSS)."""

    def __init__(self, response: TestResponse) -> None:
        self.response = response
        self.status = response.status_code
        self.location = response.location  # where a redirect leads
        self.html = lxml.html.document_fromstring(response.get_data(as_text=True) or "<html/>")

    def all(self, xpath: str) -> list[Any]:
        return self.html.xpath(xpath)

    def one(self, xpath: str) -> Any:
        found = self.all(xpath)
        assert len(found) == 1, f"{len(found)} matches for {xpath}"
        return found[0]

    def text(self, xpath: str = "//main") -> str:
        """The visible text of the one element `xpath` finds, whitespace squashed."""
        return squash(self.one(xpath).text_content())

    def by_class(self, name: str) -> list[Any]:
        return self.html.find_class(name)

    @property
    def title(self) -> str:
        return squash(self.html.findtext(".//title"))

    @property
    def h1(self) -> str:
        return self.text("//h1")

    @property
    def error_summary(self) -> list[str]:
        """The messages in the error summary, each linking to its field ("There is a problem")."""
        return [squash(a.text_content()) for a in self.all("//div[@class='error-summary']//a")]

    def form_data(self, xpath: str = "//main//form") -> tuple[str, dict[str, str]]:
        """The form's action and the values its inputs would send as they are."""
        form = self.one(xpath)
        return form.get("action") or "", {k: v for k, v in form.form_values()}


class PageClient(FlaskClient):
    """A test client with page-level helpers: open a page, submit the form on it."""

    def get_page(self, url: str, status: int = 200, **kwargs: Any) -> Page:
        response = self.get(url, **kwargs)
        assert response.status_code == status, (response.status_code, response.location)
        return Page(response)

    def post_page(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Page:
        return Page(self.post(url, data=data or {}, **kwargs))

    def submit(
        self, page: Page, data: dict[str, Any], form: str = "//main//form", **kwargs: Any
    ) -> Page:
        """Post `data` through the form on `page`, with its hidden fields (the CSRF token)."""
        action, values = page.form_data(form)
        url = action or page.response.request.full_path
        return self.post_page(url, data={**values, **data}, **kwargs)


# --- databases ----------------------------------------------------------------------------


class PostgresServer(PostgresCluster):
    """The suite's cluster: a migrated template database, copied for each test."""

    TEMPLATE = "equity_tool_template"

    def __init__(self, bindir: Path) -> None:
        super().__init__(bindir, durable=False)
        self.names = (f"test_{n}" for n in count())

    def start(self) -> None:
        super().start()
        self.execute(f"CREATE DATABASE {self.TEMPLATE}")
        migrate.upgrade(self.url(self.TEMPLATE))

    def database(self) -> Iterator[str]:
        """A fresh, migrated database (copied from the template), dropped afterwards."""
        name = next(self.names)
        self.execute(f"CREATE DATABASE {name} TEMPLATE {self.TEMPLATE}")
        yield self.url(name)
        self.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = newest_postgres_bindir()
    if bindir is None:
        message = "PostgreSQL is not installed: run `make system-deps` (Debian package postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    server = PostgresServer(bindir)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    migrate.upgrade(f"sqlite:///{path}")
    return path


DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def new_database(request: pytest.FixtureRequest, kind: str, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database of `kind` ("sqlite" or "postgres"), dropped afterwards."""
    if kind == "sqlite":
        path = tmp_path / "equity_tool.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        yield from request.getfixturevalue("postgres_server").database()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database of each kind, new for each test."""
    yield from new_database(request, request.param, tmp_path)


# --- the app ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    # scrypt takes a fifth of a second by design; tests create hundreds of users.
    monkeypatch.setattr(accounts, "PASSWORD_METHOD", "pbkdf2:sha256:1000")


@pytest.fixture
def questionnaire_folder(tmp_path: Path) -> Path:
    """The shipped questionnaires, copied: publishing in the browser writes to the folder, and
    no test may change the repository's own files."""
    return factories.shipped_questionnaires(tmp_path / "app-questionnaires")


@pytest.fixture
def app(database_url: str, questionnaire_folder: Path) -> Iterator[Flask]:
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "not secret: tests only",
        "EQUITY_TOOL_QUESTIONNAIRES": questionnaire_folder,
    })
    app.test_client_class = PageClient
    with Session(db.get_engine(app)) as session:  # kept from the start, as after `db upgrade`
        tallies.ensure(session, app.config["EQUITY_TOOL_TIMEZONE"])
    yield app
    # Whatever the test did through the app, the tallies it counted from (if it counted) agree
    # with a fresh count: a use case that forgot to refresh them fails here.
    try:
        with Session(db.get_engine(app)) as session:
            wrong = tallies.differences(session)
    except sa.exc.OperationalError:  # a test of an outage took the database away
        wrong = []
    db.get_engine(app).dispose()
    assert not wrong, "tallies differ from a fresh count:\n" + "\n".join(wrong[:20])


@pytest.fixture
def client(app: Flask) -> PageClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session of the test's own, apart from the one each request opens."""
    with Session(db.get_engine(app)) as session:
        yield session


@pytest.fixture
def make_user(session: Session) -> Callable[..., User]:
    """make_user(email, role="staff", department="Transportation") -> a user with PASSWORD."""

    def make_user(email: str, role: str = "staff", department: str | None = "Transportation",
                  name: str = "Test Person", password: str = PASSWORD) -> User:
        return factories.user(session, email=email, role=role, department_name=department,
                              name=name, password=password)

    return make_user


@pytest.fixture
def people(session: Session) -> dict[str, User]:
    """The usual cast of tests/factories.py (staff, coauthor, director, officer, councillor,
    admin and "other", staff of Housing), key -> user; each signs in with PASSWORD."""
    return factories.people(session)


@pytest.fixture
def rapid() -> Questionnaire:
    return factories.load_questionnaire(factories.RAPID)


@pytest.fixture
def full() -> Questionnaire:
    """The full assessment, which asks the department's director to sign off."""
    return factories.load_questionnaire(factories.FULL)


@pytest.fixture
def answered(session: Session) -> Callable[..., Assessment]:
    """answered(author, questionnaire=rapid, answers=complete example, title=..., ...) -> a
    draft holding the answers (factories.answered)."""

    def answered(author: User, questionnaire: Questionnaire | None = None,
                 **kwargs: Any) -> Assessment:
        return factories.answered(session, author=author, questionnaire=questionnaire,
                                  **kwargs)

    return answered


@pytest.fixture
def act(app: Flask, session: Session) -> Callable[..., Any]:
    """act(user, assessment, action, note=..., conditions=...): `user` takes `action` through
    the workflow, with mail sent as the app is configured when it is called."""

    def act(user: User, assessment: Assessment, action: Action, **kwargs: Any):
        return factories.act(session, user=user, assessment=assessment, action=action,
                             mail=MailSettings.from_config(app.config), **kwargs)

    return act


@pytest.fixture
def bring_to(app: Flask, session: Session) -> Callable[..., Assessment]:
    """bring_to(assessment, state, conditions=..., note=...): a draft with complete answers
    moved to `state` through the workflow (factories.bring_to), with mail as configured."""

    def bring_to(assessment: Assessment, state: str, **kwargs: Any) -> Assessment:
        return factories.bring_to(session, assessment=assessment, state=state,
                                  mail=MailSettings.from_config(app.config), **kwargs)

    return bring_to


@pytest.fixture
def demo_users(session: Session) -> dict[str, str]:
    """The demo departments and users (password PASSWORD); role -> email."""
    demo.create_demo(session)
    return {role.value: email for role, (email, _, _) in demo.DEMO_USERS.items()}


@pytest.fixture
def login() -> Callable[..., None]:
    """login(client, email, password=...): sign in through the sign-in page, as a person does."""

    def login(client: PageClient, email: str, password: str = PASSWORD) -> None:
        page = client.get_page("/sign-in")
        response = client.submit(page, {"email": email, "password": password})
        assert response.status == 302, response.error_summary

    return login
