"""Moving a draft to a newer questionnaire version, as people see it: the task list's offer, the
preview of what carries over, the move, what was left behind, and who may do it."""

from __future__ import annotations

import pytest

from equity_tool import create_app
from equity_tool.core import db
from equity_tool.core.models import Assessment
from tests import factories
from tests.conftest import PageClient
from tests.data.test_move_version import newer_rapid_check


@pytest.fixture
def folder(tmp_path):
    """A questionnaires folder of the test's own, so a newer version can be written to it."""
    return factories.shipped_questionnaires(tmp_path / "questionnaires")


@pytest.fixture
def app(database_url, folder):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url,
                      "SECRET_KEY": "not secret: tests only",
                      "EQUITY_TOOL_QUESTIONNAIRES": folder,
                      "QUESTIONNAIRE_REFRESH_SECONDS": 0})
    app.test_client_class = PageClient
    yield app
    db.get_engine(app).dispose()


@pytest.fixture
def draft(people, answered):
    return answered(people["staff"])


@pytest.fixture
def published(folder, draft):
    """Version 2026.3 of the rapid check, written to the folder after the draft started."""
    (folder / "rapid-equity-check.yaml").write_text(newer_rapid_check().source, encoding="utf-8")


def client_of(app, login, people, who="staff"):
    client = app.test_client()
    login(client, people[who].email)
    return client


def move_url(assessment) -> str:
    return f"/assessments/{assessment.id}/newer-version"


def test_the_task_list_offers_nothing_while_the_version_is_the_newest(app, login, people,
                                                                       draft):
    page = client_of(app, login, people).get_page(f"/assessments/{draft.id}")
    assert not page.all("//*[@id='newer-version']")


def test_the_task_list_offers_the_newer_version(app, login, people, draft, published):
    page = client_of(app, login, people).get_page(f"/assessments/{draft.id}")
    link = page.one("//*[@id='newer-version']//a")
    assert link.text_content() == "Move to version 2026.3"
    assert link.get("href") == move_url(draft)


def test_the_preview_lists_what_cannot_carry_over_and_why(app, login, people, draft,
                                                          published):
    page = client_of(app, login, people).get_page(move_url(draft))
    assert page.h1 == "Move to version 2026.3"
    assert page.text("//*[@id='carried-count']") == (
        "11 answers carry over, some of them in part (see below).")
    rows = {page.text(f"({_ROWS})[{n}]/th"): [page.text(f"({_ROWS})[{n}]/td[{c}]")
                                            for c in (1, 2)]
            for n in range(1, len(page.all(_ROWS)) + 1)}
    assert rows["Whose voice is missing so far?"] == [
        "Downtown evening users who work late shifts; we will ask them in June.",
        "Not asked in version 2026.3"]
    assert rows["Which racial and ethnic groups does the decision affect?"] == [
        "Vietnamese (Asian)", "“Vietnamese (Asian)” is no longer offered"]
    assert rows["Estimated cost"] == [
        "85,000 USD", "Costs over $50,000 need the finance office's sign-off"]
    assert len(rows) == 4


_ROWS = "//table[@id='left-behind-preview']/tbody/tr"


def test_confirming_moves_it_and_the_task_list_lists_what_was_left_behind(
        app, login, people, draft, published, session):
    client = client_of(app, login, people)
    moved = client.submit(client.get_page(move_url(draft)), {})
    assert moved.status == 302 and moved.location == f"/assessments/{draft.id}"
    page = client.get_page(f"/assessments/{draft.id}")
    assert "Moved to version 2026.3." in page.text("//main/div[@role='status']")
    assert not page.all("//*[@id='newer-version']")
    table = "//table[@id='left-behind']/tbody"
    assert page.text(f"{table}/tr[th='Estimated cost']/td[1]") == "85,000 USD"
    assert page.text(f"{table}/tr[th='Estimated cost']/td[3]") == "version 2026.2"
    session.expire_all()
    assert session.get(Assessment, draft.id).questionnaire_version == "2026.3"
    history = client.get_page(f"/assessments/{draft.id}/history")
    assert "Moved to a newer version" in history.text("//table[@id='history']/tbody/tr[1]")
    assert "Whose voice is missing so far?: “Downtown evening users" in history.text(
        "//table[@id='history']/tbody/tr[1]/td[4]")


