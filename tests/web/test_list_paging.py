"""The review queue and the reading room, a page of 50 at a time: the rows of each page in
order, a pager that keeps the filters, no page that is not there, and only the page scored.

Marked `both_databases`: paging and its counts are SQL of their own (see tests/web/conftest.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from equity_tool.assessments import lists, verdict
from equity_tool.core.models import AssessmentState
from equity_tool.core.paging import PAGE_SIZE
from tests import factories
from tests.conftest import squash

ROWS = PAGE_SIZE + 3  # in Transportation: two pages, the second of three rows
START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def titles(page, table: str) -> list[str]:
    return [squash(a.text_content())
            for a in page.all(f"//table[@id='{table}']/tbody/tr/td[1]/a")]


def pager_link(page, rel: str) -> dict[str, list[str]]:
    """The query of the pager's "previous" or "next" link."""
    return parse_qs(urlsplit(page.one(f"//nav[@class='pager']//a[@rel='{rel}']").get(
        "href")).query)


def titled(n: int) -> str:
    return f"Assessment {n:03}"


def department_value(page, name: str) -> str:
    return page.one(f"//select[@name='department']/option[.='{name}']").get("value")


@pytest.fixture
def scored(monkeypatch):
    """The ids of the assessments a request scores."""
    seen: list[int] = []
    real = lists.evaluated

    def evaluated(assessment, questionnaire, answers=None):
        seen.append(assessment.id)
        return real(assessment, questionnaire, answers)

    monkeypatch.setattr(lists, "evaluated", evaluated)
    return seen


# --- the review queue ---------------------------------------------------------------------


@pytest.fixture
def queue(session, people, answered, bring_to):
    """ROWS submitted assessments in Transportation, titled in the order they waited (the
    longest first), and two in Housing that waited longest of all."""
    made = [bring_to(answered(people["staff"], title=titled(n)), "submitted")
            for n in range(1, ROWS + 1)]
    made += [bring_to(answered(people["other"], title=f"Housing {n}"), "submitted")
             for n in (1, 2)]
    for n, assessment in enumerate(made):
        # Housing's two first; the last two Transportation ones submitted at the same moment,
        # so that the id decides between them.
        at = START + timedelta(hours=min(n, ROWS - 2)) if n < ROWS else START - timedelta(days=1)
        assessment.submitted_at = at
        session.add(assessment)
    session.commit()


@pytest.fixture
def officer(client, people, login):
    login(client, "olu@city.gov")
    return client


@pytest.mark.both_databases
def test_the_queue_pages_the_longest_waiting_first_and_keeps_the_filters(queue, officer,
                                                                        scored):
    first = officer.get_page("/review")
    assert titles(first, "queue") == ["Housing 1", "Housing 2"] + [
        titled(n) for n in range(1, PAGE_SIZE - 1)]
    assert first.text("//caption") == (f"{ROWS + 2} assessments awaiting review, longest "
                                       "waiting first, page 1 of 2")
    assert first.text("//nav[@class='pager']/p") == f"Showing 1 to 50 of {ROWS + 2}"
    assert not first.all("//nav[@class='pager']//a[@rel='prev']")
    assert pager_link(first, "next") == {"page": ["2"]}
    assert len(scored) == PAGE_SIZE  # only the page's rows are scored

    transportation = department_value(first, "Transportation")
    filtered = officer.get_page(f"/review?department={transportation}&state=submitted")
    assert titles(filtered, "queue") == [titled(n) for n in range(1, PAGE_SIZE + 1)]
    assert pager_link(filtered, "next") == {"department": [transportation],
                                            "state": ["submitted"], "page": ["2"]}
    second = officer.get_page(f"/review?department={transportation}&state=submitted&page=2")
    assert titles(second, "queue") == [titled(n) for n in range(PAGE_SIZE + 1, ROWS + 1)]
    assert second.text("//nav[@class='pager']/p") == f"Showing 51 to {ROWS} of {ROWS}"
    assert pager_link(second, "prev") == {"department": [transportation],
                                          "state": ["submitted"], "page": ["1"]}
    assert not second.all("//nav[@class='pager']//a[@rel='next']")
    # The counts are the whole queue's, not the page's.
    assert second.text("//dl[contains(@class, 'queue-counts')]") == (
        f"Submitted {ROWS} Resubmitted 0 In review 0")
    assert second.one("//select[@name='department']/option[@selected]").text == "Transportation"


