"""The issue's "done when": a councillor, on a fresh install's demo data, finds an approved
assessment, reads it in the browser and downloads a Word document holding every answer."""

from __future__ import annotations

from collections.abc import Iterator

import docx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from equity_tool import create_app
from equity_tool.core import db, migrate
from equity_tool.core.models import Assessment
from equity_tool.demo import DEMO_PASSWORD
from equity_tool.publishing.export import assessment_context
from tests.browser.wizard_pages import served
from tests.export.conftest import all_text

pytestmark = pytest.mark.browser

APPROVED_RAPID = "Summer hours at branch libraries"


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory):
    """An app of its own with everything `flask demo` makes, assessments included (the shared
    live_app has the demo users only, and other browser tests count what staff see)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}"
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "not secret: browser tests only"})
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    yield app
    db.get_engine(app).dispose()


@pytest.fixture(scope="module")
def demo_server(demo_app) -> Iterator[str]:
    with served(demo_app) as url:
        yield url


@pytest.fixture
def councillor(browser: Browser, demo_server: str) -> Iterator[Page]:
    """A tab signed in as the demo councillor, accepting downloads."""
    context = browser.new_context(base_url=demo_server, accept_downloads=True)
    context.set_default_timeout(10000)
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Email address").fill("councillor@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Cam Councillor")
    yield page
    context.close()


def expected_texts(demo_app) -> tuple[str, list[str]]:
    """The approved rapid check's conditions, and the text of every answer as exported."""
    with demo_app.app_context():
        session = db.get_session()
        assessment = session.exec(select(Assessment).where(
            Assessment.title == APPROVED_RAPID)).one()
        questionnaire = demo_app.extensions["equity_tool.registry"].pinned(
            session, assessment.questionnaire_id, assessment.questionnaire_version)
        context = assessment_context(session, assessment, questionnaire)
    texts = []
    for section in context["sections"]:
        for q in section["questions"]:
            assert q["answered"], q["id"]  # the demo's approved check is answered in full
            texts += [c for row in q["table"]["rows"] for c in row] if q["table"] else [q["answer"]]
    return context["assessment"]["conditions"], texts


def test_a_councillor_finds_reads_and_downloads_an_approved_assessment(
        councillor: Page, demo_app, assert_no_axe_violations, tmp_path):
    page = councillor
    page.get_by_role("link", name="Reading room").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reading room")
    expect(page.locator("#result-count")).to_have_text("2 approved assessments")
    assert_no_axe_violations(page)

    page.get_by_label("Search approved assessments").fill("homework club")  # in one answer
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result-count")).to_have_text("1 approved assessment matches")
    assert_no_axe_violations(page)

    page.get_by_role("link", name=APPROVED_RAPID).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(APPROVED_RAPID)
    expect(page.locator("#scores")).to_contain_text("Level of concern (0-5)")
    expect(page.locator("#conditions")).to_have_text(
        "Report the first summer's results to council in October.")
    assert_no_axe_violations(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Word document (.docx)").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    document = docx.Document(str(path))
    assert document.core_properties.title == APPROVED_RAPID
    text = all_text(document)
    conditions, answers = expected_texts(demo_app)
    missing = [answer for answer in answers if answer not in text]
    assert not missing, missing
    assert conditions in text


def test_an_empty_search_has_no_axe_violations(councillor: Page, assert_no_axe_violations):
    page = councillor
    page.goto("/reading-room?q=nothing+here+at+all")
    expect(page.locator("#result-count")).to_have_text(
        "No approved assessments match your search.")
    assert_no_axe_violations(page)
    page.goto("/reading-room?year=1066")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_no_axe_violations(page)
