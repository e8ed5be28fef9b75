"""The wizard as a person uses it without JavaScript: start, steps, check answers, submit.

The tests marked `both_databases` run on PostgreSQL too (see tests/web/conftest.py).
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from equity_tool.core.models import AnswerChange, Assessment, AssessmentEvent, QuestionnaireVersion

RAPID = "/questionnaires/rapid-equity-check"
STEP_ONE = {
    "title": "Summer library hours",
    "decision_summary": "Open three branches until 8 p.m. in summer.",
    "estimated_cost": "85,000",
    "changes_ordinance": "no",
}


@pytest.fixture
def staff(client, people, login):
    login(client, people["staff"].email)
    return client


def start(client, title="Summer library hours") -> int:
    page = client.get_page(RAPID)
    response = client.submit(page, {"title": title, "decision_kind": "program",
                                    "language": "en"})
    assert response.status == 302, response.error_summary
    return int(response.location.rsplit("/", 1)[1])


def step_url(assessment_id: int, section: str) -> str:
    return f"/assessments/{assessment_id}/sections/{section}"


def save_step(client, assessment_id, section, answers, action="continue"):
    page = client.get_page(step_url(assessment_id, section))
    return client.submit(page, {**answers, "action": action}, form="//form[@id='section-form']")


def test_the_start_page_describes_the_questionnaire(staff):
    page = staff.get_page(RAPID)
    assert page.h1 == "Rapid equity check"
    assert "GARE" in page.text() and "minutes" in page.text()
    steps = [item.text_content() for item in page.all("//ol[@class='step-list']/li")]
    assert steps == ["The decision", "Who is affected", "Engagement and consequences"]


def test_starting_pins_the_assessment_to_the_questionnaire_version(staff, session):
    assessment_id = start(staff)
    assessment = session.get(Assessment, assessment_id)
    assert (assessment.questionnaire_id, assessment.questionnaire_version) == (
        "rapid-equity-check", "2026.2")
    stored = session.exec(select(QuestionnaireVersion)).all()
    assert {(v.questionnaire_id, v.version) for v in stored} >= {("rapid-equity-check", "2026.2")}
    page = staff.get_page(f"/assessments/{assessment_id}")
    statuses = [s.text_content() for s in page.by_class("task-list__status")]
    assert statuses == ["In progress", "Not started", "Not started"]  # the title is answered
    events = session.exec(select(AssessmentEvent)).all()
    assert [(e.action, e.to_state) for e in events] == [("started", "draft")]


def test_starting_without_a_title_shows_the_problem_and_creates_nothing(staff, session):
    page = staff.get_page(RAPID)
    response = staff.submit(page, {"title": "", "decision_kind": "program"})
    assert response.status == 422
    # asked with step 1's own question (the questionnaire's `start`)
    assert response.error_summary == ["Enter an answer for “Name of the decision”"]
    assert session.exec(select(Assessment)).all() == []


def test_only_staff_start_assessments(client, people, login):
    login(client, people["officer"].email)
    page = client.get_page(RAPID)
    assert "Start assessment" not in page.text()
    token = page.all("//input[@name='csrf_token']")[0].get("value")
    response = client.post(RAPID, data={"csrf_token": token, "title": "X",
                                        "decision_kind": "policy"})
    assert response.status_code == 403


def test_a_step_page_shows_labels_optional_marks_and_safe_markdown(staff):
    assessment_id = start(staff)
    page = staff.get_page(step_url(assessment_id, "decision"))
    assert page.h1 == "The decision"
    labels = [" ".join(e.text_content().split()) for e in page.all("//main//label[@for]")]
    assert "Estimated cost (optional)" in labels
    assert "Name of the decision" in labels  # required questions carry no mark
    assert page.one("//input[@name='revision']").get("value") == "0"


def test_missing_answers_give_an_error_summary_linking_to_each_field(staff):
    assessment_id = start(staff)
    response = save_step(staff, assessment_id, "decision",
                         {"title": "Kept title", "decision_summary": ""})
    assert response.status == 422
    assert response.text("//div[@class='error-summary']//h2") == "There is a problem"
    links = [a.get("href") for a in response.all("//div[@class='error-summary']//a")]
    assert links == ["#q-decision_summary", "#q-changes_ordinance"]
    for href in links:  # each link leads to a field on the page
        assert response.all(f"//*[@id='{href[1:]}']")
    assert response.one("//input[@name='title']").get("value") == "Kept title"
    assert response.title.startswith("Error: ")


def test_an_invalid_answer_is_kept_on_screen_with_what_to_enter(staff, session):
    assessment_id = start(staff)
    response = save_step(staff, assessment_id, "decision", {**STEP_ONE,
                                                            "estimated_cost": "lots"})
    assert response.status == 422
    assert response.error_summary == ["Enter a number, like 25 or 1500.50"]
    assert response.one("//input[@name='estimated_cost']").get("value") == "lots"
    assert session.get(Assessment, assessment_id).answers["estimated_cost"] == "lots"


@pytest.mark.both_databases
def test_save_and_continue_goes_to_the_next_step_and_updates_the_task_list(staff, session):
    assessment_id = start(staff)
    response = save_step(staff, assessment_id, "decision", STEP_ONE)
    assert response.status == 302
    assert response.location.endswith(step_url(assessment_id, "people_places"))
    answers = session.get(Assessment, assessment_id).answers
    assert answers["estimated_cost"] == 85000 and answers["changes_ordinance"] == "no"
    page = staff.get_page(f"/assessments/{assessment_id}")
    statuses = [s.text_content() for s in page.by_class("task-list__status")]
    assert statuses == ["Completed", "Not started", "Not started"]
    changes = session.exec(select(AnswerChange).where(
        AnswerChange.assessment_id == assessment_id)).all()
    assert {c.question_id for c in changes} == set(STEP_ONE) - {"title"}  # given at the start


def test_save_and_return_goes_to_the_task_list(staff):
    assessment_id = start(staff)
    response = save_step(staff, assessment_id, "decision", {"title": "Only the title"},
                         action="save")
    assert response.status == 302 and response.location.endswith(f"/assessments/{assessment_id}")
    page = staff.get_page(f"/assessments/{assessment_id}")
    assert page.by_class("task-list__status")[0].text_content() == "In progress"


@pytest.mark.both_databases
def test_a_stale_save_is_refused_and_keeps_what_was_typed(staff, session):
    assessment_id = start(staff)
    first_tab = staff.get_page(step_url(assessment_id, "decision"))
    second_tab = staff.get_page(step_url(assessment_id, "decision"))
    form = "//form[@id='section-form']"
    assert staff.submit(first_tab, {**STEP_ONE, "action": "save"}, form=form).status == 302
    response = staff.submit(second_tab, {"title": "Typed in the second tab", "action": "save"},
                            form=form)
    assert response.status == 409
    assert "was changed in another tab or window since you opened this page" in response.text()
    assert response.one("//input[@name='title']").get("value") == "Typed in the second tab"
    session.expire_all()
    assert session.get(Assessment, assessment_id).answers["title"] == STEP_ONE["title"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"surprise": "x"}, "The form sent a field this page does not have: 'surprise'"),
        ({"action": "drop-tables"}, "The button 'drop-tables' is not on this page."),
        ({"title": ["a", "b"]}, "The field 'title' was sent more than once."),
        ({"decision_summary": "x" * 100_001}, "is too long"),
    ],
)
def test_a_tampered_post_is_refused_and_changes_nothing(staff, session, extra, message):
    assessment_id = start(staff)
    page = staff.get_page(step_url(assessment_id, "decision"))
    response = staff.submit(page, {**STEP_ONE, **extra}, form="//form[@id='section-form']")
    assert response.status == 400
    assert message in response.text()
    session.expire_all()
    assert session.get(Assessment, assessment_id).revision == 0


def test_a_post_without_the_csrf_token_changes_nothing(staff, session, app):
    assessment_id = start(staff)
    app.config["WTF_CSRF_ENABLED"] = True
    response = staff.post(step_url(assessment_id, "decision"),
                          data={**STEP_ONE, "revision": "0"})
    assert response.status_code == 400
    assert session.get(Assessment, assessment_id).revision == 0


@pytest.mark.both_databases
def test_made_up_and_foreign_ids_are_not_found(staff, client, people, login):
    assessment_id = start(staff)
    assert staff.get(f"/assessments/{assessment_id + 100}").status_code == 404
    assert staff.get("/assessments/99999999999999").status_code == 404
    assert staff.get(step_url(assessment_id, "no_such_step")).status_code == 404
    assert staff.get("/questionnaires/no-such-questionnaire").status_code == 404
    login(client, people["other"].email)  # the same client, now another department's staff
    assert client.get(f"/assessments/{assessment_id}").status_code == 404
    assert client.get(step_url(assessment_id, "decision")).status_code == 404


def test_a_hidden_answer_is_kept(staff, session):
    assessment_id = start(staff)
    save_step(staff, assessment_id, "decision", STEP_ONE)
    answers = {"groups": ["black", "white"], "places": "Eastside",
               "benefits_burdens--black--benefit": "2", "benefits_burdens--black--burden": "1",
               "benefits_burdens--white--benefit": "1", "benefits_burdens--white--burden": "0",
               "worsens_disparity": "no", "disparity_evidence": "Library card data."}
    assert save_step(staff, assessment_id, "people_places", answers).status == 302
    rows = session.get(Assessment, assessment_id).answers["benefits_burdens"]
    assert [(r["row"], r["benefit"], r["burden"]) for r in rows] == [
        ("black", 2, 1), ("white", 1, 0)]
    # Unpicking a group keeps its row: picking it again brings the ratings back.
    answers["groups"] = ["black"]
    page = staff.get_page(step_url(assessment_id, "people_places"))
    staff.submit(page, {**answers, "action": "save"}, form="//form[@id='section-form']")
    session.expire_all()
    rows = session.get(Assessment, assessment_id).answers["benefits_burdens"]
    assert [r["row"] for r in rows] == ["black", "white"]
    page = staff.get_page(step_url(assessment_id, "people_places"))
    row_headers = [" ".join(th.text_content().split())
                   for th in page.all("//table//tbody//th[@scope='row']")]
    assert row_headers == ["Black or African American"]


def test_table_rows_are_added_and_removed_without_javascript(staff, session):
    assessment_id = start(staff)
    url = step_url(assessment_id, "engagement_consequences")
    page = staff.get_page(url)
    assert page.one("//input[@name='unintended_consequences--rows']").get("value") == "1"
    added = staff.submit(page, {"unintended_consequences--0--what": "Fewer evening buses",
                                "action": "add-row--unintended_consequences"},
                         form="//form[@id='section-form']")
    # Post/Redirect/Get, back to the table: refreshing the page does not add another row
    assert added.status == 302
    assert added.location.endswith(f"{url}#q-unintended_consequences")
    page = staff.get_page(url)
    assert page.one("//input[@name='unintended_consequences--rows']").get("value") == "2"
    assert page.one("//input[@name='unintended_consequences--0--what']").get("value") == (
        "Fewer evening buses")
    removed = staff.submit(page, {"action": "remove-row--unintended_consequences--0"},
                           form="//form[@id='section-form']")
    page = staff.get_page(removed.location.split("#")[0])
    assert page.one("//input[@name='unintended_consequences--rows']").get("value") == "1"
    assert page.one("//input[@name='unintended_consequences--0--what']").get("value") == ""


@pytest.mark.both_databases
def test_autosave_answers_with_the_new_revision_and_what_changed(staff, session):
    assessment_id = start(staff)
    page = staff.get_page(step_url(assessment_id, "people_places"))
    token = page.one("//form[@id='section-form']//input[@name='csrf_token']").get("value")
    url = step_url(assessment_id, "people_places") + "/autosave"
    response = staff.post_page(url, {"csrf_token": token, "revision": "0",
                                     "groups": ["black"], "places": "Eastside",
                                     "benefits_burdens--black--benefit": "3"},
                               headers={"HX-Request": "true"})
    assert response.status == 200
    assert response.one("//input[@id='revision']").get("value") == "1"
    assert response.text("//p[@id='save-status']").startswith("Saved at ")
    # the rows_from table comes back with a row for the group just picked
    assert response.all("//div[@id='question-benefits_burdens']//tbody/tr")
    assert session.get(Assessment, assessment_id).answers["places"] == "Eastside"
    stale = staff.post_page(url, {"csrf_token": token, "revision": "0", "places": "Old"},
                            headers={"HX-Request": "true"})
    assert stale.status == 409
    assert stale.text("//p[@id='save-status']").startswith("Not saved.")


def test_check_answers_and_submit(staff, session):
    assessment_id = start(staff)
    check = staff.get_page(f"/assessments/{assessment_id}/check")
    assert check.h1 == "Check your answers"
    refused = staff.submit(check, {}, form="//form[contains(@action, '/submit')]")
    assert refused.status == 422
    # the title was answered on the start page; the step's next question is the first missing
    assert refused.error_summary[0] == ("Enter an answer for “What is being decided, and what "
                                        "result should it bring for the community?”")
    href = refused.all("//div[@class='error-summary']//a")[0].get("href")
    assert href == step_url(assessment_id, "decision") + "#q-decision_summary"
    _fill_in_everything(staff, assessment_id)
    check = staff.get_page(f"/assessments/{assessment_id}/check")
    assert "Summer library hours" in check.text()
    assert check.all("//a[starts-with(normalize-space(.), 'Change')]")
    done = staff.submit(check, {}, form="//form[contains(@action, '/submit')]")
    assert done.status == 302
    assert staff.get_page(done.location).h1 == "Assessment submitted"
    session.expire_all()
    assert session.get(Assessment, assessment_id).state == "submitted"
    # read-only for the department from now on
    step = staff.get(step_url(assessment_id, "decision"))
    assert step.status_code == 302 and step.location.endswith("/check")
    token = check.all("//input[@name='csrf_token']")[0].get("value")
    post = staff.post(step_url(assessment_id, "decision"),
                      data={**STEP_ONE, "csrf_token": token, "revision": "1"})
    assert post.status_code == 403


def _fill_in_everything(client, assessment_id):
    assert save_step(client, assessment_id, "decision", STEP_ONE).status == 302
    people = {"groups": ["black"], "places": "Eastside",
              "benefits_burdens--black--benefit": "2", "benefits_burdens--black--burden": "0",
              "worsens_disparity": "no", "disparity_evidence": "Library card data."}
    assert save_step(client, assessment_id, "people_places", people).status == 302
    engagement = {"engagement_summary": "Surveyed 140 users.",
                  "access_and_language": "Notices in three languages."}
    response = save_step(client, assessment_id, "engagement_consequences", engagement)
    assert response.status == 302, response.error_summary


def test_the_home_page_lists_the_departments_assessments(staff):
    assessment_id = start(staff, title="Bus shelters")
    page = staff.get_page("/")
    row = page.one(f"//tr[.//a[contains(@href, '/assessments/{assessment_id}')]]")
    text = " ".join(row.text_content().split())
    assert "Bus shelters" in text and "Rapid equity check" in text and "Draft" in text


def test_a_colleagues_save_is_named_in_the_refusal(staff, app, people, login):
    assessment_id = start(staff)
    mine = staff.get_page(step_url(assessment_id, "decision"))
    colleague = app.test_client()
    login(colleague, people["coauthor"].email)
    theirs = colleague.get_page(step_url(assessment_id, "decision"))
    form = "//form[@id='section-form']"
    assert colleague.submit(theirs, {**STEP_ONE, "action": "save"}, form=form).status == 302
    response = staff.submit(mine, {"title": "Mine", "action": "save"}, form=form)
    assert response.status == 409
    assert "was changed by Bo Colleague since you opened this page" in response.text()
