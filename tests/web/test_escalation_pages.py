"""Starting the full assessment from a rapid check whose flag asks for it, as people see it."""

from __future__ import annotations

import pytest

from equity_tool.assessments import escalation
from equity_tool.assessments.versions import store_version
from equity_tool.core.models import Assessment
from tests import factories

FULL_ID = "racial-equity-impact-assessment"


@pytest.fixture
def check(session, people, answered, rapid, full):
    store_version(session, full)
    session.commit()
    return answered(people["staff"], answers=factories.example_answers(rapid, example="escalates"),
                    title="Closing the Fifth Street drop-off")


def client_of(app, login, people, who="staff"):
    client = app.test_client()
    login(client, people[who].email)
    return client


def escalate_url(assessment) -> str:
    return f"/assessments/{assessment.id}/full-assessment/{FULL_ID}"


def test_the_flag_links_to_the_full_assessment_started_from_the_check(app, login, people,
                                                                      check):
    page = client_of(app, login, people).get_page(f"/assessments/{check.id}")
    link = page.one("//p[@class='flag__escalation']/a")
    assert link.get("href") == escalate_url(check)
    assert page.text("//p[@class='flag__escalation']").endswith(
        "start the full assessment with its answers filled in.")


def test_the_start_page_is_filled_in_from_the_check_and_lists_what_stays_behind(
        app, login, people, check):
    page = client_of(app, login, people).get_page(escalate_url(check))
    assert page.h1 == "Start the Racial equity impact assessment"
    assert page.one("//input[@name='title']").value == "Closing the Fifth Street drop-off"
    assert page.text("//*[@id='carried-count']") == "9 answers carry over."
    questions = [page.text(f"//table[@id='left-behind-preview']/tbody/tr[{n}]/th")
                 for n in (1, 2, 3)]
    assert questions[2] == "Who has been engaged about this decision, how, and what did they say?"


def test_starting_it_links_the_two_and_keeps_the_answers(app, login, people, check, session):
    client = client_of(app, login, people)
    started = client.submit(client.get_page(escalate_url(check)),
                            {"decision_kind": "capital_project"})
    assert started.status == 302
    full = session.get(Assessment, int(started.location.rsplit("/", 1)[1]))
    assert full.escalated_from_id == check.id
    assert full.answers["places"] == check.answers["places"]
    page = client.get_page(started.location)
    assert page.text("//*[@id='escalated-from']") == (
        "Started from the rapid check Closing the Fifth Street drop-off.")
    assert page.one("//*[@id='escalated-from']/a").get("href") == f"/assessments/{check.id}"
    assert page.text("//table[@id='left-behind']/tbody/tr[1]/td[1]") == "Don't know"
    assert page.text("//table[@id='left-behind']/tbody/tr[1]/td[3]") == (
        "the rapid check “Closing the Fifth Street drop-off”")
    back = client.get_page(f"/assessments/{check.id}")
    assert back.one("//*[@id='escalated-to']/a").get("href") == f"/assessments/{full.id}"
    # Asking again leads to the one already started.
    again = client.get(escalate_url(check))
    assert again.status_code == 302 and again.location == f"/assessments/{full.id}"


def test_a_start_without_a_kind_is_refused_keeping_what_was_typed(app, login, people, check):
    client = client_of(app, login, people)
    page = client.get_page(escalate_url(check))
    # The check's kind (a program) is offered by the full assessment too, so it comes chosen.
    assert page.one("//input[@name='decision_kind'][@checked]").value == "program"
    refused = client.submit(page, {"title": "Drop-off closure", "decision_kind": ""})
    assert refused.status == 422
    assert refused.error_summary == ["Select an answer for “What kind of decision is it?”"]
    assert refused.one("//input[@name='title']").value == "Drop-off closure"


def test_a_post_without_the_csrf_token_starts_nothing(app, login, people, check, session):
    client = client_of(app, login, people)
    response = client.post_page(escalate_url(check), {"title": "Drop-off closure",
                                                      "decision_kind": "policy"})
    assert response.status == 400
    assert escalation.existing(session, check, FULL_ID) is None


@pytest.mark.parametrize("who", ["director", "officer", "admin"])
def test_those_who_do_not_start_assessments_may_not_escalate(app, login, people, check, who):
    client = client_of(app, login, people, who)
    client.get_page(escalate_url(check), status=403)


def test_another_departments_staff_find_nothing(app, login, people, check):
    client_of(app, login, people, "other").get_page(escalate_url(check), status=404)


def test_a_check_that_asks_for_nothing_is_refused(app, login, people, answered, full, session):
    store_version(session, full)
    session.commit()
    calm = answered(people["staff"])
    page = client_of(app, login, people).get_page(escalate_url(calm), status=409)
    assert "does not ask for that assessment now" in page.text()