def test_the_list_left_behind_is_set_aside_once_dealt_with_and_stays_in_the_history(
        app, login, people, draft, published):
    client = client_of(app, login, people)
    client.submit(client.get_page(move_url(draft)), {})
    page = client.get_page(f"/assessments/{draft.id}")
    director = client_of(app, login, people, "director").get_page(f"/assessments/{draft.id}")
    assert director.all("//table[@id='left-behind']")  # read by all who may see it,
    assert not director.all("//button[starts-with(., 'I have dealt with these')]")  # not theirs
    done = client.submit(page, {}, form="//form[button[starts-with(., 'I have dealt')]]")
    assert done.status == 302
    page = client.get_page(f"/assessments/{draft.id}")
    assert "the history still has it" in page.text("//main/div[@role='status']")
    assert not page.all("//table[@id='left-behind']")
    history = client.get_page(f"/assessments/{draft.id}/history")
    assert "Set aside answers not carried over" in history.text(
        "//table[@id='history']/tbody/tr[1]")
    assert "Whose voice is missing so far?" in history.text("//table[@id='history']")


def test_a_move_from_a_stale_page_is_refused_and_shows_the_preview_again(
        app, login, people, draft, published, session):
    client = client_of(app, login, people)
    page = client.get_page(move_url(draft))
    stored = session.get(Assessment, draft.id)
    stored.revision += 1  # saved in another tab meanwhile
    session.add(stored)
    session.commit()
    refused = client.submit(page, {})
    assert refused.status == 409
    assert refused.text("//div[@class='error-summary']").endswith(
        "This assessment was changed since you opened this page, so it was not moved. Read "
        "what carries over again below, then confirm.")
    assert refused.one("//input[@name='revision']").value == "1"
    session.expire_all()
    assert session.get(Assessment, draft.id).questionnaire_version == "2026.2"


def test_a_post_without_the_csrf_token_moves_nothing(app, login, people, draft, published,
                                                     session):
    client = client_of(app, login, people)
    response = client.post_page(move_url(draft), {"version": "2026.3", "revision": "0"})
    assert response.status == 400
    session.expire_all()
    assert session.get(Assessment, draft.id).questionnaire_version == "2026.2"


def test_a_version_that_is_not_newer_is_refused(app, login, people, draft, published):
    client = client_of(app, login, people)
    page = client.get_page(move_url(draft))
    refused = client.submit(page, {"version": "2026.2"})
    assert refused.status == 409
    assert "is not the version offered now" in refused.text()


def test_without_a_newer_version_there_is_nothing_to_move_to(app, login, people, draft):
    page = client_of(app, login, people).get_page(move_url(draft), status=409)
    assert "already uses version 2026.2, the newest in use" in page.text()


@pytest.mark.parametrize("who", ["director", "officer", "admin"])
def test_those_who_may_read_but_not_edit_it_may_not_move_it(app, login, people, draft,
                                                            published, who):
    client = client_of(app, login, people, who)
    client.get_page(move_url(draft), status=403)
    page = client.get_page(f"/assessments/{draft.id}")
    assert not page.all("//*[@id='newer-version']")


def test_another_departments_staff_find_nothing(app, login, people, draft, published):
    client = client_of(app, login, people, "other")
    client.get_page(move_url(draft), status=404)
    assert client.post_page(move_url(draft), {}).status in (400, 404)


def test_a_submitted_assessment_is_not_offered_the_move(app, login, people, draft, bring_to,
                                                        published):
    bring_to(draft, "submitted")
    client = client_of(app, login, people)
    assert not client.get_page(f"/assessments/{draft.id}").all("//*[@id='newer-version']")
    client.get_page(move_url(draft), status=403)
