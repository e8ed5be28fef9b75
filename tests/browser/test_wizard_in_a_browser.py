"""The wizard in a real browser: a staff member completes the rapid check with JavaScript on
and off, questions appear and disappear as answers change, and a stale save loses nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.wizard_pages import sign_in, start_assessment

pytestmark = pytest.mark.browser

SAVED = re.compile(r"^Saved at \d{1,2}:\d\d[ap]m")
FULL_ASSESSMENT_FLAG = "This decision needs the full racial equity impact assessment"


def type_into(field: Locator, text: str) -> None:
    """Type an answer and leave the field, which is when a browser sends `change`."""
    field.fill(text)
    field.blur()


def saved(page: Page) -> None:
    """Wait until every change on the step has been autosaved."""
    expect(page.locator("#section-form")).to_have_attribute("data-autosave", "saved")
    expect(page.locator("#save-status")).to_have_text(SAVED)


def mark_document(page: Page) -> None:
    page.evaluate("window.sameDocument = true")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.sameDocument === true"), "the page was reloaded"


def choice(page: Page, question: str, answer: str) -> Locator:
    """The radio or checkbox `answer` of the question whose legend contains `question`."""
    return page.get_by_role("group", name=re.compile(re.escape(question))).get_by_label(
        answer, exact=True
    )


def rows(page: Page, question_id: str) -> Locator:
    return page.locator(f"#question-{question_id} tbody tr")


def test_staff_complete_a_rapid_check_with_javascript(page: Page, assert_no_axe_violations):
    sign_in(page)
    task_list = start_assessment(page, "rapid-equity-check", "Summer hours, with JavaScript")
    page.get_by_role("link", name="1. The decision").click()

    # Step 1: answers save themselves; the flag for a large cost comes and goes.
    mark_document(page)
    type_into(page.get_by_label("Name of the decision"), "Summer hours at branch libraries")
    type_into(page.get_by_label("What is being decided"), "Open three branches until 8 p.m.")
    choice(page, "create or change an ordinance", "No").check()
    type_into(page.get_by_label("Estimated cost"), "2000000")
    saved(page)
    scores = page.locator("#live-scores")
    expect(scores).to_contain_text(FULL_ASSESSMENT_FLAG)
    type_into(page.get_by_label("Estimated cost"), "85000")
    saved(page)
    expect(scores).not_to_contain_text(FULL_ASSESSMENT_FLAG)
    expect(scores).to_contain_text("No flags raised.")
    assert_not_reloaded(page)
    page.get_by_role("button", name="Save and continue").click()

    # Step 2: each group picked gets a row in the table below, in place.
    expect(page).to_have_url(re.compile("/sections/people_places$"))
    mark_document(page)
    expect(rows(page, "benefits_burdens")).to_have_count(0)
    page.get_by_label("Black or African American", exact=True).check()
    page.get_by_label("Hispanic or Latino", exact=True).check()
    page.get_by_label("White", exact=True).check()
    saved(page)
    expect(rows(page, "benefits_burdens")).to_have_count(3)
    page.get_by_label("White", exact=True).uncheck()
    saved(page)
    expect(rows(page, "benefits_burdens")).to_have_count(2)
    expect(page.get_by_role("rowheader", name="White")).to_have_count(0)
    for group, benefit, burden in (("Black or African American", "2", "3"),
                                   ("Hispanic or Latino", "2", "1")):
        type_into(page.get_by_label(f"Benefit (0-3), {group}"), benefit)
        type_into(page.get_by_label(f"Burden (0-3), {group}"), burden)
    type_into(page.get_by_label("Which neighborhoods"), "Eastside and Riverbend branches")
    choice(page, "existing gap between groups", "No").check()
    type_into(page.get_by_label("What evidence is that answer based on"), "Library card data.")
    saved(page)
    expect(scores).to_contain_text("3 of 3")  # the highest burden, scored live
    expect(scores).to_contain_text(FULL_ASSESSMENT_FLAG)
    type_into(page.get_by_label("Burden (0-3), Black or African American"), "0")
    saved(page)
    expect(scores).to_contain_text("1 of 3")
    expect(scores).to_contain_text("Low concern")
    expect(scores).not_to_contain_text(FULL_ASSESSMENT_FLAG)
    assert_not_reloaded(page)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save and continue").click()

    # Step 3: table rows added and removed in place.
    expect(page).to_have_url(re.compile("/sections/engagement_consequences$"))
    mark_document(page)
    type_into(page.get_by_label("Who has been engaged"), "Surveyed 140 evening users.")
    expect(rows(page, "unintended_consequences")).to_have_count(1)
    type_into(page.get_by_label("What could happen, Row 1"), "Downtown users lose an hour")
    page.get_by_role("button", name=re.compile("^Add a row")).click()
    expect(rows(page, "unintended_consequences")).to_have_count(2)
    expect(page.get_by_label("What could happen, Row 2")).to_be_focused()
    page.keyboard.type("Nothing, really")
    page.get_by_role("button", name="Remove row 2").click()
    expect(rows(page, "unintended_consequences")).to_have_count(1)
    expect(page.get_by_label("What could happen, Row 1")).to_have_value(
        "Downtown users lose an hour"
    )
    type_into(page.get_by_label("Mitigation, Row 1"), "Keep the computer lab open.")
    type_into(page.get_by_label("How will people with disabilities"), "Notices in 3 languages.")
    saved(page)
    assert_not_reloaded(page)
    page.get_by_role("button", name="Save and continue").click()

    # Check your answers, submit, and the assessment is read-only from then on.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.locator("#answer-title")).to_contain_text("Summer hours at branch libraries")
    expect(page.locator("#answer-unintended_consequences")).to_contain_text("Downtown users")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment submitted")
    assert_read_only(page, task_list)


def assert_read_only(page: Page, task_list: str) -> None:
    page.goto(task_list)
    expect(page.locator(".tag").first).to_have_text("Submitted")
    expect(page.locator(".task-list__link")).to_have_count(0)
    expect(page.locator(".task-list__status")).to_have_text(["Completed"] * 3)
    page.goto(f"{task_list}/sections/decision")
    expect(page).to_have_url(re.compile("/check$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Answers")
    expect(page.get_by_role("button", name="Submit for review")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Change"))).to_have_count(0)


def test_staff_complete_a_rapid_check_without_javascript(nojs_page: Page):
    page = nojs_page
    sign_in(page)
    task_list = start_assessment(page, "rapid-equity-check", "Summer hours, no JavaScript")
    page.get_by_role("link", name="1. The decision").click()

    # Nothing answered: the error summary links to each field, and the link moves focus there.
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_title(re.compile("^Error: The decision"))
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary).to_be_focused()
    # The name was given on the start page: step 1 shows it, and does not ask for it again.
    expect(page.get_by_label("Name of the decision")).to_have_value("Summer hours, no JavaScript")
    expect(page.locator("#q-title-error")).to_have_count(0)
    summary.get_by_role("link", name=re.compile("What is being decided")).click()
    expect(page.get_by_label("What is being decided")).to_be_focused()
    summary.get_by_role("link", name=re.compile("create or change an ordinance")).click()
    expect(choice(page, "create or change an ordinance", "Yes")).to_be_focused()
    expect(page.locator("#q-decision_summary-error")).to_contain_text("Enter an answer")

    page.get_by_label("Name of the decision").fill("Summer hours at branch libraries")
    page.get_by_label("What is being decided").fill("Open three branches until 8 p.m.")
    page.get_by_label("Estimated cost").fill("85000")
    choice(page, "create or change an ordinance", "No").check()
    page.get_by_role("button", name="Save and continue").click()

    # Step 2: the table gets its rows once the groups are saved.
    expect(page).to_have_url(re.compile("/sections/people_places$"))
    expect(page.locator(".save-status")).to_have_text("")
    page.get_by_label("Black or African American", exact=True).check()
    page.get_by_label("Vietnamese (Asian)", exact=True).check()
    page.get_by_label("Which neighborhoods").fill("Eastside and Lowell Park")
    choice(page, "existing gap between groups", "No").check()
    page.get_by_label("What evidence is that answer based on").fill("Library card data.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".error-summary")).to_contain_text("how much does the decision help")
    expect(rows(page, "benefits_burdens")).to_have_count(2)
    for group in ("Black or African American", "Vietnamese (Asian)"):
        page.get_by_label(f"Benefit (0-3), {group}").fill("2")
        page.get_by_label(f"Burden (0-3), {group}").fill("1")
    page.get_by_role("button", name="Save and continue").click()

    # Step 3: "Add a row" and "Remove" reload the page with the rows as typed.
    expect(page).to_have_url(re.compile("/sections/engagement_consequences$"))
    page.get_by_label("Who has been engaged").fill("Surveyed 140 evening users.")
    page.get_by_label("What could happen, Row 1").fill("Downtown users lose an hour")
    page.get_by_role("button", name=re.compile("^Add a row")).click()
    expect(rows(page, "unintended_consequences")).to_have_count(2)
    page.get_by_label("What could happen, Row 2").fill("Not enough evening staff")
    page.get_by_label("Mitigation, Row 2").fill("Hire two part-time staff.")
    page.get_by_role("button", name="Remove row 1").click()
    expect(rows(page, "unintended_consequences")).to_have_count(1)
    expect(page.get_by_label("What could happen, Row 1")).to_have_value("Not enough evening staff")
    page.get_by_label("How will people with disabilities").fill("Notices in 3 languages.")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.locator("#answer-groups")).to_contain_text("Vietnamese (Asian)")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment submitted")
    assert_read_only(page, task_list)


def test_questions_appear_and_disappear_as_answers_change(
    page: Page, stored_assessment, assert_no_axe_violations
):
    assessment_id = stored_assessment("racial-equity-impact-assessment", title="Conditional")
    sign_in(page)
    page.goto(f"/assessments/{assessment_id}/sections/data")
    mark_document(page)
    follow_up = page.locator("#question-disadvantaged_groups")
    expect(follow_up).to_be_hidden()

    choice(page, "already worse off in the areas", "Yes").check()
    saved(page)
    expect(follow_up).to_be_visible()
    expect(page.locator("#save-status")).to_contain_text(
        "Question shown: Which groups do the data show are already worse off?"
    )
    assert_no_axe_violations(page)
    follow_up.get_by_label("Somali (Black or African American)").check()
    saved(page)

    choice(page, "already worse off in the areas", "No").check()
    saved(page)
    expect(follow_up).to_be_hidden()

    # The hidden answer is kept: it is there again when the question comes back.
    choice(page, "already worse off in the areas", "Yes").check()
    saved(page)
    expect(follow_up).to_be_visible()
    expect(follow_up.get_by_label("Somali (Black or African American)")).to_be_checked()
    assert_not_reloaded(page)

    choice(page, "already worse off in the areas", "No").check()
    saved(page)
    page.reload()
    expect(follow_up).to_be_hidden()
    expect(follow_up.get_by_label("Somali (Black or African American)")).to_be_checked()


def test_a_stale_save_from_a_second_tab_is_refused_without_losing_text(page: Page):
    sign_in(page)
    task_list = start_assessment(page, "rapid-equity-check", "Two tabs")
    step = f"{task_list}/sections/decision"
    tab_a = page
    tab_a.goto(step)
    tab_b = page.context.new_page()
    tab_b.goto(step)

    type_into(tab_a.get_by_label("Name of the decision"), "Typed in tab A")
    saved(tab_a)

    # Tab B's autosave is refused with a clear message, and its text stays where it was.
    title_b = tab_b.get_by_label("Name of the decision")
    type_into(title_b, "Typed in tab B")
    status_b = tab_b.locator("#save-status")
    expect(status_b).to_contain_text("Not saved.")
    expect(status_b).to_contain_text("was changed in another tab or window since you opened")
    expect(status_b.get_by_role("alert")).to_be_visible()
    expect(tab_b.locator("#section-form")).to_have_attribute("data-autosave", "failed")
    expect(title_b).to_have_value("Typed in tab B")

    # So is its "Save and continue": the page comes back (409) with the text still in it.
    with tab_b.expect_response(lambda r: r.request.method == "POST") as response:
        tab_b.get_by_role("button", name="Save and continue").click()
    assert response.value.status == 409
    expect(tab_b.locator(".error-summary")).to_contain_text("since you opened this page")
    expect(tab_b.get_by_label("Name of the decision")).to_have_value("Typed in tab B")

    tab_a.goto(f"{task_list}/check")
    expect(tab_a.locator("#answer-title")).to_contain_text("Typed in tab A")


def test_change_links_and_error_links_take_focus_to_the_question(page: Page, stored_assessment):
    assessment_id = stored_assessment("rapid-equity-check", "rapid-equity-check--complete")
    sign_in(page)
    page.goto(f"/assessments/{assessment_id}/check")
    page.get_by_role("link", name="Change Estimated cost").click()
    expect(page).to_have_url(re.compile("/sections/decision#q-estimated_cost$"))
    expect(page.get_by_label("Estimated cost")).to_be_focused()

    # With JavaScript, an error link also brings the question's label into view.
    page.get_by_label("Name of the decision").fill("")
    page.get_by_role("button", name="Save and continue").click()
    # wizard.js (a deferred script) must have run, or the click is the browser's plain jump
    expect(page.locator(".error-summary")).to_be_visible()
    page.wait_for_load_state()
    page.locator(".error-summary").get_by_role("link").first.click()
    title = page.get_by_label("Name of the decision")
    expect(title).to_be_focused()
    expect(page.locator("label[for=q-title]")).to_be_in_viewport()
