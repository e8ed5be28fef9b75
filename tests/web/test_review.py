"""The equity officer's review and the department's answer to it, as people use them.

The tests marked `both_databases` run on PostgreSQL too (see tests/web/conftest.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from equity_tool.assessments import verdict
from equity_tool.core.models import Assessment, AssessmentEvent, utcnow
from equity_tool.review.workflow import Action
from tests import factories
from tests.conftest import squash

RETURN = "//form[@id='transition-return']"
APPROVE = "//form[@id='transition-approve']"
REOPEN = "//form[@id='transition-reopen']"


@pytest.fixture
def officer(client, people, login):
    login(client, "olu@city.gov")
    return client


def review_url(assessment) -> str:
    return f"/assessments/{assessment.id}/review"


START = "//form[@id='start-review']"


def start_review(client, assessment):
    """Open the review page, press "Start the review", and return the page it leads to."""
    response = client.submit(client.get_page(review_url(assessment)), {}, form=START)
    assert response.status == 302, response.error_summary
    return client.get_page(review_url(assessment))


def queue_titles(page) -> list[str]:
    return [squash(a.text_content()) for a in page.all("//table[@id='queue']/tbody/tr/td[1]/a")]


def comment(client, page, question_id: str, body: str):
    return client.submit(page, {"body": body}, form=f"//form[@id='comment-form-{question_id}']")


def waited(session, assessment: Assessment, days: int) -> None:
    """Pretend it was submitted `days` days ago."""
    assessment.submitted_at = utcnow() - timedelta(days=days, hours=1)
    session.add(assessment)
    session.commit()


def events(session, assessment_id: int, action: str | None = None) -> list[AssessmentEvent]:
    session.expire_all()
    query = select(AssessmentEvent).where(AssessmentEvent.assessment_id == assessment_id)
    if action:
        query = query.where(AssessmentEvent.action == action)
    return list(session.exec(query).all())


def state(session, assessment_id: int) -> str:
    session.expire_all()
    return session.get(Assessment, assessment_id).state


# --- the queue ----------------------------------------------------------------------------


def test_only_the_officer_opens_the_queue(client, people, login):
    for email in ("ana@city.gov", "dee@city.gov", "cam@city.gov"):
        login(client, email)
        assert client.get("/review").status_code == 403
    login(client, "olu@city.gov")
    assert client.get_page("/review").h1 == "Review queue"


@pytest.mark.both_databases
def test_the_queue_lists_the_longest_waiting_first_with_counts_and_filters(
        session, people, officer, make_user, answered, act, bring_to, rapid, full):
    oldest = bring_to(answered(people["staff"], title="Oldest rapid check"), "submitted")
    # The full assessment asks the department's director to sign off before the officer sees it.
    middle = answered(people["other"], full, title="Housing full assessment")
    act(people["other"], middle, Action.SUBMIT)
    act(make_user("hal@city.gov", role="director", department="Housing"), middle,
        Action.SIGN_OFF)
    newest = answered(people["staff"], title="Newest, serious concern",
                      answers=factories.example_answers(rapid, example="escalates"))
    newest.state = "submitted"  # incomplete, so put in the queue by hand, with its verdict
    verdict.record(session, newest, rapid)
    answered(people["staff"], title="Still a draft")
    waited(session, oldest, 20)
    waited(session, middle, 10)
    waited(session, newest, 1)
    factories.counted(session, newest)
    act(people["officer"], oldest, Action.START_REVIEW)

    page = officer.get_page("/review")
    assert queue_titles(page) == ["Oldest rapid check", "Housing full assessment",
                                  "Newest, serious concern"]
    assert page.text("//caption") == "3 assessments awaiting review, longest waiting first"
    assert page.text("//dl[contains(@class, 'queue-counts')]") == (
        "Submitted 2 Resubmitted 0 In review 1")
    first_row = [squash(td.text_content())
                 for td in page.all("//table[@id='queue']/tbody/tr[1]/td")]
    assert first_row[:5] + first_row[6:] == ["Oldest rapid check", "Transportation",
                                             "Rapid equity check", "Low concern", "In review",
                                             "20 days"]

    def titles(query: str) -> list[str]:
        return queue_titles(officer.get_page(f"/review?{query}"))

    housing = page.one("//select[@name='department']/option[.='Housing']").get("value")
    assert titles(f"department={housing}") == ["Housing full assessment"]
    assert titles("questionnaire=rapid-equity-check") == ["Oldest rapid check",
                                                         "Newest, serious concern"]
    assert titles("level=high") == ["Newest, serious concern"]
    assert titles("state=in+review") == ["Oldest rapid check"]
    assert titles("waiting=7") == ["Oldest rapid check", "Housing full assessment"]
    assert titles("waiting=14&questionnaire=rapid-equity-check") == ["Oldest rapid check"]
    filtered = officer.get_page("/review?state=submitted")
    assert filtered.one("//select[@name='state']/option[@selected]").text == "Submitted"
    # The counts follow the other filters, not the state chosen.
    assert filtered.text("//dl[contains(@class, 'queue-counts')]") == (
        "Submitted 2 Resubmitted 0 In review 1")


@pytest.mark.parametrize("query", ["department=banana", "department=99999", "level=%3Cb%3E",
                                   "state=approved", "waiting=3", "questionnaire=nope"])
def test_a_bad_filter_says_what_is_wrong_and_still_shows_the_queue(people, officer, answered,
                                                                   bring_to, query):
    bring_to(answered(people["staff"]), "submitted")
    page = officer.get_page(f"/review?{query}", status=400)
    assert len(page.error_summary) == 1 and "from the list" in page.error_summary[0]
    assert queue_titles(page) == ["Summer library hours"]


# --- the review page ----------------------------------------------------------------------


def test_opening_changes_nothing_and_start_the_review_starts_it_once(session, people, officer,
                                                                     answered, bring_to):
    assessment = bring_to(answered(people["staff"]), "submitted")
    page = officer.get_page(review_url(assessment))
    assert page.h1 == "Review: Summer library hours"
    assert "Submitted" in page.text("//main/p[1]")
    assert state(session, assessment.id) == "submitted"  # a GET (a link, a prefetch) is harmless
    assert page.all(f"{RETURN}//button") == []  # nothing to decide before the review starts
    started = officer.submit(page, {}, form=START)
    assert started.status == 302 and started.location.endswith(review_url(assessment))
    opened = page
    page = officer.get_page(review_url(assessment))
    assert "In review" in page.text("//main/p[1]")
    assert "You started the review of “Summer library hours”." in page.text()
    again = officer.submit(opened, {}, form=START)  # pressed twice, or by a second officer
    assert again.status == 409  # and nothing more happens
    assert state(session, assessment.id) == "in review"
    assert len(events(session, assessment.id, "started the review of")) == 1
    answer = page.text("//div[@id='q-decision_summary']")
    assert "Open the Eastside, Riverbend and Lowell Park branch libraries" in answer
    guidance = page.text("//div[@id='q-benefits_burdens']//details")
    assert guidance.startswith("Review guidance Check the ratings against the evidence given.")
    assert "Low concern" in page.text("//aside")
    assert page.all(f"{RETURN}//button") and page.all(f"{APPROVE}//button")


@pytest.mark.both_databases
def test_the_review_page_is_the_officers_and_unknown_ids_are_not_found(
        session, people, client, login, answered, bring_to):
    assessment = bring_to(answered(people["staff"]), "submitted")
    login(client, "ana@city.gov")
    assert client.get(review_url(assessment)).status_code == 403
    login(client, "olu@city.gov")
    assert client.get(f"/assessments/{assessment.id + 100}/review").status_code == 404
    assert client.get("/assessments/99999999999999/review").status_code == 404
    assert state(session, assessment.id) == "submitted"  # nobody opened it for review


def test_returning_needs_a_comment_or_a_step_that_needs_changes(session, people, officer,
                                                                answered, bring_to):
    assessment = bring_to(answered(people["staff"]), "in review")
    page = officer.get_page(review_url(assessment))
    response = officer.submit(page, {"note": "Please look again."}, form=RETURN)
    assert response.status == 409
    assert response.error_summary == [
        "To return the assessment, comment on at least one answer or mark a step as needing "
        "changes."]
    assert state(session, assessment.id) == "in review"
    assert events(session, assessment.id, "returned") == []

    response = officer.submit(page, {"verdict": "needs changes"},
                              form="//form[@id='verdict-form-people_places']")
    assert response.status == 302
    page = officer.get_page(review_url(assessment))
    checked = page.one("//form[@id='verdict-form-people_places']//input[@checked]")
    assert checked.get("value") == "needs changes"
    assert officer.submit(page, {}, form=RETURN).status == 302
    assert state(session, assessment.id) == "returned"


def test_an_empty_comment_is_refused_with_a_link_to_its_field(people, officer, answered,
                                                              bring_to):
    assessment = bring_to(answered(people["staff"]), "in review")
    page = officer.get_page(review_url(assessment))
    response = comment(officer, page, "places", "   ")
    assert response.status == 409
    assert response.error_summary == ["Write the comment before adding it."]
    assert response.one("//div[@class='error-summary']//a").get("href") == "#comment-places"


# --- the round trip -----------------------------------------------------------------------


@pytest.mark.both_databases
def test_comment_return_reply_resubmit_and_approve(session, people, client, login, answered,
                                                   bring_to):
    assessment = bring_to(answered(people["staff"]), "submitted")
    login(client, "olu@city.gov")
    page = start_review(client, assessment)
    assert comment(client, page, "estimated_cost", "Where does the $85,000 come from?"
                   ).location.endswith("#q-estimated_cost")
    page = client.get_page(review_url(assessment))
    assert "Where does the $85,000 come from?" in page.text("//div[@id='q-estimated_cost']")
    assert client.submit(page, {"note": "One question on the cost."}, form=RETURN).status == 302

    # The department opens the assessment on the officer's comment, linked to its step.
    login(client, "ana@city.gov")
    task_list = client.get_page(f"/assessments/{assessment.id}")
    summary = task_list.one("//section[@id='officer-comments']")
    assert "Estimated cost: Where does the $85,000 come from?" in squash(summary.text_content())
    link = summary.xpath(".//li/a")[0].get("href")
    assert link == f"/assessments/{assessment.id}/sections/decision#q-estimated_cost"

    comments = client.get_page(f"/assessments/{assessment.id}/comments")
    comment_id = int(comments.one("//div[contains(@class, 'comment')]").get("id").split("-")[1])
    assert "Not addressed yet" in comments.text(f"//div[@id='comment-{comment_id}']")
    response = client.submit(comments, {"body": "It is the library budget line 4.",
                                        "addressed": "yes"},
                             form=f"//form[@id='reply-form-{comment_id}']")
    assert response.status == 302
    comments = client.get_page(f"/assessments/{assessment.id}/comments")
    shown = comments.text(f"//div[@id='comment-{comment_id}']")
    assert "Addressed by Ana Staff" in shown and "It is the library budget line 4." in shown

    step = client.get_page(link.split("#")[0])
    assert client.submit(step, {"estimated_cost": "90000", "action": "save"},
                         form="//form[@id='section-form']").status == 302
    check = client.get_page(f"/assessments/{assessment.id}/check")
    assert client.submit(check, {}, form="//form[contains(@action, '/submit')]").status == 302
    assert state(session, assessment.id) == "resubmitted"

    # The officer sees what changed, answer by answer, and that the comment was addressed.
    login(client, "olu@city.gov")
    page = start_review(client, assessment)
    changes = page.one("//section[@id='changes']/dl[@class='changes']")
    assert [squash(dt.text_content()) for dt in changes.xpath(".//dt")] == ["Estimated cost"]
    assert [squash(e.text_content()) for e in changes.xpath(".//del | .//ins")] == [
        "deleted: 85,000", "inserted: 90,000"]
    assert page.text("//ul[@class='comment-outcomes']") == "Estimated cost: Addressed (1 reply)"

    response = client.submit(page, {"conditions": "Report evening visits by September."},
                             form=APPROVE)
    assert response.status == 302 and response.location.endswith("/review")
    assert state(session, assessment.id) == "approved"
    assert session.get(Assessment, assessment.id).conditions == (
        "Report evening visits by September.")

    login(client, "ana@city.gov")
    task_list = client.get_page(f"/assessments/{assessment.id}")
    assert "Report evening visits by September." in task_list.text()
    assert task_list.all("//form[starts-with(@id, 'transition-')]") == []  # nothing left to do


# --- stale, repeated and forged decisions -------------------------------------------------


def test_a_double_click_leaves_exactly_one_transition(session, people, officer, answered,
                                                      bring_to):
    assessment = bring_to(answered(people["staff"]), "in review")
    page = officer.get_page(review_url(assessment))
    comment(officer, page, "places", "Name the streets.")
    page = officer.get_page(review_url(assessment))
    assert officer.submit(page, {}, form=RETURN).status == 302
    again = officer.submit(page, {}, form=RETURN)  # the same form, sent a second time
    assert again.status == 409
    assert "changed since you opened the page" in again.text()
    assert len(events(session, assessment.id, "returned")) == 1
    assert state(session, assessment.id) == "returned"


def test_two_officers_approving_at_once_leave_one_approval(app, session, people, officer,
                                                           make_user, login, answered, bring_to):
    assessment = bring_to(answered(people["staff"]), "in review")
    page = officer.get_page(review_url(assessment))
    make_user("ola@city.gov", role="officer", department=None, name="Ola Officer")
    other = app.test_client()
    login(other, "ola@city.gov")
    second = other.get_page(review_url(assessment))  # both pages show it in review
    assert officer.submit(page, {}, form=APPROVE).status == 302
    response = other.submit(second, {}, form=APPROVE)
    assert response.status == 409
    assert "changed since you opened the page" in response.text()
    assert len(events(session, assessment.id, "approved")) == 1


def test_reopening_an_approved_assessment_needs_a_reason(session, people, officer, answered,
                                                         bring_to):
    assessment = bring_to(answered(people["staff"]), "approved")
    page = officer.get_page(review_url(assessment))
    response = officer.submit(page, {"note": "  "}, form=REOPEN)
    assert response.status == 409
    assert response.error_summary == ["Give a reason to reopen this assessment."]
    assert state(session, assessment.id) == "approved"
    response = officer.submit(page, {"note": "The council asked about the cost."}, form=REOPEN)
    assert response.status == 302
    assert state(session, assessment.id) == "in review"
    [reopened] = events(session, assessment.id, "reopened")
    assert reopened.note == "The council asked about the cost."


def test_another_departments_staff_cannot_post_for_an_assessment(session, people, client,
                                                                  login, answered, bring_to):
    assessment = bring_to(answered(people["staff"]), "in review")
    login(client, "olu@city.gov")
    comment(client, client.get_page(review_url(assessment)), "places", "Name the streets.")
    client.submit(client.get_page(review_url(assessment)), {}, form=RETURN)
    login(client, "ana@city.gov")
    comments = client.get_page(f"/assessments/{assessment.id}/comments")
    reply_form = comments.one("//form[starts-with(@id, 'reply-form-')]")

    login(client, "pat@city.gov")  # staff of Housing, the same browser
    token = client.get_page("/").one("//input[@name='csrf_token']").get("value")
    base = f"/assessments/{assessment.id}"
    for url, data in [
        (f"{base}/transitions", {"action": "withdraw", "expected_state": "returned",
                                 "note": "Not ours"}),
        (f"{base}/comments", {"question_id": "places", "body": "Forged"}),
        (reply_form.get("action"), {"body": "Forged", "addressed": "yes"}),
        (f"{base}/verdicts", {"section_id": "decision", "verdict": "acceptable"}),
    ]:
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 404, url
    for url in (base, f"{base}/comments", f"{base}/history", f"{base}/review"):
        assert client.get(url).status_code in (403, 404), url
    assert state(session, assessment.id) == "returned"
    assert events(session, assessment.id, "withdrew") == []


def test_a_forged_action_or_state_is_a_bad_request(session, people, officer, answered,
                                                    bring_to):
    assessment = bring_to(answered(people["staff"]), "in review")
    page = officer.get_page(review_url(assessment))
    for data in ({"action": "explode"}, {"expected_state": "sideways"}, {"action": "submit"}):
        assert officer.submit(page, data, form=APPROVE).status == 400
    assert state(session, assessment.id) == "in review"


# --- who sees what ------------------------------------------------------------------------


def test_councillors_see_approved_assessments_only_and_read_only(session, people, client,
                                                                 login, answered, bring_to):
    in_review = bring_to(answered(people["staff"], title="Still in review"), "in review")
    approved = bring_to(answered(people["staff"], title="Approved already"), "approved",
                        conditions="Report yearly.")
    login(client, "cam@city.gov")
    assert client.get(f"/assessments/{in_review.id}").status_code == 404
    assert client.get(f"/assessments/{in_review.id}/history").status_code == 404
    page = client.get_page(f"/assessments/{approved.id}")
    assert "Report yearly." in page.text()
    assert page.all("//main//form") == []
    assert client.get_page(f"/assessments/{approved.id}/history").h1 == "History"
    assert client.get("/review").status_code == 403
    token = client.get_page("/").one("//input[@name='csrf_token']").get("value")
    response = client.post(f"/assessments/{approved.id}/transitions",
                           data={"action": "reopen", "expected_state": "approved",
                                 "note": "Why?", "csrf_token": token})
    assert response.status_code == 409
    assert state(session, approved.id) == "approved"


def test_the_director_signs_off_or_sends_back_from_the_check_page(session, people, client,
                                                                  login, answered, bring_to,
                                                                  full):
    assessment = bring_to(answered(people["staff"], full), "awaiting sign-off")
    assert state(session, assessment.id) == "awaiting sign-off"
    login(client, "ana@city.gov")
    forms = client.get_page(f"/assessments/{assessment.id}").all(
        "//form[starts-with(@id, 'transition-')]/@id")
    assert forms == ["transition-withdraw"]

    login(client, "dee@city.gov")
    check = client.get_page(f"/assessments/{assessment.id}/check")
    assert check.all("//form[starts-with(@id, 'transition-')]/@id") == [
        "transition-sign-off", "transition-send-back"]
    refused = client.submit(check, {"note": ""}, form="//form[@id='transition-send-back']")
    assert refused.status == 409
    assert refused.error_summary == ["Give a reason to send back this assessment."]
    response = client.submit(check, {}, form="//form[@id='transition-sign-off']")
    assert response.status == 302 and response.location.endswith(f"/assessments/{assessment.id}")
    assert state(session, assessment.id) == "submitted"
    page = client.get_page(response.location)
    assert "You signed off “Summer library hours”." in page.text()


def test_staff_withdraw_with_a_reason(session, people, client, login, answered, bring_to):
    assessment = bring_to(answered(people["staff"]), "submitted")
    login(client, "ana@city.gov")
    page = client.get_page(f"/assessments/{assessment.id}")
    form = "//form[@id='transition-withdraw']"
    assert client.submit(page, {"note": ""}, form=form).status == 409
    assert client.submit(page, {"note": "The council dropped the plan."}, form=form).status == 302
    assert state(session, assessment.id) == "withdrawn"


# --- history ------------------------------------------------------------------------------


def test_the_history_lists_transitions_and_answer_changes_newest_first(people, client, login,
                                                                       answered, act):
    login(client, "ana@city.gov")
    assessment = answered(people["staff"])
    step = client.get_page(f"/assessments/{assessment.id}/sections/decision")
    client.submit(step, {"estimated_cost": "90000", "action": "save"},
                  form="//form[@id='section-form']")
    act(people["staff"], assessment, Action.SUBMIT)
    act(people["officer"], assessment, Action.START_REVIEW)
    act(people["officer"], assessment, Action.APPROVE)
    act(people["officer"], assessment, Action.REOPEN, note="A second look.")

    page = client.get_page(f"/assessments/{assessment.id}/history")
    rows = [[squash(td.text_content()) for td in tr.xpath("td")][1:]
            for tr in page.all("//table[@id='history']/tbody/tr")]
    assert rows == [
        ["Olu Officer", "Reopened: approved → in review", "A second look."],
        ["Olu Officer", "Approved: in review → approved", ""],
        ["Olu Officer", "Review started: submitted → in review", ""],
        ["Ana Staff", "Submitted: draft → submitted", ""],
        ["Ana Staff", "Changed “Estimated cost”", "85,000 USD → 90,000 USD"],
        ["Ana Staff", "Started: draft", ""],
    ]


def test_a_verdict_without_a_choice_says_what_to_do(people, officer, answered, bring_to):
    assessment = bring_to(answered(people["staff"]), "in review")
    page = officer.get_page(review_url(assessment))
    response = officer.submit(page, {}, form="//form[@id='verdict-form-decision']")
    assert response.status == 422
    assert response.error_summary == ["Choose whether the step is acceptable or needs changes."]
    assert response.all("//input[@id='verdict-decision-1']")


def test_the_new_pages_have_unique_ids_and_labelled_fields(people, client, login, answered,
                                                           bring_to):
    assessment = bring_to(answered(people["staff"]), "in review")
    login(client, "olu@city.gov")
    comment(client, client.get_page(review_url(assessment)), "places", "Name the streets.")
    client.submit(client.get_page(review_url(assessment)), {}, form=RETURN)
    base = f"/assessments/{assessment.id}"
    pages = [client.get_page(url) for url in ("/review", f"{base}/review", f"{base}/history",
                                              "/notifications")]
    login(client, "ana@city.gov")
    pages += [client.get_page(url) for url in (base, f"{base}/comments", f"{base}/check")]
    for page in pages:
        ids = page.all("//@id")
        assert len(ids) == len(set(ids)), page.title
        fields = "//main//textarea | //main//select | //main//input[not(@type='hidden')]"
        for field in page.all(fields):
            assert page.all(f"//label[@for='{field.get('id')}']"), (page.title, field.get("name"))