def test_a_page_that_is_not_there_is_not_found(queue, officer):
    for query in ("page=junk", "page=0", "page=3", "page=-1", "page=2.0",
                  "state=in+review&page=2"):
        assert officer.get_page(f"/review?{query}", status=404).h1 == "Page not found", query
    assert titles(officer.get_page("/review?page="), "queue")[0] == "Housing 1"


def test_one_page_has_no_pager(people, officer, answered, bring_to):
    bring_to(answered(people["staff"]), "submitted")
    page = officer.get_page("/review")
    assert titles(page, "queue") == ["Summer library hours"]
    assert not page.all("//nav[@class='pager']")


# --- the reading room ---------------------------------------------------------------------


def approve_by_hand(session, assessment, when: datetime) -> None:
    """Approved at `when` without the review round trip, with the verdict an approval stores."""
    assessment.state = AssessmentState.APPROVED
    assessment.approved_at = assessment.submitted_at = when
    session.add(assessment)
    verdict.record(session, assessment, factories.load_questionnaire(assessment.questionnaire_id))
    session.commit()
    factories.counted(session, assessment)


@pytest.fixture
def shelf(session, people, answered, rapid):
    """ROWS approved assessments in Transportation, titled newest approval first, one a year
    earlier, one of serious concern, and two in Housing approved before all of them."""
    for n in range(1, ROWS + 1):
        example = "escalates" if n == 5 else "complete"
        assessment = answered(people["staff"], title=titled(n),
                              answers=factories.example_answers(rapid, example=example))
        # The last two at the same moment: the id (newest first) decides between them.
        approve_by_hand(session, assessment, START - timedelta(hours=min(n, ROWS - 1)))
    for n in (1, 2):
        approve_by_hand(session, answered(people["other"], title=f"Housing {n}"),
                        START - timedelta(days=400 + n))


@pytest.fixture
def councillor(client, people, login):
    login(client, "cam@city.gov")
    return client


@pytest.mark.both_databases
def test_the_reading_room_pages_newest_approval_first_and_keeps_the_filters(
        shelf, councillor, scored):
    first = councillor.get_page("/reading-room")
    newest_first = [titled(n) for n in range(1, ROWS - 1)] + [titled(ROWS), titled(ROWS - 1)]
    assert titles(first, "reading-room") == newest_first[:PAGE_SIZE]
    assert first.text("//p[@id='result-count']") == f"{ROWS + 2} approved assessments"
    assert first.text("//nav[@class='pager']/p") == f"Showing 1 to 50 of {ROWS + 2}"
    assert pager_link(first, "next") == {"page": ["2"]}
    assert len(scored) == PAGE_SIZE  # only the page's rows are scored
    last = councillor.get_page("/reading-room?page=2")
    assert titles(last, "reading-room") == [*newest_first[PAGE_SIZE:], "Housing 1", "Housing 2"]

    transportation = department_value(first, "Transportation")
    query = f"department={transportation}&year=2026&level=low"
    filtered = councillor.get_page(f"/reading-room?{query}")
    low = [title for title in newest_first if title != titled(5)]
    assert titles(filtered, "reading-room") == low[:PAGE_SIZE]
    assert filtered.text("//p[@id='result-count']") == f"{ROWS - 1} approved assessments match"
    assert pager_link(filtered, "next") == {"department": [transportation], "year": ["2026"],
                                            "level": ["low"], "page": ["2"]}
    second = councillor.get_page(f"/reading-room?{query}&page=2")
    assert titles(second, "reading-room") == low[PAGE_SIZE:]
    assert pager_link(second, "prev")["level"] == ["low"]
    assert second.one("//select[@name='year']/option[@selected]").text == "2026"


def test_a_search_is_paged_too_and_its_words_kept(shelf, councillor):
    first = councillor.get_page("/reading-room?q=assessment")
    assert first.text("//p[@id='result-count']") == f"{ROWS} approved assessments match"
    assert pager_link(first, "next") == {"q": ["assessment"], "page": ["2"]}
    second = councillor.get_page("/reading-room?q=assessment&page=2")
    assert len(titles(second, "reading-room")) == ROWS - PAGE_SIZE
    assert second.one("//input[@id='search-q']").get("value") == "assessment"
    councillor.get_page("/reading-room?q=assessment&page=3", status=404)


def test_a_reading_room_page_that_is_not_there_is_not_found(shelf, councillor):
    for query in ("page=junk", "page=3", "q=housing&page=2", "year=2024&page=2"):
        page = councillor.get_page(f"/reading-room?{query}", status=404)
        assert page.h1 == "Page not found", query
