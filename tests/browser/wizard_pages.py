"""Steps the browser tests share: serving an app, signing in, moving by keyboard.

A module of its own, not the conftest: with a conftest in several test folders, `from conftest
import …` finds whichever was imported first.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page
from werkzeug.serving import make_server

from equity_tool import create_app
from equity_tool.core import db, migrate
from equity_tool.demo import DEMO_PASSWORD
from tests.browser.html_validator import recording

STAFF = "staff@example.org"


OFFICER = "officer@example.org"


def sign_in(page: Page, email: str = STAFF, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, as a person would."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def signed_in_page(browser: Browser, base: str, email: str = STAFF, *,
                   password: str = DEMO_PASSWORD, javascript: bool = True,
                   timeout: float = 15000) -> Page:
    """A page of its own browser context on `base` (downloads accepted), signed in."""
    context = browser.new_context(base_url=base, java_script_enabled=javascript,
                                  accept_downloads=True)
    context.set_default_timeout(timeout)
    page = context.new_page()
    sign_in(page, email, password)
    return page


def start_assessment(page: Page, questionnaire_id: str, title: str, language: str = "en") -> str:
    """Start an assessment from its start page; returns the task list's path."""
    page.goto(f"/questionnaires/{questionnaire_id}")
    # The shipped questionnaires have the start page ask step 1's own questions (`start`).
    page.get_by_label(re.compile(r"^Name of the (decision|proposal)$")).fill(title)
    page.get_by_label(re.compile(r"^Program( or service)?$")).check()
    if language != "en":
        page.locator(f"input[name=language][value={language}]").check()
    page.get_by_role("button", name="Start assessment").click()
    page.wait_for_url("**/assessments/*")
    return page.url.removeprefix(page.url.split("/assessments/")[0])


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until `selector` has focus, as a keyboard user would."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


@contextmanager
def served(app) -> Iterator[str]:
    """The base URL of `app`, served by werkzeug in a thread on a free loopback port."""
    server = make_server("127.0.0.1", 0, recording(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@contextmanager
def demo_served(folder: Path, **settings) -> Iterator[str]:
    """The base URL of an app on its own SQLite file in `folder`, holding what `flask demo`
    makes (as `make run` does), with `settings` on top."""
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "not secret: browser tests only",
                      **settings})
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    try:
        with served(app) as base:
            yield base
    finally:
        db.get_engine(app).dispose()
