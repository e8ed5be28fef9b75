"""The questionnaires page, a diff and retiring, in a browser: axe finds nothing on any of
them, and the keyboard reaches the diff."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session

from equity_tool import create_app
from equity_tool.accounts import service as accounts
from equity_tool.authoring.publish import publish
from equity_tool.core import db, migrate
from tests import factories
from tests.browser.wizard_pages import OFFICER, served, signed_in_page, tab_to

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
RAPID = "rapid-equity-check"


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo data on a folder of its own, with a second version of the rapid check
    published by the officer (a new title, a question relabelled, a flag's threshold) and
    the full assessment's file broken, so the page has errors to show."""
    base = tmp_path_factory.mktemp("questionnaire-admin")
    folder = factories.shipped_questionnaires(base / "questionnaires")
    url = f"sqlite:///{base / 'admin.sqlite3'}"
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "not secret: browser tests only",
                      "EQUITY_TOOL_QUESTIONNAIRES": folder})
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    registry = app.extensions["equity_tool.registry"]
    text = (folder / f"{RAPID}.yaml").read_text()
    newer = (text.replace('version: "2026.2"', 'version: "2026.3"')
             .replace("en: Rapid equity check,", "en: Quick equity check,")
             .replace("estimated_cost > 1000000", "estimated_cost > 500000"))
    with Session(db.get_engine(app)) as session:
        officer = accounts.find_user(session, email="officer@example.org")
        publish(session, actor=officer, source=newer, base_version_id=None, registry=registry)
    full = folder / "racial-equity-impact-assessment.yaml"
    full.write_text(full.read_text().replace("type: yes_no", "type: yesno", 1))
    with served(app) as address:
        yield address
    db.get_engine(app).dispose()


def officer_page(browser: Browser, base: str, *, javascript: bool = True) -> Page:
    return signed_in_page(browser, base, OFFICER, javascript=javascript)


def test_the_questionnaires_page_and_a_diff_pass_axe(browser, admin_server,
                                                     assert_no_axe_violations):
    page = officer_page(browser, admin_server)
    page.goto("/admin/questionnaires")
    expect(page.get_by_role("heading", level=1)).to_have_text("Questionnaires")
    versions = page.get_by_role("table", name="Versions of Quick equity check, newest first")
    expect(versions.get_by_role("row")).to_have_count(3)  # the header, 2026.3 and 2026.2
    expect(page.get_by_text("unknown question type 'yesno'")).to_be_visible()
    assert_no_axe_violations(page)

    tab_to(page, "a[href$='/admin/questionnaires/rapid-equity-check/diff']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/diff")
    heading = page.get_by_role("heading", name="From version 2026.2 to version 2026.3")
    expect(heading).to_be_visible()
    expect(page.get_by_role("table", name="Changes to flag full_assessment_needed from 2026.2 "
                                         "to 2026.3")).to_contain_text("estimated_cost > 500000")
    assert_no_axe_violations(page)

    page.get_by_label("Compare version").select_option("2026.3")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose two different versions")
    assert_no_axe_violations(page)


def test_retiring_a_version(browser, admin_server, assert_no_axe_violations):
    # Plain links and forms: the web tests (no JavaScript at all) retire the same way.
    page = officer_page(browser, admin_server)
    page.goto("/admin/questionnaires")
    versions = page.get_by_role("table", name="Versions of Quick equity check, newest first")
    versions.get_by_role("link", name="Retire version 2026.3").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retire version 2026.3?")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Retire version 2026.3").click()
    expect(page.get_by_role("status")).to_contain_text("Version 2026.3 of Quick equity check is "
                                                       "retired")
    versions = page.get_by_role("table", name="Versions of Rapid equity check, newest first")
    expect(versions.get_by_role("row").nth(1)).to_contain_text("Retired")
    expect(versions.get_by_role("row").nth(2)).to_contain_text("In use")
    assert_no_axe_violations(page)
    # and undone, from the keyboard
    versions.get_by_role("button", name="Put back in use version 2026.3").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("is no longer retired")
    # 2026.3 is in use again, and names the questionnaire with its own title
    versions = page.get_by_role("table", name="Versions of Quick equity check, newest first")
    expect(versions.get_by_role("row").nth(1)).to_contain_text("In use")
