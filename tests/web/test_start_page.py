"""The start page asks the questions the questionnaire names (`start`), in its own words, and
stores the answers once: step 1 shows them answered instead of asking again (issue 11, item 1).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlmodel import select

from equity_tool.assessments import service as use_cases
from equity_tool.core.models import Assessment
from tests import factories
from tests.conftest import squash

FULL = "/questionnaires/racial-equity-impact-assessment"
RAPID = "/questionnaires/rapid-equity-check"
KINDS = ["Policy or ordinance", "Program or service", "Practice or procedure",
         "Budget request or budget change", "Capital project", "Contract or grant",
         "Something else (describe it)"]


@pytest.fixture
def staff(client, people, login):
    login(client, people["staff"].email)
    return client


def labels(page, name: str) -> list[str]:
    """The labels of the radios named `name`, in order."""
    return [squash(page.one(f"//label[@for='{i.get('id')}']").text_content())
            for i in page.all(f"//input[@type='radio'][@name='{name}']")]


def start(client, url: str, data: dict):
    return client.submit(client.get_page(url), {"language": "en", **data})


def test_the_start_page_asks_the_questionnaires_own_questions_in_its_words(staff):
    page = staff.get_page(FULL)
    assert squash(page.one("//label[@for='title']").text_content()) == "Name of the proposal"
    assert page.one("//input[@name='title']").get("placeholder") == (
        "For example, Eastside pool renovation")
    legend = page.one("//fieldset[.//input[@name='decision_kind']]/legend")
    assert squash(legend.text_content()) == "What kind of decision is it?"
    assert labels(page, "decision_kind") == KINDS  # not "Policy", "Program"
    assert "Title of the assessment" not in page.text()
    other = squash(page.one("//label[@for='decision_kind_other']").text_content())
    assert other == "If you chose “Something else (describe it)”, please describe (optional)"


def test_starting_stores_both_answers_and_step_one_shows_them_filled_in(staff, session):
    response = start(staff, FULL, {"title": "Eastside pool renovation",
                                   "decision_kind": "capital_project"})
    assert response.status == 302, response.error_summary
    assessment = session.exec(select(Assessment)).one()
    assert assessment.title == "Eastside pool renovation"
    assert assessment.decision_kind == "capital_project"
    assert assessment.answers["title"] == "Eastside pool renovation"
    assert assessment.answers["decision_kind"] == "capital_project"
    assert assessment.other_texts == {}

    step = staff.get_page(f"/assessments/{assessment.id}/sections/about")
    assert step.one("//input[@name='title']").get("value") == "Eastside pool renovation"
    checked = step.all("//input[@name='decision_kind'][@checked]")
    assert [c.get("value") for c in checked] == ["capital_project"]
    # each question of step 1 is asked once: one name field, one set of kinds, as on the start
    names = [squash(e.text_content()) for e in step.all("//main//label | //main//legend")]
    assert names.count("Name of the proposal") == 1
    assert names.count("What kind of decision is it?") == 1
    assert labels(step, "decision_kind") == KINDS
    # and the questionnaire's step list counts step 1 as begun
    task_list = staff.get_page(f"/assessments/{assessment.id}")
    assert task_list.by_class("task-list__status")[0].text_content() == "In progress"


def test_the_text_beside_something_else_is_stored_with_the_kind(staff, session):
    response = start(staff, FULL, {"title": "Shared scooters pilot", "decision_kind": "other",
                                   "decision_kind_other": "A pilot agreement"})
    assert response.status == 302, response.error_summary
    assessment = session.exec(select(Assessment)).one()
    assert assessment.decision_kind == "other"
    assert assessment.other_texts == {"decision_kind": "A pilot agreement"}
    step = staff.get_page(f"/assessments/{assessment.id}/sections/about")
    assert step.one("//input[@name='decision_kind--other']").get("value") == "A pilot agreement"


def test_no_title_and_a_kind_not_offered_give_clear_errors_and_create_nothing(staff, session):
    response = start(staff, FULL, {"title": "", "decision_kind": "policy_maybe",
                                   "decision_kind_other": "kept"})
    assert response.status == 422
    assert response.error_summary == ["Enter an answer for “Name of the proposal”",
                                      "Select one of the options"]
    assert [a.get("href") for a in response.all("//div[@class='error-summary']//a")] == [
        "#title", "#decision_kind"]
    assert response.title.startswith("Error: ")
    assert response.one("//input[@name='decision_kind_other']").get("value") == "kept"
    assert session.exec(select(Assessment)).all() == []


def test_what_was_typed_stays_on_the_page_with_step_ones_own_rule(staff, session):
    response = start(staff, FULL, {"title": "Pool", "decision_kind": "program"})
    assert response.status == 422
    assert response.error_summary == ["Enter at least 5 characters"]  # min_length: 5
    assert response.one("//input[@name='title']").get("value") == "Pool"
    checked = response.all("//input[@name='decision_kind'][@checked]")
    assert [c.get("value") for c in checked] == ["program"]
    assert session.exec(select(Assessment)).all() == []


def test_problems_with_the_other_fields_come_with_the_questions_problems(staff, session):
    response = start(staff, RAPID, {"title": "", "decision_kind": "program", "language": "xx"})
    assert response.status == 422
    assert response.error_summary == ["Enter an answer for “Name of the decision”",
                                      "Not a valid choice."]
    assert session.exec(select(Assessment)).all() == []


def test_the_questions_are_asked_in_the_language_chosen(staff, session):
    response = start(staff, RAPID, {"title": "", "decision_kind": "program", "language": "es"})
    assert response.status == 422
    label = response.one("//label[@for='title']")
    assert (squash(label.text_content()), label.get("lang")) == ("Nombre de la decisión", "es")
    response = start(staff, RAPID, {"title": "Horario de verano", "decision_kind": "program",
                                    "language": "es"})
    assert response.status == 302
    assessment = session.exec(select(Assessment)).one()
    assert (assessment.language, assessment.answers["title"]) == ("es", "Horario de verano")


def test_a_questionnaire_without_its_own_kind_question_asks_the_tools_kinds(staff, session):
    page = staff.get_page(RAPID)
    assert squash(page.one("//label[@for='title']").text_content()) == "Name of the decision"
    assert labels(page, "decision_kind")[:2] == ["Policy", "Program"]
    response = start(staff, RAPID, {"title": "Summer library hours", "decision_kind": "budget"})
    assert response.status == 302
    assessment = session.exec(select(Assessment)).one()
    assert assessment.decision_kind == "budget"
    assert "decision_kind" not in assessment.answers  # the rapid check has no such question


def test_without_start_the_start_page_keeps_its_own_fields(app, staff, session, tmp_path):
    folder = Path(app.config["EQUITY_TOOL_QUESTIONNAIRES"])
    for path in folder.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    rapid = tmp_path / "rapid-equity-check.yaml"
    text, count = re.subn(r"\nstart:\n  title: title\n", "\n", rapid.read_text())
    assert count == 1
    rapid.write_text(text)
    registry = app.extensions["equity_tool.registry"]
    registry.folder = tmp_path
    registry.refresh(force=True)

    page = staff.get_page(RAPID)
    assert squash(page.one("//label[@for='title']").text_content()) == "Title of the assessment"
    response = start(staff, RAPID, {"title": "", "decision_kind": "program"})
    assert response.error_summary == ["Enter a title for the assessment"]
    response = start(staff, RAPID, {"title": "Bus", "decision_kind": "program"})
    assert response.status == 302
    assessment = session.exec(select(Assessment)).one()
    assert (assessment.title, assessment.answers) == ("Bus", {})


def test_changing_the_answers_in_step_one_changes_the_title_and_the_kind(session, people,
                                                                         full):
    staff = people["staff"]
    assessment = factories.start_assessment(session, author=staff, questionnaire=full,
                                            title="Eastside pool", decision_kind="program")
    assert (assessment.answers["title"], assessment.answers["decision_kind"]) == (
        "Eastside pool", "program")

    def save(answers):
        use_cases.save_answers(session, user=staff, assessment=assessment,
                               revision=assessment.revision, answers=answers, other_texts={},
                               questionnaire=full)
        session.expire_all()
        stored = session.get(Assessment, assessment.id)
        return stored.title, stored.decision_kind

    assert save({"title": " Eastside pool renovation ", "decision_kind": "capital_project"}) == (
        "Eastside pool renovation", "capital_project")
    # an emptied name or a kind not offered leaves them as they were (step 1 says what to fix)
    assert save({"title": "  ", "decision_kind": "bridge"}) == (
        "Eastside pool renovation", "capital_project")


def test_changing_the_name_in_step_one_renames_the_assessment(client, people, login, full):
    login(client, "ana@city.gov")
    page = client.get_page("/questionnaires/racial-equity-impact-assessment")
    kinds = [i.get("value") for i in page.all("//input[@name='decision_kind']")]
    started = client.submit(page, {"title": "Bus shelters", "decision_kind": kinds[0]})
    assert started.status == 302, started.error_summary
    task_list = started.location
    section = full.section_of("title").id
    step = client.get_page(f"{task_list}/sections/{section}")
    saved = client.submit(step, {"title": "Bus shelters on Ninth Street", "action": "save"},
                          form="//form[@id='section-form']")
    assert saved.status == 302
    assert client.get_page(task_list).h1.endswith("Bus shelters on Ninth Street")
