"""Follow-up in a real browser: staff open an approved assessment's follow-up, record progress
on an action (a mistake first, shown in the error summary), and see it at the top of the
item's history. axe checks every follow-up page on the way, the error state included."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from equity_tool.core import db
from equity_tool.core.models import Assessment
from equity_tool.questionnaire.messages import long_date
from tests import factories
from tests.browser.wizard_pages import sign_in

pytestmark = pytest.mark.browser

FULL = "racial-equity-impact-assessment"
ANSWERS = "racial-equity-impact-assessment--complete"


@pytest.fixture
def approved_id(live_app, stored_assessment) -> int:
    """The full assessment with its complete example's answers, approved through the
    workflow by the demo director and officer."""
    assessment_id = stored_assessment(FULL, ANSWERS, title="Eastside pool, followed up")
    with live_app.app_context():
        session = db.get_session()
        factories.bring_to(session, assessment=session.get(Assessment, assessment_id),
                           state="approved")
    return assessment_id


def test_staff_record_progress_and_see_it_in_the_history(page: Page, approved_id: int,
                                                         assert_no_axe_violations):
    sign_in(page)
    page.goto(f"/assessments/{approved_id}")
    page.get_by_role("link", name="Follow-up: progress on its actions and measures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Follow-up")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Award the construction contract").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Award the construction contract")
    assert_no_axe_violations(page)

    # A date in the future is refused, with what was typed kept.
    page.get_by_role("radio", name="On track").check()
    page.get_by_label("Note").fill("Bids opened; **three** firms applied.")
    page.get_by_label("Date").fill("2099-01-01")
    page.get_by_role("button", name="Record progress").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("The date cannot be in the future")
    expect(page.get_by_label("Note")).to_have_value("Bids opened; **three** firms applied.")
    assert_no_axe_violations(page)

    summary.get_by_role("link").click()
    expect(page.get_by_label("Date")).to_be_focused()
    yesterday = dt.date.today() - dt.timedelta(days=1)
    page.get_by_label("Date").fill(yesterday.isoformat())
    page.get_by_role("button", name="Record progress").click()

    expect(page.get_by_role("status")).to_have_text("Your progress was recorded.")
    newest = page.locator("#history tbody tr").first
    expect(newest).to_contain_text(long_date(yesterday))
    expect(newest).to_contain_text("Sam Staff")
    expect(newest.locator("strong", has_text="three")).to_be_visible()  # markdown rendered
    expect(page.locator("#item-summary")).to_contain_text("On track")
    assert_no_axe_violations(page)

    page.goto("/")
    page.get_by_role("link", name="All your department's follow-up items").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Follow-up items")
    assert_no_axe_violations(page)
