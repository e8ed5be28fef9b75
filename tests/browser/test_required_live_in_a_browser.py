"""Required-ness follows the answers in a real browser (issue 11, item 2): choosing "Capital
project" takes "(optional)" off "Estimated cost" without a reload, and the cost being typed
while that autosave is on its way is neither lost nor loses focus."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.wizard_pages import sign_in

pytestmark = pytest.mark.browser

SAVED = re.compile(r"^Saved at \d{1,2}:\d\d[ap]m")


def saved(page: Page) -> None:
    """Wait until every change on the step has been autosaved."""
    expect(page.locator("#section-form")).to_have_attribute("data-autosave", "saved")
    expect(page.locator("#save-status")).to_have_text(SAVED)


def test_the_cost_becomes_required_as_soon_as_a_capital_project_is_chosen(
    page: Page, stored_assessment, assert_no_axe_violations
):
    assessment_id = stored_assessment("racial-equity-impact-assessment", title="Eastside pool")
    sign_in(page)
    page.goto(f"/assessments/{assessment_id}/sections/about")
    page.evaluate("window.sameDocument = true")
    label = page.locator("label[for=q-estimated_cost]")
    cost = page.locator("#q-estimated_cost")
    expect(label).to_have_text("Estimated cost (optional)")

    # Hold the autosave the choice sends, and start typing the cost meanwhile.
    held: list[Route] = []

    def hold(route: Route) -> None:  # the first autosave only; the later ones go through
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/autosave", hold)
    page.get_by_label("Capital project", exact=True).check()
    expect(page.locator("#section-form")).to_have_attribute("data-autosave", "saving")
    cost.click()
    cost.press_sequentially("250000")
    for _ in range(50):  # the route reaches this thread a moment after the browser sends it
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1, "the autosave of the choice was not sent"
    held[0].continue_()

    expect(label).to_have_text("Estimated cost")
    expect(page.locator("#save-status")).to_contain_text("Now required: Estimated cost")
    # The field itself was not replaced: what was typed is there, and so is the cursor.
    expect(cost).to_have_value("250000")
    expect(cost).to_be_focused()
    saved(page)
    assert page.evaluate("window.sameDocument === true"), "the page was reloaded"
    assert_no_axe_violations(page)

    page.get_by_label("Program or service", exact=True).check()
    saved(page)
    expect(label).to_have_text("Estimated cost (optional)")
    expect(page.locator("#save-status")).to_contain_text("Now optional: Estimated cost")

    page.reload()
    expect(label).to_have_text("Estimated cost (optional)")
    expect(cost).to_have_value("250000")
