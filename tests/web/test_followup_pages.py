"""Follow-up pages as people read them: the assessment's follow-up, an item with its history
and progress form, the department's items, and what is due on the staff home."""

from __future__ import annotations

import datetime as dt

import pytest

from equity_tool.core.models import FollowUpItem
from equity_tool.core.paging import PAGE_SIZE
from equity_tool.followup import lists, reminders
from equity_tool.web.views import followup as followup_views
from tests import factories

pytestmark = pytest.mark.usefixtures("people")
TODAY = dt.date(2027, 5, 10)  # the first action (due 30 April 2027) is overdue


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(followup_views, "city_today", lambda: TODAY)


@pytest.fixture
def approved(people, answered, bring_to, full):
    return bring_to(answered(people["staff"], full, title="Eastside pool"), "approved")


def item_titled(session, assessment, title) -> FollowUpItem:
    return next(i for i in lists.assessment_items(session, assessment.id) if i.title == title)


def client_of(app, login, people, who):
    client = app.test_client()
    login(client, people[who].email)
    return client


def item_url(item) -> str:
    return f"/assessments/{item.assessment_id}/follow-up/{item.id}"


def test_the_follow_up_page_lists_actions_and_measures(app, login, people, approved):
    client = client_of(app, login, people, "staff")
    task_list = client.get_page(f"/assessments/{approved.id}")
    link = task_list.one("//a[@id='follow-up-link']")
    page = client.get_page(link.get("href"))
    assert page.h1 == "Follow-up"
    assert "Next review 30 June 2029" in page.text()
    actions, measures = page.all("//table")
    assert [" ".join(r.text_content().split()) for r in actions.xpath(".//tbody/tr")] == [
        "Award the construction contract Commitment Not started 30 April 2027 Overdue "
        "No progress recorded yet",
        "Start the Northside shuttle and women-only hours Commitment Not started "
        "1 September 2027 No progress recorded yet",
        "Reopen the pool with free lessons Commitment Not started 1 June 2028 "
        "No progress recorded yet",
    ]
    assert len(measures.xpath(".//tbody/tr")) == 2


def test_there_is_no_follow_up_before_approval(app, login, people, answered, bring_to, full):
    draft = bring_to(answered(people["staff"], full), "in review")
    client = client_of(app, login, people, "staff")
    assert not client.get_page(f"/assessments/{draft.id}").all("//a[@id='follow-up-link']")
    client.get_page(f"/assessments/{draft.id}/follow-up", status=404)


@pytest.mark.both_databases
def test_staff_record_progress_and_see_it_first_in_the_history(app, login, people, approved,
                                                               session):
    item = item_titled(session, approved, "Eastside children completing eight lessons")
    client = client_of(app, login, people, "staff")
    page = client.get_page(item_url(item))
    assert page.h1 == "Eastside children completing eight lessons"
    response = client.submit(page, {"status": "at risk", "note": "Only **40** so far.",
                                    "value": "40", "happened_on": "2027-05-01"},
                             form="//form[@id='progress-form']")
    assert response.status == 302 and response.location.endswith("#history")
    page = client.get_page(item_url(item))
    assert "Your progress was recorded." in page.text()
    first = page.all("//table[@id='history']/tbody/tr")[0]
    when, who, what, note = (" ".join(td.text_content().split()) for td in first.xpath("td"))
    assert when.startswith("1 May 2027")
    assert (who, what, note) == ("Ana Staff", "Progress: At riskValue: 40", "Only 40 so far.")
    assert first.xpath(".//strong[text()='40']")  # the note's markdown, rendered
    assert "40 on 1 May 2027" in page.text("//dl[@id='item-summary']")


@pytest.mark.parametrize(("data", "message"), [
    ({"happened_on": "2027-05-11"}, "The date cannot be in the future: today is 10 May 2027. "
                                    "Record progress once it has happened."),
    ({"status": "dropped", "note": ""}, "Say in the note why the item is dropped."),
    ({"status": ""}, "Choose the item's status."),
])
def test_bad_input_is_shown_in_an_error_summary_with_what_was_typed(app, login, people,
                                                                    approved, session, data,
                                                                    message):
    item = item_titled(session, approved, "Award the construction contract")
    client = client_of(app, login, people, "staff")
    page = client.get_page(item_url(item))
    sent = {"status": "on track", "note": "Typed with care.", "happened_on": "2027-05-01",
            **data}
    response = client.submit(page, sent, form="//form[@id='progress-form']")
    assert response.status == 422
    assert response.title.startswith("Error: ")
    assert response.error_summary == [message]
    assert response.one("//textarea[@id='note']").text == (sent["note"] or None)
    assert len(response.all("//table[@id='history']/tbody/tr")) == 1  # nothing recorded


def test_a_stale_update_is_refused_and_the_note_kept(app, login, people, approved, session):
    item = item_titled(session, approved, "Award the construction contract")
    staff = client_of(app, login, people, "staff")
    colleague = client_of(app, login, people, "coauthor")
    mine, theirs = staff.get_page(item_url(item)), colleague.get_page(item_url(item))
    form = "//form[@id='progress-form']"
    assert colleague.submit(theirs, {"status": "on track", "note": "Bids are in.",
                                     "happened_on": "2027-05-02"}, form=form).status == 302
    response = staff.submit(mine, {"status": "done", "note": "Awarded to Acme.",
                                   "happened_on": "2027-05-03"}, form=form)
    assert response.status == 409
    assert "This item was updated by Bo Colleague since you opened this page" in \
        response.text("//div[@class='error-summary']")
    assert response.one("//textarea[@id='note']").text == "Awarded to Acme."
    assert "Bids are in." in response.text("//table[@id='history']")
    # Sent again from the page shown, it is based on what the person has now seen.
    assert staff.submit(response, {}, form=form).status == 302


