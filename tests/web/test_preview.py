"""Previewing a draft as staff will see it: the start page, each step with its visibility
rules, sample answers that move the scores, level and flags, each of the file's languages,
and nothing ever stored as an assessment."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import func, select

from equity_tool.accounts import service as accounts
from equity_tool.authoring import drafts
from equity_tool.core.models import Assessment
from tests.conftest import Page
from tests.web.conftest import signed_in

RAPID = Path(__file__).resolve().parents[2] / "questionnaires" / "rapid-equity-check.yaml"

BIKE_LANES = """\
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
        required: true
      - id: groups
        type: multi_choice
        label: Which groups are affected?
        show_if: affects_residents == 'yes'
        choices:
          - {value: black, label: Black or African American, points: 2}
          - {value: latino, label: Hispanic or Latino, points: 2}
  - id: effects
    title: Effects
    questions:
      - id: burden
        type: scale
        label: How heavy is the burden?
scoring:
  scores:
    - {id: exposure, label: Exposure, formula: points(groups) + points(burden)}
  level:
    from: exposure
    bands:
      - {max: 2, id: low, label: Low}
      - {id: high, label: High}
  flags:
    - id: no_groups
      when: affects_residents == 'yes' and count(groups) == 0
      severity: high
      message: Residents are affected but no group is named.
"""


@pytest.fixture
def draft_of(demo_app, session):
    """draft_of(source) -> the preview's URL of a new draft holding `source`."""
    officer = accounts.find_user(session, email="officer@example.org")

    def make(source: str) -> str:
        draft = drafts.start_draft(session, actor=officer, source=source)
        return f"/admin/drafts/{draft.id}/preview"

    return make


def assessments(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Assessment)).one()


def shown(page: Page, question_id: str) -> bool:
    return page.one(f"//div[@id='question-{question_id}']").get("hidden") is None


def panel(page: Page) -> str:
    return page.text("//aside[@id='live-scores']")


def start(client, url: str, title: str = "Protected lanes on Main Street", **data) -> Page:
    page = client.get_page(url)
    step = client.submit(page, {"title": title, "decision_kind": "program", **data})
    assert step.status == 200, step.error_summary
    return step


def test_preview_starts_on_the_start_page_and_opens_step_one(demo_app, draft_of):
    url = draft_of(BIKE_LANES)
    client = signed_in(demo_app, "officer")
    page = client.get_page(url)
    assert page.h1 == "Bike lanes check"
    assert page.title.startswith("Preview: Bike lanes check")
    assert "Sample answers you give here are never saved" in page.text("//body")
    assert page.one("//main//button").text == "Start assessment"
    # The start page asks for a title as it does for staff: empty, it says so
    refused = client.submit(page, {"title": ""})
    assert refused.status == 422
    assert refused.error_summary == ["Enter a title for the assessment",
                                     "Select the kind of decision"]
    step = start(client, url)
    assert step.h1 == "The plan"
    assert step.text("//span[@class='caption']") == "Step 1 of 2 · Preview"


def test_a_question_shows_only_when_its_show_if_holds(demo_app, draft_of):
    url = draft_of(BIKE_LANES)
    client = signed_in(demo_app, "officer")
    step = start(client, url)
    assert shown(step, "affects_residents") and not shown(step, "groups")
    after = client.submit(step, {"affects_residents": "yes", "go": "plan"})
    assert shown(after, "groups")
    assert after.one("//input[@id='q-affects_residents']").get("checked") is not None
    back = client.submit(after, {"affects_residents": "no", "go": "plan"})
    assert not shown(back, "groups")


def test_sample_answers_change_the_scores_level_and_flags(demo_app, draft_of):
    url = draft_of(BIKE_LANES)
    client = signed_in(demo_app, "officer")
    step = start(client, url)
    assert "No flags raised." in panel(step)
    yes = client.submit(step, {"affects_residents": "yes", "go": "plan"})
    assert "Residents are affected but no group is named." in panel(yes)
    named = client.submit(yes, {"affects_residents": "yes", "groups": ["black", "latino"],
                                "go": "effects"})
    assert named.h1 == "Effects"
    assert "Exposure 4" in panel(named) and "Impact level High" in panel(named)
    assert "No flags raised." in panel(named)
    # the answers of step 1 travel with step 2's form: going back shows them
    again = client.submit(named, {"burden": "1", "go": "plan"})
    assert "Exposure 5" in panel(again)
    picked = again.all("//input[@name='groups'][@checked]")
    assert [p.get("value") for p in picked] == ["black", "latino"]
    # the task list's statuses, as staff see them
    assert "The plan Completed" in again.text("//nav[@id='preview-steps']")


