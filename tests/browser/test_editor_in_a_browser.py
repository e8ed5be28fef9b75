"""The questionnaire editor and its preview in a browser: a mistake announced at its line while
typing, fixed; the keyboard never trapped in the text box; the preview in English and Spanish,
with follow-up questions appearing as sample answers change; axe finds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.wizard_pages import OFFICER, demo_served, signed_in_page
from tests.factories import shipped_questionnaires

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]

SHOW_IF = """\
id: bike-lanes
version: "1"
title: Bike lanes check
sections:
  - id: plan
    title: The plan
    questions:
      - id: affects_residents
        type: yes_no
        label: Does it affect residents?
      - id: groups
        type: multi_choice
        label: Which groups are affected?
        show_if: affects_residents == 'yes'
        choices:
          - {value: black, label: Black or African American, points: 3}
          - {value: latino, label: Hispanic or Latino, points: 3}
scoring:
  scores:
    - {id: exposure, label: Exposure, formula: points(groups)}
  level:
    from: exposure
    bands:
      - {max: 2, id: low, label: Low}
      - {id: high, label: High}
"""


@pytest.fixture(scope="module")
def editor_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo, with a questionnaires folder of its own (publishing writes there)."""
    base = tmp_path_factory.mktemp("editor")
    folder = shipped_questionnaires(base / "questionnaires")
    with demo_served(base, EQUITY_TOOL_QUESTIONNAIRES=folder) as address:
        yield address


def officer_page(browser: Browser, base: str, *, javascript: bool = True) -> Page:
    return signed_in_page(browser, base, OFFICER, javascript=javascript)


def start_draft(page: Page, choice: str = "A new questionnaire") -> None:
    page.goto("/admin/drafts")
    page.get_by_label(choice).check()
    page.get_by_role("button", name="Start the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit the questionnaire")


def test_a_mistake_is_announced_at_its_line_as_you_type_and_its_fix_too(
        browser, editor_server, assert_no_axe_violations):
    page = officer_page(browser, editor_server)
    start_draft(page)
    status = page.locator("#check-status")
    expect(status).to_have_text("No problems.")
    assert status.get_attribute("role") == "status"  # announced politely, focus stays put
    text = page.get_by_label("Questionnaire file (YAML)")
    text.focus()
    page.keyboard.press("Control+End")
    page.keyboard.type("colour: blue")
    # checked about half a second after the typing stops, and announced
    expect(status).to_contain_text("1 error. Line 11, column 1: unknown key 'colour'",
                                   timeout=2500)
    expect(text).to_be_focused()
    expect(page.locator("#source-gutter .code-editor__number--error")).to_have_text("11")
    assert_no_axe_violations(page)
    # the problem's link puts the cursor at its line and column
    page.get_by_role("link", name="Line 11, column 1").click()
    expect(text).to_be_focused()
    at = page.evaluate("document.getElementById('source').selectionStart")
    assert at == page.evaluate("document.getElementById('source').value.indexOf('colour')")
    # fixed: the line removed
    page.keyboard.press("Shift+End")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    expect(status).to_have_text("No problems.", timeout=2500)
    expect(page.locator("#source-gutter .code-editor__number--error")).to_have_count(0)
    expect(page.locator("#source-gutter span")).to_have_count(10)  # and its line with it
    page.context.close()


def test_tab_moves_into_and_out_of_the_text_box(browser, editor_server):
    page = officer_page(browser, editor_server)
    start_draft(page)
    text = page.get_by_label("Questionnaire file (YAML)")
    before = text.input_value()
    text.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save draft")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(text).to_be_focused()
    assert text.input_value() == before  # Tab typed nothing: it moved the focus
    page.keyboard.press("Shift+Tab")
    expect(text).not_to_be_focused()
    page.context.close()


