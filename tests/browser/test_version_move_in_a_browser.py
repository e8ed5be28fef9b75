"""Moving a draft to a newer questionnaire version in a real browser: the task list's offer, the
preview of what carries over, the move, and the answers left behind listed on the task list.
axe checks the preview and the task list.

The app here reads a questionnaires folder of its own, so writing a newer version into it
changes nothing for the other browser tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from equity_tool import create_app, demo
from equity_tool.accounts import service as accounts
from equity_tool.assessments import service as use_cases
from equity_tool.core import db, migrate
from tests import factories
from tests.browser.wizard_pages import STAFF, served, sign_in
from tests.data.test_move_version import newer_rapid_check

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return factories.shipped_questionnaires(tmp_path_factory.mktemp("moving") / "questionnaires")


@pytest.fixture(scope="module")
def moving_app(tmp_path_factory, folder):
    url = f"sqlite:///{tmp_path_factory.mktemp('moving-db') / 'moving.sqlite3'}"
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "not secret: browser tests only",
                      "EQUITY_TOOL_QUESTIONNAIRES": folder,
                      "QUESTIONNAIRE_REFRESH_SECONDS": 0})
    with app.app_context():
        demo.create_demo(db.get_session())
    yield app
    db.get_engine(app).dispose()


@pytest.fixture
def moving_page(browser: Browser, moving_app) -> Iterator[Page]:
    with served(moving_app) as url:
        context = browser.new_context(base_url=url)
        context.set_default_timeout(5000)
        yield context.new_page()
        context.close()


@pytest.fixture
def draft_id(moving_app, folder) -> int:
    """A rapid check of the demo staff member's with the complete example's answers, on
    version 2026.2; then version 2026.3 is written to the folder."""
    with moving_app.app_context():
        session = db.get_session()
        user = accounts.find_user(session, email=STAFF)
        rapid = moving_app.extensions["equity_tool.registry"].current(factories.RAPID)
        assessment = use_cases.start(session, user=user, questionnaire=rapid,
                                     request=use_cases.StartRequest("Summer library hours",
                                                                    "program"))
        use_cases.save_answers(session, user=user, assessment=assessment, revision=0,
                               answers=factories.example_answers(rapid), other_texts={})
        assessment_id = assessment.id
    (folder / "rapid-equity-check.yaml").write_text(newer_rapid_check().source,
                                                    encoding="utf-8")
    return assessment_id


def test_staff_move_a_draft_and_find_what_was_left_behind(moving_page: Page, draft_id: int,
                                                         assert_no_axe_violations):
    page = moving_page
    sign_in(page)
    page.goto(f"/assessments/{draft_id}")
    page.get_by_role("link", name="Move to version 2026.3").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Move to version 2026.3")
    expect(page.locator("#carried-count")).to_have_text(
        "11 answers carry over, some of them in part (see below).")
    preview = page.locator("#left-behind-preview tbody tr")
    expect(preview).to_have_count(4)
    missing = preview.filter(has_text="Whose voice is missing so far?")
    expect(missing.locator("td").nth(0)).to_have_text(
        "Downtown evening users who work late shifts; we will ask them in June.")
    expect(missing.locator("td").nth(1)).to_have_text("Not asked in version 2026.3")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Move to version 2026.3").click()
    page.wait_for_url(f"**/assessments/{draft_id}")
    expect(page.get_by_role("status")).to_have_text("Moved to version 2026.3.")
    expect(page.get_by_role("link", name="Move to version 2026.3")).to_have_count(0)
    expect(page.get_by_role("heading", name="Answers not carried over")).to_be_visible()
    cost = page.locator("#left-behind tbody tr").filter(has_text="Estimated cost")
    expect(cost.locator("td").nth(0)).to_have_text("85,000 USD")
    expect(cost.locator("td").nth(1)).to_have_text(
        "Costs over $50,000 need the finance office's sign-off")
    assert_no_axe_violations(page)


@pytest.fixture
def escalating_id(moving_app) -> int:
    """A rapid check whose answers raise the flag that asks for the full assessment."""
    with moving_app.app_context():
        session = db.get_session()
        user = accounts.find_user(session, email=STAFF)
        registry = moving_app.extensions["equity_tool.registry"]
        rapid = registry.current(factories.RAPID)
        registry.current(factories.FULL)  # stored, as the folder holds it
        check = use_cases.start(session, user=user, questionnaire=rapid,
                                request=use_cases.StartRequest("Closing the drop-off", "policy"))
        answers = factories.example_answers(factories.load_questionnaire(factories.RAPID),
                                            example="escalates")
        use_cases.save_answers(session, user=user, assessment=check, revision=0,
                               answers=answers, other_texts={})
        return check.id


def test_staff_start_the_full_assessment_from_a_rapid_check(moving_page: Page,
                                                            escalating_id: int,
                                                            assert_no_axe_violations):
    page = moving_page
    sign_in(page)
    page.goto(f"/assessments/{escalating_id}")
    page.locator(".flag__escalation").get_by_role("link", name="full assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Start the Racial equity impact assessment")
    expect(page.get_by_label("Name of the proposal")).to_have_value("Closing the drop-off")
    expect(page.get_by_role("radio", name="Policy or ordinance")).to_be_checked()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Start the full assessment").click()
    expect(page.locator("#escalated-from")).to_have_text(
        "Started from the rapid check Closing the drop-off.")
    expect(page.locator("#left-behind tbody tr").first).to_contain_text("Don't know")
    assert_no_axe_violations(page)

    page.locator("#escalated-from").get_by_role("link").click()
    expect(page.locator("#escalated-to")).to_contain_text("Closing the drop-off")
    assert_no_axe_violations(page)
