"""The wizard's pages against WCAG 2.1 A and AA (axe-core), and used by keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.wizard_pages import sign_in, start_assessment, tab_to

pytestmark = pytest.mark.browser

QUESTIONNAIRES = {
    "rapid-equity-check": "rapid-equity-check--complete",
    "racial-equity-impact-assessment": "racial-equity-impact-assessment--complete",
}


def step_paths(page: Page, assessment_id: int) -> list[str]:
    page.goto(f"/assessments/{assessment_id}")
    links = page.locator(".task-list__link")
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


def test_questionnaire_pages_and_home_have_no_axe_violations(
    page: Page, assert_no_axe_violations
):
    sign_in(page)
    assert_no_axe_violations(page)  # home, with the department's assessments
    page.goto("/questionnaires")
    assert_no_axe_violations(page)
    for questionnaire_id in QUESTIONNAIRES:
        page.goto(f"/questionnaires/{questionnaire_id}")
        assert_no_axe_violations(page)
    page.get_by_role("button", name="Start assessment").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("questionnaire_id", QUESTIONNAIRES)
def test_every_empty_step_and_its_errors_have_no_axe_violations(
    page: Page, stored_assessment, assert_no_axe_violations, questionnaire_id
):
    assessment_id = stored_assessment(questionnaire_id, title="Empty")
    sign_in(page)
    paths = step_paths(page, assessment_id)
    assert len(paths) >= 3
    assert_no_axe_violations(page)  # the task list
    for path in paths:
        page.goto(path)
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Save and continue").click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        assert_no_axe_violations(page)
    page.goto(f"/assessments/{assessment_id}/check")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("questionnaire_id", QUESTIONNAIRES)
def test_every_answered_step_check_answers_and_submitted_have_no_axe_violations(
    page: Page, stored_assessment, assert_no_axe_violations, questionnaire_id
):
    """Complete answers show every table row and every question that can appear."""
    assessment_id = stored_assessment(questionnaire_id, QUESTIONNAIRES[questionnaire_id])
    sign_in(page)
    paths = step_paths(page, assessment_id)
    expect(page.locator(".task-list__status")).to_have_text(["Completed"] * len(paths))
    assert_no_axe_violations(page)
    for path in paths:
        page.goto(path)
        expect(page.locator(".error-summary")).to_have_count(0)
        assert_no_axe_violations(page)
    page.goto(f"/assessments/{assessment_id}/check")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment submitted")
    assert_no_axe_violations(page)
    page.goto(f"/assessments/{assessment_id}")
    assert_no_axe_violations(page)  # read-only task list
    page.goto(f"/assessments/{assessment_id}/check")
    assert_no_axe_violations(page)  # read-only answers


def test_the_spanish_rapid_check_has_no_axe_violations(page: Page, assert_no_axe_violations):
    sign_in(page)
    task_list = start_assessment(page, "rapid-equity-check", "En español", language="es")
    page.goto(f"{task_list}/sections/people_places")
    assert_no_axe_violations(page)


# --- Keyboard ------------------------------------------------------------------------------

FOCUSABLE = (
    "main a[href], main button, main input:not([type=hidden]), main select, main textarea, "
    "main [tabindex='0']"
)


# A control's key: its id, else its name and value, else its place in the document.
KEY = """e => e.id || (e.name ? `${e.name}=${e.value}`
                         : `#${[...document.querySelectorAll('*')].indexOf(e)}`)"""


def reachable_by_tab(page: Page, limit: int = 400) -> set[str]:
    """The keys of every element Tab reaches, once round the page from the top."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    seen: set[str] = set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        key = page.evaluate(f"() => {{ const e = document.activeElement;"
                            f" return e === document.body ? null : ({KEY})(e); }}")
        if key is None or key in seen:  # off the page, or round again
            break
        seen.add(key)
    return seen


def visible_controls(page: Page) -> tuple[set[str], dict[str, set[str]]]:
    """(keys of the controls a person can see, radio group name -> its radios' keys)."""
    controls = page.evaluate(
        f"""selector => [...document.querySelectorAll(selector)]
            .filter(e => e.getClientRects().length)
            .map(e => [({KEY})(e), e.type === 'radio' ? e.name : null])""",
        FOCUSABLE,
    )
    groups: dict[str, set[str]] = {}
    singles = set()
    for key, group in controls:
        if group:
            groups.setdefault(group, set()).add(key)
        else:
            singles.add(key)
    return singles, groups


@pytest.mark.parametrize("section_id", ["decision", "people_places", "engagement_consequences"])
def test_every_control_of_a_step_can_be_reached_with_tab(
    page: Page, stored_assessment, section_id
):
    assessment_id = stored_assessment("rapid-equity-check", "rapid-equity-check--complete")
    sign_in(page)
    page.goto(f"/assessments/{assessment_id}/sections/{section_id}")
    reached = reachable_by_tab(page)
    singles, radio_groups = visible_controls(page)
    assert singles <= reached, f"not reachable with Tab: {sorted(singles - reached)}"
    # A radio group is one Tab stop; the arrow keys move within it.
    for name, radios in radio_groups.items():
        assert radios & reached, f"radio group {name} cannot be reached with Tab"


def test_a_step_of_the_rapid_check_completed_by_keyboard_alone(page: Page, stored_assessment):
    assessment_id = stored_assessment("rapid-equity-check", title="Keyboard")
    sign_in(page)
    page.goto(f"/assessments/{assessment_id}")
    tab_to(page, "a.task-list__link >> nth=0")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/sections/decision$"))

    tab_to(page, "#q-title")
    page.keyboard.type("Summer hours at branch libraries")
    page.keyboard.press("Tab")
    expect(page.locator("#q-decision_summary")).to_be_focused()
    page.keyboard.type("Open three branches until 8 p.m. in summer.")
    page.keyboard.press("Tab")
    expect(page.locator("#q-estimated_cost")).to_be_focused()
    page.keyboard.type("85000")
    page.keyboard.press("Tab")
    # Radios: Tab enters the group, the arrow keys choose, Space selects.
    expect(page.get_by_role("radio", name="Yes")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="Yes")).to_be_checked()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="No")).to_be_focused()
    expect(page.get_by_role("radio", name="No")).to_be_checked()
    expect(page.locator("#section-form")).to_have_attribute("data-autosave", "saved")
    tab_to(page, "button[value=continue]", limit=5)
    page.keyboard.press("Enter")

    # Checkboxes take Space; the next step opens with what was saved.
    expect(page).to_have_url(re.compile("/sections/people_places$"))
    tab_to(page, "#q-groups")
    page.keyboard.press("Space")
    expect(page.locator("#q-groups")).to_be_checked()
    page.goto(f"/assessments/{assessment_id}/check")
    expect(page.locator("#answer-title")).to_contain_text("Summer hours at branch libraries")
    expect(page.locator("#answer-changes_ordinance")).to_contain_text("No")


