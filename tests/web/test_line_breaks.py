"""Line breaks survive: an answer typed one item per line reads one item per line on check
answers, the review page, the reading room and in the Word document (issue 11, item 4).

A questionnaire's own wrapped texts (help, review guidance, a level's description) still
flow as paragraphs, and nothing typed becomes markup.
"""

from __future__ import annotations

import copy

import pytest
from docx.oxml.ns import qn

from tests import factories
from tests.conftest import squash
from tests.export.conftest import all_paragraphs, approve, open_docx

FIVE = ["Eastside branch", "Riverbend branch", "Lowell Park branch", "Downtown library",
        "The bookmobile"]
TYPED = "\n".join(FIVE)
LINE = "\u2028"  # stands for a <br> while the text is read


def lines(element) -> list[str]:
    """The lines a browser shows: split at <br> and at block ends, whitespace squashed (a
    newline in HTML source is a space on screen)."""
    element = copy.deepcopy(element)
    for br in element.iter("br"):
        br.tail = LINE + (br.tail or "")
    for block in element.iter("p", "li", "div", "td", "th"):
        block.tail = LINE + (block.tail or "")
    return [squash(part) for part in element.text_content().split(LINE) if squash(part)]


def answers_with_lines(questionnaire) -> dict:
    answers = factories.example_answers(questionnaire)
    answers["places"] = TYPED
    answers["unintended_consequences"] = [
        {"what": "Longer queues", "who": "Shift workers", "mitigation": "Open early\nStay late"}]
    return answers


@pytest.fixture
def typed(people, answered, rapid):
    return answered(people["staff"], rapid, answers=answers_with_lines(rapid))


def test_five_lines_are_five_lines_on_check_answers(typed, client, login):
    login(client, "ana@city.gov")
    page = client.get_page(f"/assessments/{typed.id}/check")
    answer = page.one("//*[@id='answer-places']//div[@class='markdown']")
    assert lines(answer) == FIVE
    assert len(answer.findall(".//br")) == 4
    # a long text cell of a table keeps its lines too
    table = page.one("//*[@id='answer-unintended_consequences']//table")
    assert ["Open early", "Stay late"] in [lines(td) for td in table.iter("td")]


def test_five_lines_are_five_lines_on_the_review_page(typed, bring_to, client, login):
    bring_to(typed, "submitted")
    login(client, "olu@city.gov")
    page = client.get_page(f"/assessments/{typed.id}/review")
    answer = page.one("//div[@id='q-places']//div[@class='review-answer__value']")
    assert lines(answer) == FIVE


def test_five_lines_are_five_lines_in_the_reading_room_and_in_word(session, people, typed,
                                                                   client, login):
    approve(session, people, typed)
    login(client, "cam@city.gov")
    page = client.get_page(f"/reading-room/{typed.id}")
    assert lines(page.one("//div[@id='answer-places']//div[contains(@class, 'markdown')]")) \
        == FIVE
    table = page.one("//div[@id='answer-unintended_consequences']//table")
    assert ["Open early", "Stay late"] in [lines(td) for td in table.iter("td")]

    response = client.get(f"/assessments/{typed.id}/export.docx")
    assert response.status_code == 200
    document = open_docx(response.data)
    paragraphs = all_paragraphs(document)
    assert TYPED in paragraphs  # one paragraph, its lines parted by Word line breaks
    answer = next(p for p in document.element.body.iter(qn("w:p"))
                  if "".join(t.text or "" for t in p.iter(qn("w:t"))) == "".join(FIVE))
    assert len(list(answer.iter(qn("w:br")))) == 4
    assert "Open early\nStay late" in paragraphs


def test_a_blank_line_still_starts_a_new_paragraph_and_markdown_still_works(
        session, people, answered, rapid, client, login):
    answers = factories.example_answers(rapid)
    answers["places"] = "First paragraph,\nsecond line.\n\nSecond paragraph.\n\n- a list\n- item"
    a = answered(people["staff"], rapid, answers=answers)
    login(client, "ana@city.gov")
    page = client.get_page(f"/assessments/{a.id}/check")
    answer = page.one("//*[@id='answer-places']//div[@class='markdown']")
    assert [lines(p) for p in answer.findall("p")] == [
        ["First paragraph,", "second line."], ["Second paragraph."]]
    assert [squash(li.text_content()) for li in answer.iter("li")] == ["a list", "item"]


def test_typed_markup_on_several_lines_stays_text(session, people, answered, rapid, client,
                                                  login):
    answers = factories.example_answers(rapid)
    answers["places"] = "<script>alert(1)</script>\n<b>bold?</b>\n[bad](javascript:alert(1))"
    a = answered(people["staff"], rapid, answers=answers)
    login(client, "ana@city.gov")
    page = client.get_page(f"/assessments/{a.id}/check")
    answer = page.one("//*[@id='answer-places']//div[@class='markdown']")
    assert lines(answer) == ["<script>alert(1)</script>", "<b>bold?</b>",
                             "[bad](javascript:alert(1))"]
    assert not answer.findall(".//script") and not answer.findall(".//b")
    assert not answer.findall(".//a")


def test_a_questionnaires_own_wrapped_text_still_flows(session, people, answered, full,
                                                       bring_to, client, login):
    a = bring_to(answered(people["staff"], full), "submitted")
    login(client, "olu@city.gov")
    page = client.get_page(f"/assessments/{a.id}/review")
    guidance = page.one("//div[@id='q-decision_summary']//details[@class='review-guidance']"
                        "//div[@class='markdown']")
    assert not guidance.findall(".//br")  # wrapped in the YAML file, one paragraph here
    assert squash(guidance.text_content()).startswith(
        "Is the problem described in terms of people and conditions, not just the department's")