def test_the_preview_in_english_and_spanish(browser, editor_server, assert_no_axe_violations):
    page = officer_page(browser, editor_server)
    start_draft(page, "A new version of “Rapid equity check” (now version 2026.2)")
    page.get_by_role("link", name="Preview the saved draft as staff will see it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapid equity check")
    assert_no_axe_violations(page)
    page.get_by_role("navigation", name="Languages of the preview").get_by_role(
        "link", name="Español").click()
    expect(page.get_by_label("Español")).to_be_checked()
    page.locator("#title").fill("Rutas de autobús")
    page.get_by_label("Program").check()
    page.get_by_role("button", name="Start assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("La decisión")
    assert_no_axe_violations(page)
    # On a step the switch keeps the step and the sample answers given so far.
    page.get_by_label("Nombre de la decisión").fill("Rutas de autobús nocturnas")
    page.get_by_role("navigation", name="Languages of the preview").get_by_role(
        "button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The decision")
    expect(page.get_by_label("Name of the decision")).to_have_value("Rutas de autobús nocturnas")
    expect(page.get_by_role("alert")).to_have_count(0)  # switching is not a check
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Back to the start page").click()
    page.get_by_role("navigation", name="Languages of the preview").get_by_role(
        "link", name="English").click()
    expect(page.get_by_label("English")).to_be_checked()
    page.context.close()


def test_follow_up_questions_appear_as_sample_answers_change(browser, editor_server,
                                                            assert_no_axe_violations):
    page = officer_page(browser, editor_server)
    start_draft(page)
    page.get_by_label("Questionnaire file (YAML)").fill(SHOW_IF)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#check-status")).to_have_text("No problems.")
    page.get_by_role("link", name="Preview the saved draft as staff will see it").click()
    page.locator("#title").fill("Main Street lanes")
    page.get_by_label("Program").check()
    page.get_by_role("button", name="Start assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The plan")
    groups = page.get_by_role("group", name="Which groups are affected? (optional)")
    expect(groups).to_be_hidden()
    page.get_by_label("Yes").check()
    expect(groups).to_be_visible()  # no button pressed: htmx asked the server
    page.get_by_label("Black or African American").check()
    expect(page.locator("#live-scores")).to_contain_text("High")
    assert_no_axe_violations(page)
    page.get_by_label("No", exact=True).check()
    expect(groups).to_be_hidden()
    page.context.close()


def test_the_preview_works_without_javascript(browser, editor_server):
    page = officer_page(browser, editor_server, javascript=False)
    start_draft(page)
    page.get_by_label("Questionnaire file (YAML)").fill(SHOW_IF)
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("link", name="Preview the saved draft as staff will see it").click()
    page.locator("#title").fill("Main Street lanes")
    page.get_by_label("Program").check()
    page.get_by_role("button", name="Start assessment").click()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Update preview").click()
    page.get_by_label("Hispanic or Latino").check()
    page.get_by_role("button", name="Update preview").click()
    expect(page.locator("#live-scores")).to_contain_text("High")
    page.context.close()


def test_the_drafts_page_and_a_refused_upload_pass_axe(browser, editor_server, tmp_path,
                                                      assert_no_axe_violations):
    page = officer_page(browser, editor_server)
    page.goto("/admin/drafts")
    expect(page.get_by_role("heading", level=1)).to_have_text("Questionnaire drafts")
    assert_no_axe_violations(page)
    notes = tmp_path / "notes.txt"
    notes.write_text("id: notes\n")
    page.get_by_label("Questionnaire file").set_input_files(notes)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_contain_text("is not a questionnaire")
    assert_no_axe_violations(page)
    page.context.close()


def test_a_draft_with_errors_previews_as_its_errors(browser, editor_server,
                                                   assert_no_axe_violations):
    page = officer_page(browser, editor_server)
    start_draft(page)
    page.get_by_label("Questionnaire file (YAML)").fill(SHOW_IF.replace("yes_no", "yesno"))
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("link", name="Preview the saved draft as staff will see it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This draft cannot be previewed yet")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Line 9, column 15").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit the questionnaire")
    page.context.close()