def test_table_rows_are_added_by_keyboard(page: Page, stored_assessment):
    assessment_id = stored_assessment("rapid-equity-check", title="Keyboard table")
    sign_in(page)
    page.goto(f"/assessments/{assessment_id}/sections/engagement_consequences")
    tab_to(page, "button[value='add-row--unintended_consequences']")
    page.keyboard.press("Enter")
    expect(page.locator("#question-unintended_consequences tbody tr")).to_have_count(2)
    # Focus lands in the new row, ready to type.
    expect(page.locator("#q-unintended_consequences--1--what")).to_be_focused()
    page.keyboard.type("Fewer evening buses")
    tab_to(page, "button[value='remove-row--unintended_consequences--1']", limit=10)
    page.keyboard.press("Enter")
    expect(page.locator("#question-unintended_consequences tbody tr")).to_have_count(1)
    expect(page.locator("button[value='add-row--unintended_consequences']")).to_be_focused()


# --- Reflow (WCAG 1.4.10): 320 CSS pixels wide, as on a phone or at 400% zoom ----------------


def test_pages_reflow_to_320_pixels_without_scrolling_sideways(page: Page, stored_assessment):
    assessment_id = stored_assessment("rapid-equity-check", "rapid-equity-check--complete")
    sign_in(page)
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/", "/questionnaires", "/questionnaires/rapid-equity-check",
                 f"/assessments/{assessment_id}",
                 f"/assessments/{assessment_id}/sections/decision",
                 f"/assessments/{assessment_id}/sections/people_places",
                 f"/assessments/{assessment_id}/sections/engagement_consequences",
                 f"/assessments/{assessment_id}/check"):
        page.goto(path)
        # Wide tables scroll inside their own box; the page itself must not.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width}px wide at 320px"