def test_a_change_with_javascript_redraws_only_the_panel_steps_and_visibility(demo_app,
                                                                            draft_of):
    url = draft_of(BIKE_LANES)
    client = signed_in(demo_app, "officer")
    step = start(client, url)
    action, values = step.form_data("//form[@id='preview-form']")
    response = client.post_page(action, {**values, "affects_residents": "yes"},
                                headers={"HX-Request": "true", "HX-Trigger": "preview-form"})
    assert response.status == 200
    assert response.one("//div[@id='preview-visibility']").get("data-hidden") == ""
    assert "Residents are affected" in panel(response)
    assert not response.all("//input[@name='affects_residents']")  # the fields are left alone


def test_nothing_is_stored_as_an_assessment(demo_app, draft_of, session):
    before = assessments(session)
    url = draft_of(BIKE_LANES)
    client = signed_in(demo_app, "officer")
    step = start(client, url)
    client.submit(step, {"affects_residents": "yes", "groups": ["black"], "go": "effects"})
    assert assessments(session) == before


def test_the_preview_in_spanish_shows_the_spanish_labels(demo_app, draft_of):
    url = draft_of(RAPID.read_text())
    client = signed_in(demo_app, "admin")
    page = client.get_page(url + "?lang=es")
    current = page.one("//nav[@aria-label='Languages of the preview']//a[@aria-current='page']")
    assert current.text == "Español" and current.get("lang") == "es"
    assert page.one("//input[@name='language'][@checked]").get("value") == "es"
    step = start(client, url + "?lang=es", language="es")
    assert step.h1 == "La decisión"
    assert step.one("//h1").get("lang") == "es"
    english = start(client, url + "?lang=en", language="en")
    assert english.h1 == "The decision"


def test_a_draft_with_errors_shows_them_instead_of_a_preview(demo_app, draft_of):
    url = draft_of(BIKE_LANES.replace("type: scale", "type: scael"))
    client = signed_in(demo_app, "officer")
    response = client.get(url)
    assert response.status_code == 422
    page = Page(response)
    assert page.h1 == "This draft cannot be previewed yet"
    problem = page.all("//ol[@id='problem-list']/li")[0]
    assert problem.get("data-line") == "23"
    assert "unknown question type 'scael'" in problem.text_content()
    editor = url.removesuffix("/preview")
    assert page.all(f"//main//a[@href='{editor}']")


def test_forged_sample_answers_are_refused(demo_app, draft_of):
    url = draft_of(BIKE_LANES)
    client = signed_in(demo_app, "officer")
    step = start(client, url)
    assert client.submit(step, {"sample": "{not json"}).status == 400
    assert client.submit(step, {"step": "nowhere"}).status == 404
    assert client.submit(step, {"surprise": "1"}).status == 400


def test_switching_language_on_a_step_keeps_the_step_and_the_sample_answers(demo_app,
                                                                           draft_of):
    url = draft_of(RAPID.read_text())
    client = signed_in(demo_app, "admin")
    step = start(client, url + "?lang=es", language="es")
    english = client.submit(step, {"title": "Rutas de autobús nocturnas", "switch_lang": "en"},
                            form="//form[@id='preview-form']")
    assert english.status == 200, english.text()
    assert english.h1 == "The decision"
    assert english.one("//input[@name='title']").get("value") == "Rutas de autobús nocturnas"
    assert not english.all("//*[@role='alert']")  # switching is not a check
    button = english.one("//nav[@aria-label='Languages of the preview']//button"
                         "[@aria-current='true']")
    assert (button.text, button.get("form")) == ("English", "preview-form")