def test_a_dropped_item_shows_its_reason_and_no_form(app, login, people, approved, session):
    item = item_titled(session, approved, "Award the construction contract")
    client = client_of(app, login, people, "staff")
    page = client.get_page(item_url(item))
    client.submit(page, {"status": "dropped", "note": "Merged with the pool contract.",
                         "happened_on": "2027-05-01"}, form="//form[@id='progress-form']")
    page = client.get_page(item_url(item))
    assert page.text("//dl[@id='item-summary']/div[1]/dd") == (
        "Dropped Merged with the pool contract.")
    assert not page.all("//form[@id='progress-form']")
    response = client.post_page(item_url(item), {"status": "on track", "happened_on":
                                "2027-05-01", "revision": "1", "csrf_token": ""})
    assert response.status in (400, 409)


@pytest.mark.parametrize("who", ["officer", "admin", "councillor"])
def test_those_who_only_read_see_the_history_without_a_form(app, login, people, approved,
                                                            session, who):
    item = item_titled(session, approved, "Award the construction contract")
    page = client_of(app, login, people, who).get_page(item_url(item))
    assert page.h1 == "Award the construction contract"
    assert not page.all("//form[@id='progress-form']")


def test_another_departments_staff_find_nothing(app, login, people, approved, session):
    item = item_titled(session, approved, "Award the construction contract")
    client = client_of(app, login, people, "other")
    client.get_page(item_url(item), status=404)
    client.get_page(f"/assessments/{approved.id}/follow-up", status=404)
    client.get_page(f"/departments/{approved.department_id}/follow-up", status=404)


def test_the_staff_home_lists_what_is_due_soon_and_overdue(app, login, people, approved):
    page = client_of(app, login, people, "staff").get_page("/")
    rows = page.all("//h2[@id='follow-up-due']/following::table[1]/tbody/tr")
    # Overdue (30 April) and due within 30 days: only the contract; the rest come later.
    assert [" ".join(r.text_content().split()) for r in rows] == [
        "Award the construction contract Eastside pool Commitment Not started 30 April 2027 "
        "Overdue No progress recorded yet"]
    director = client_of(app, login, people, "director").get_page("/")
    assert "Award the construction contract" in director.text("//main")


@pytest.mark.both_databases
def test_the_department_list_is_due_first_and_filters_overdue(app, login, people, approved):
    client = client_of(app, login, people, "director")
    url = f"/departments/{approved.department_id}/follow-up"
    page = client.get_page(url)
    assert page.h1 == "Follow-up items"
    titles = [a.text for a in page.all("//main//table//tbody/tr/td[1]/a")]
    assert titles == ["Award the construction contract",
                      "Start the Northside shuttle and women-only hours",
                      "Reopen the pool with free lessons",
                      "Eastside children completing eight lessons",
                      "Share of Eastside sixth graders passing the swim test, by race"]
    overdue = client.get_page(url + "?overdue=yes")
    assert [a.text for a in overdue.all("//main//table//tbody/tr/td[1]/a")] == [
        "Award the construction contract"]
    assert overdue.one("//input[@id='overdue']").get("checked") is not None
    client.get_page(url + "?page=9", status=404)


def test_the_department_list_is_paged(app, login, people, approved, session):
    for extra in range(PAGE_SIZE):  # enough items for a second page
        session.add(FollowUpItem(assessment_id=approved.id, department_id=approved.department_id,
                                 question_id="extra", position=extra + 1, kind="commitment",
                                 title=f"Extra {extra:02}", due_on=dt.date(2031, 1, 1)))
    session.commit()
    factories.counted(session, approved)
    client = client_of(app, login, people, "staff")
    url = f"/departments/{approved.department_id}/follow-up"
    first = client.get_page(url)
    assert len(first.all("//main//table//tbody/tr")) == PAGE_SIZE
    second = client.get_page(first.one("//a[@rel='next']").get("href"))
    assert len(second.all("//main//table//tbody/tr")) == 5
    assert "Showing 51 to 55 of 55" in second.text()


def test_councillors_may_not_list_a_department(app, login, people, approved):
    client = client_of(app, login, people, "councillor")
    client.get_page(f"/departments/{approved.department_id}/follow-up", status=403)



def test_an_overdue_reminder_opens_the_item_to_record_progress(app, login, people, approved,
                                                               session):
    reminders.send_due(session, TODAY, None)
    item = item_titled(session, approved, "Award the construction contract")
    client = client_of(app, login, people, "staff")
    notices = client.get_page("/notifications")
    link = notices.one("//ul[@id='notifications']//h2/a[contains(., 'Overdue')]").get("href")
    assert client.get_page(link, status=302).location == item_url(item)
    page = client.get_page(item_url(item))
    assert page.h1 == "Award the construction contract"
