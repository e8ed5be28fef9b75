"""Issue 13's "done when", for the register: on a fresh install's demo data the officer
publishes an approved assessment, and a visitor who has not signed in finds it, reads its
summary and follow-up status and downloads it; axe on every public page."""

from __future__ import annotations

from collections.abc import Iterator

import docx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from equity_tool import create_app
from equity_tool.core import db, migrate
from equity_tool.core.models import Assessment, User
from equity_tool.demo import DEMO_PASSWORD, PUBLISHED
from equity_tool.publishing.register import withdraw
from tests.browser.wizard_pages import served
from tests.export.conftest import all_text

pytestmark = pytest.mark.browser

PRIVATE_EMAIL = "renee.calloway@example.gov"  # the demo's lead_email, marked private


@pytest.fixture(scope="module")
def register_app(tmp_path_factory: pytest.TempPathFactory):
    """The demo data with the register on, its published assessment withdrawn again so the
    officer can publish it in the browser: (app, that assessment's id)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('register') / 'register.sqlite3'}"
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "not secret: browser tests only",
                      "PUBLIC_REGISTER": True})
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        session = db.get_session()
        assessment = session.exec(select(Assessment).where(Assessment.title == PUBLISHED)).one()
        officer = session.exec(select(User).where(User.email == "officer@example.org")).one()
        withdraw(session, user=officer, assessment=assessment)
        assessment_id = assessment.id
    yield app, assessment_id
    db.get_engine(app).dispose()


@pytest.fixture(scope="module")
def register_server(register_app) -> Iterator[str]:
    with served(register_app[0]) as url:
        yield url


@pytest.fixture
def visitor(browser: Browser, register_server: str) -> Iterator[Page]:
    """A tab of someone who never signs in, accepting downloads. (Scripts stay on for axe to
    run; the register's pages have none: see tests/web/test_public_register.py.)"""
    context = browser.new_context(base_url=register_server, accept_downloads=True)
    context.set_default_timeout(10000)
    yield context.new_page()
    assert context.cookies() == []  # the register gave this visitor no cookie
    context.close()


def test_the_officer_publishes_and_a_visitor_reads_and_downloads_it(
        browser: Browser, register_server, register_app, visitor: Page,
        assert_no_axe_violations, tmp_path):
    _app, assessment_id = register_app
    officer = browser.new_context(base_url=register_server)
    officer.set_default_timeout(10000)
    page = officer.new_page()
    page.goto("/sign-in")
    page.get_by_label("Email address").fill("officer@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/assessments/{assessment_id}/review")
    expect(page.locator("#publication")).to_contain_text("Not on the public register.")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Publish to the public register").click()
    expect(page.locator("#publication")).to_contain_text("read it on the public register")
    officer.close()

    page = visitor
    page.goto("/public/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Published equity assessments")
    expect(page.locator("#result-count")).to_have_text("1 published assessment")
    assert_no_axe_violations(page)

    page.get_by_label("Search").fill("somali")  # a word of the public summary
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result-count")).to_have_text("1 published assessment matches")
    assert_no_axe_violations(page)

    page.get_by_role("link", name=PUBLISHED).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PUBLISHED)
    expect(page.locator("#public-summary")).to_contain_text("A new fast bus line")
    expect(page.locator("#follow-up-items")).to_contain_text(
        "Open the housing stability fund and tenant legal help")
    expect(page.locator("#follow-up-items")).to_contain_text("Not started")
    assert PRIVATE_EMAIL not in page.content()
    assert_no_axe_violations(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Word document (.docx)").click()
    download = info.value
    assert download.suggested_filename == f"eastside-bus-rapid-transit-line-{assessment_id}.docx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    document = docx.Document(str(path))
    assert document.core_properties.title == PUBLISHED
    text = all_text(document)
    assert "A new fast bus line" in text and PRIVATE_EMAIL not in text


def test_other_public_pages_pass_axe(visitor: Page, register_app, assert_no_axe_violations):
    app, _ = register_app
    page = visitor
    page.goto("/public/?q=nothing+here+at+all")
    expect(page.locator("#result-count")).to_have_text(
        "No published assessments match your search.")
    assert_no_axe_violations(page)
    page.goto("/public/?year=1066")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto("/public/assessments/999999")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_no_axe_violations(page)
    app.config["PUBLIC_SEARCH_LIMIT"] = 0
    try:
        page.goto("/public/?q=bus")
        expect(page.get_by_role("heading", level=1)).to_have_text("Too many searches")
        assert_no_axe_violations(page)
    finally:
        app.config.pop("PUBLIC_SEARCH_LIMIT")
