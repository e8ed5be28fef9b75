"""Browser fixtures: the app served on loopback, Debian's chromium driven by Playwright, axe."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from equity_tool import create_app, demo
from equity_tool.core import db, migrate
from tests.browser import html_validator
from tests.browser.wizard_pages import served

CHROMIUM = "/usr/bin/chromium"
# Only what a test needs; the rest is network chatter and background work.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
[AXE] = sorted((Path(__file__).parent.parent / "vendor").glob("axe-core-*.min.js"))
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session", autouse=True)
def every_page_is_valid_html() -> Iterator[None]:
    """After the browser tests, the Nu Html Checker finds no error in any page they were served
    (a failure here is reported as an error at the last test's teardown)."""
    yield
    if not html_validator.available():
        message = f"{html_validator.VNU_JAR} or java is missing: run `make test` to install vnu"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        print(message, file=sys.stderr)  # a local run without vnu still runs the tests
        return
    errors = html_validator.invalid_html()
    count = len(html_validator.PAGES)
    assert not errors, f"{len(errors)} HTML errors in {count} pages:\n" + "\n".join(errors)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory):
    """The app on its own SQLite file, with the demo users (password demo.DEMO_PASSWORD)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.sqlite3'}"
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "not secret: browser tests only"})
    with app.app_context():
        demo.create_demo(db.get_session())
    yield app
    db.get_engine(app).dispose()


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    """The base URL of the app, served by werkzeug in a thread on a free loopback port."""
    with served(live_app) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} is missing: run `make system-deps` (Debian package chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A fresh tab with its own cookies; relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(5000)
    page = context.new_page()
    yield page
    context.close()


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {' '.join(map(str, node['target']))}")
            lines.append(f"    {node['failureSummary']}".replace("\n", "\n    "))
    return "\n".join(lines)


@pytest.fixture
def assert_no_axe_violations() -> Callable[[Page], None]:
    """assert_no_axe_violations(page): axe-core finds nothing against WCAG 2.1 A and AA."""
    source = AXE.read_text()

    def check(page: Page) -> None:
        # evaluate() runs outside the page's Content-Security-Policy, unlike a <script> tag.
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(source)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
        )
        violations = result["violations"]
        assert not violations, f"axe on {page.url}:\n{_describe(violations)}"
        assert result["passes"], json.dumps(result)[:500]  # axe really ran

    return check


# --- The wizard: signing in, starting assessments, assessments with stored answers ----------

ANSWERS = Path(__file__).parents[2] / "questionnaires" / "examples"
STAFF = "staff@example.org"


@pytest.fixture
def nojs_page(browser: Browser, live_server: str) -> Iterator[Page]:
    """Like `page`, with JavaScript off: the wizard as a browser without scripts sees it."""
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    context.set_default_timeout(5000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def stored_assessment(live_app) -> Callable[..., int]:
    """stored_assessment(questionnaire_id, answers_file=None): a draft of the demo staff
    member's, with the answers of questionnaires/examples/<answers_file>.yaml stored."""
    from equity_tool.accounts import service as accounts
    from equity_tool.assessments import service as use_cases
    from equity_tool.questionnaire.answersfile import read_answers

    def make(questionnaire_id: str, answers_file: str | None = None, title: str = "Stored") -> int:
        with live_app.app_context():
            session = db.get_session()
            user = accounts.find_user(session, email=STAFF)
            questionnaire = live_app.extensions["equity_tool.registry"].current(questionnaire_id)
            assessment = use_cases.start(
                session, user=user, questionnaire=questionnaire,
                request=use_cases.StartRequest(title=title, decision_kind="program"),
            )
            if answers_file:
                path = ANSWERS / f"{answers_file}.yaml"
                answers, problems = read_answers(questionnaire, path.read_text(), str(path))
                assert not problems, problems
                use_cases.save_answers(
                    session, user=user, assessment=assessment, revision=assessment.revision,
                    answers=answers, other_texts={},
                )
            return assessment.id

    return make
