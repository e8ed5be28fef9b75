"""The reading room and document downloads, as councillors and department staff use them.

The tests marked `both_databases` run on PostgreSQL too (see tests/web/conftest.py).
"""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime

import docx
import pytest

from equity_tool.assessments import verdict
from equity_tool.core.models import AssessmentState
from equity_tool.publishing.export import pdf
from equity_tool.review import service as review
from equity_tool.review.workflow import Action
from tests import factories
from tests.conftest import squash
from tests.export.conftest import need_program

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
THIS_YEAR = datetime.now(UTC).year


@pytest.fixture
def shelf(session, people, answered, act, bring_to, rapid, full):
    """Three approved assessments (one through the real review, two approved by hand in
    earlier years), one draft and one returned: title -> assessment."""
    library = bring_to(answered(people["staff"], title="Lighthouse branch evenings"),
                       "in review")
    comment(session, people["officer"], library, "Name the **branches**, please.")
    act(people["officer"], library, Action.APPROVE,
        conditions="Report the first summer's results to council in October.")
    recycling = answered(people["other"], title="Closing the recycling drop-off",
                         answers=factories.example_answers(rapid, example="escalates"))
    approve_by_hand(session, recycling, datetime(2025, 6, 1, 12, tzinfo=UTC))
    pools = answered(people["staff"], full, title="Pool opening hours")
    approve_by_hand(session, pools, datetime(2024, 3, 1, 12, tzinfo=UTC))
    draft = answered(people["staff"], title="Zebra crossing study")
    returned = bring_to(answered(people["staff"], title="Quokka habitat plan"), "in review")
    comment(session, people["officer"], returned, "Which districts?")
    act(people["officer"], returned, Action.RETURN, note="Say more.")
    return {a.title: a for a in (library, recycling, pools, draft, returned)}


def comment(session, officer, assessment, body: str) -> None:
    review.add_comment(session, user=officer, assessment=assessment,
                       questionnaire=factories.load_questionnaire(assessment.questionnaire_id),
                       question_id="places", body=body)


def approve_by_hand(session, assessment, when: datetime) -> None:
    """Approved at `when`, without the review round trip (the answers need not be complete),
    with the impact level and flags an approval stores."""
    assessment.state = AssessmentState.APPROVED
    assessment.approved_at = when
    assessment.submitted_at = when
    session.add(assessment)
    verdict.record(session, assessment,
                   factories.load_questionnaire(assessment.questionnaire_id))
    session.commit()
    factories.counted(session, assessment)


@pytest.fixture
def councillor(client, people, login):
    login(client, "cam@city.gov")
    return client


def titles(page) -> list[str]:
    return [squash(a.text_content())
            for a in page.all("//table[@id='reading-room']/tbody/tr/td[1]/a")]


def count(page) -> str:
    return page.text("//p[@id='result-count']")


# --- the list -----------------------------------------------------------------------------


def test_a_councillor_sees_approved_assessments_only_newest_approval_first(shelf, councillor):
    page = councillor.get_page("/reading-room")
    assert page.h1 == "Reading room"
    assert titles(page) == ["Lighthouse branch evenings", "Closing the recycling drop-off",
                            "Pool opening hours"]
    assert count(page) == "3 approved assessments"
    first = [squash(td.text_content())
             for td in page.all("//table[@id='reading-room']/tbody/tr[1]/td")]
    assert first[:4] == ["Lighthouse branch evenings", "Transportation",
                         "Rapid equity check 2026.2", "Low concern"]
    assert page.all("//header//a[.='Reading room']")


@pytest.mark.parametrize(("query", "expected"), [
    ("lighthouse", ["Lighthouse branch evenings"]),  # the title
    ("HOUSING", ["Closing the recycling drop-off"]),  # the department, in any case
    ("racial equity impact", ["Pool opening hours"]),  # the questionnaire's title
    ("homework club", ["Lighthouse branch evenings"]),  # a table cell of an answer
    ("Vietnamese (Asian)", ["Lighthouse branch evenings"]),  # a choice, by its label
    ("Fifth Street", ["Closing the recycling drop-off"]),  # a long text answer
    ("lighthouse Fifth", []),  # every word must appear
])
def test_search_finds_title_department_questionnaire_and_answer_text(shelf, councillor,
                                                                      query, expected):
    page = councillor.get_page("/reading-room", query_string={"q": query})
    assert titles(page) == expected
    assert page.one("//input[@id='search-q']").get("value") == query
    if not expected:
        assert count(page) == "No approved assessments match your search."


def test_the_search_never_finds_drafts_or_returned_assessments(shelf, councillor):
    for query in ("zebra", "quokka"):
        page = councillor.get_page("/reading-room", query_string={"q": query})
        assert titles(page) == []


@pytest.mark.both_databases
def test_filters_by_department_year_and_impact_level(shelf, councillor):
    page = councillor.get_page("/reading-room")
    housing = page.one("//select[@name='department']/option[.='Housing']").get("value")
    years = [o.text for o in page.all("//select[@name='year']/option[@value!='']")]
    assert years == [str(THIS_YEAR), "2025", "2024"]

    def found(**query) -> list[str]:
        return titles(councillor.get_page("/reading-room", query_string=query))

    assert found(department=housing) == ["Closing the recycling drop-off"]
    assert found(year="2024") == ["Pool opening hours"]
    assert found(year=str(THIS_YEAR)) == ["Lighthouse branch evenings"]
    assert found(level="high") == ["Closing the recycling drop-off"]
    assert found(level="low", q="lighthouse") == ["Lighthouse branch evenings"]
    assert found(level="low", department=housing) == []
    chosen = councillor.get_page("/reading-room", query_string={"year": "2025"})
    assert chosen.one("//select[@name='year']/option[@selected]").text == "2025"
    assert count(chosen) == "1 approved assessment matches"


@pytest.mark.parametrize(("query", "message"), [
    ({"department": "banana"}, "Choose a department from the list: “banana” is not one of them."),
    ({"department": "99999"}, "Choose a department from the list: “99999” is not one of them."),
    ({"year": "1999"}, "Choose a year of approval from the list: “1999” is not one of them."),
    ({"year": "twenty"}, "Choose a year of approval from the list: “twenty” is not one of them."),
    ({"level": "<b>"}, "Choose an impact level from the list: “<b>” is not one of them."),
    ({"q": "x" * 201}, "Search for 200 characters or fewer."),
])
def test_a_bad_filter_says_what_is_wrong_and_still_lists_everything(shelf, councillor, query,
                                                                    message):
    page = councillor.get_page("/reading-room", status=400, query_string=query)
    assert page.error_summary == [message]
    assert page.title.startswith("Error: ")
    assert len(titles(page)) == 3


def test_an_empty_reading_room_says_so(people, councillor):
    page = councillor.get_page("/reading-room")
    assert count(page) == "No assessments have been approved yet."
    assert not page.all("//table")


# --- reading one --------------------------------------------------------------------------


def test_the_reading_view_shows_answers_scores_flags_and_the_review_record(shelf, councillor):
    library = shelf["Lighthouse branch evenings"]
    page = councillor.get_page(f"/reading-room/{library.id}")
    assert page.h1 == "Lighthouse branch evenings"
    assert page.title == "Lighthouse branch evenings – Reading room – Equity Tool"
    about = {squash(row.xpath("dt")[0].text_content()): squash(row.xpath("dd")[0].text_content())
             for row in page.all("//dl[@id='about']/div")}
    assert about["Department"] == "Transportation"
    assert about["Questionnaire"] == "Rapid equity check, version 2026.2"
    assert about["Impact level"] == "Low concern"
    assert about["State"] == "Approved"
    assert "Burdens are small and no existing gap is likely to grow." in page.text()
    scores = [[squash(c.text_content()) for c in row.xpath("th|td")]
              for row in page.all("//table[@id='scores']/tbody/tr")]
    assert scores == [["Highest burden on any group (0-3)", "1", "3"],
                      ["Level of concern (0-5)", "1", "5"]]
    assert page.text("//div[@id='answer-groups']/p") == (
        "Black or African American; Hispanic or Latino; White; Vietnamese (Asian)")
    assert page.text("//div[@id='answer-estimated_cost']/p") == "85,000 USD"
    table = page.one("//div[@id='answer-benefits_burdens']//table")
    assert [squash(th.text_content()) for th in table.xpath("thead/tr/th")] == [
        "Group", "Benefit (0-3)", "Burden (0-3)", "What supports these ratings?"]
    assert len(table.xpath("tbody/tr")) == 4
    assert page.text("//*[@id='conditions']") == (
        "Report the first summer's results to council in October.")
    comment = page.text("//div[contains(@class, 'comment')]")
    assert "Name the branches, please." in comment
    assert page.all("//div[contains(@class, 'comment')]//strong[.='branches']")
    decisions = page.text("//table[@id='decisions']")
    assert "Approved" in decisions and "Olu Officer" in decisions
    assert [h.text for h in page.all("//main//h2")] == [
        "Download this assessment", "Summary", "Answers", "Review record"]


def test_flags_are_listed_by_severity(shelf, councillor):
    page = councillor.get_page(f"/reading-room/{shelf['Closing the recycling drop-off'].id}")
    assert page.all("//h4/strong[.='High']")
    assert page.all("//ul[contains(@class, 'flag-list')]/li[contains(@class, 'flag--high')]")


def test_markdown_answers_are_shown_as_text_never_as_markup(app, session, shelf, councillor):
    library = shelf["Lighthouse branch evenings"]
    library.answers = {**library.answers,
                       "disparity_evidence": "**Card data**\n\n<script>alert(1)</script>"}
    session.add(library)
    session.commit()
    page = councillor.get_page(f"/reading-room/{library.id}")
    answer = page.one("//div[@id='answer-disparity_evidence']")
    assert answer.xpath(".//strong[.='Card data']")
    assert not page.all("//main//script")
    assert "<script>alert(1)</script>" in squash(answer.text_content())


@pytest.mark.parametrize("title", ["Zebra crossing study", "Quokka habitat plan"])
def test_a_councillor_cannot_open_what_is_not_approved(shelf, councillor, title):
    assessment = shelf[title]
    assert councillor.get(f"/reading-room/{assessment.id}").status_code == 404
    assert councillor.get(f"/assessments/{assessment.id}/export.docx").status_code == 404


@pytest.mark.parametrize("url", ["/reading-room/999999", "/reading-room/0",
                                 "/reading-room/99999999999", "/assessments/999999/export.docx"])
def test_unknown_assessments_are_not_found(shelf, councillor, url):
    assert councillor.get(url).status_code == 404


def test_the_department_reads_its_own_draft_marked_as_not_approved(shelf, client, login):
    login(client, "ana@city.gov")
    page = client.get_page(f"/reading-room/{shelf['Zebra crossing study'].id}")
    assert page.text("//*[@id='draft-notice']").startswith("Not approved.")


# --- downloads ----------------------------------------------------------------------------


def test_a_councillor_downloads_a_real_word_document(shelf, councillor):
    library = shelf["Lighthouse branch evenings"]
    page = councillor.get_page(f"/reading-room/{library.id}")
    link = page.one("//section[@class='downloads']//a[starts-with(., 'Word document')]")
    response = councillor.get(link.get("href"))
    assert response.status_code == 200
    assert response.mimetype == DOCX
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=lighthouse-branch-evenings-{library.id}.docx")
    document = docx.Document(io.BytesIO(response.data))
    assert document.core_properties.title == "Lighthouse branch evenings"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Report the first summer's results to council in October." in text


def test_staff_download_their_departments_drafts_and_no_one_elses(shelf, client, login):
    draft = shelf["Zebra crossing study"]
    login(client, "pat@city.gov")  # Housing
    assert client.get(f"/assessments/{draft.id}/export.docx").status_code == 404
    assert client.get(f"/assessments/{draft.id}/export.pdf").status_code == 404
    login(client, "ana@city.gov")  # Transportation
    page = client.get_page(f"/assessments/{draft.id}")
    href = page.one("//section[@class='downloads']//a[starts-with(., 'Word document')]").get(
        "href")
    response = client.get(href)
    assert response.status_code == 200 and response.mimetype == DOCX
    assert docx.Document(io.BytesIO(response.data)).core_properties.title == "Zebra crossing study"


def test_a_pdf_download(shelf, councillor):
    need_program("soffice")
    library = shelf["Lighthouse branch evenings"]
    page = councillor.get_page(f"/reading-room/{library.id}")
    response = councillor.get(page.one("//section[@class='downloads']//a[starts-with(., 'PDF')]")
                              .get("href"))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].endswith(f"-{library.id}.pdf")


def test_no_pdf_is_offered_without_libreoffice(shelf, councillor, monkeypatch):
    monkeypatch.setattr(pdf, "_program", lambda: None)
    library = shelf["Lighthouse branch evenings"]
    page = councillor.get_page(f"/reading-room/{library.id}")
    # Each link's accessible name says what it downloads (the visible text is the format).
    assert [a.get("aria-label") for a in page.all("//section[@class='downloads']//a")] == [
        "Word document (.docx): Lighthouse branch evenings"]
    failed = councillor.get_page(f"/assessments/{library.id}/export.pdf", status=503)
    assert "LibreOffice is not installed" in failed.text("//p[@id='export-problem']")


def test_a_failed_pdf_conversion_says_so_and_offers_the_word_document(shelf, councillor,
                                                                      monkeypatch):
    monkeypatch.setattr(pdf, "_program", lambda: "/bin/false")  # "LibreOffice" that fails
    library = shelf["Lighthouse branch evenings"]
    page = councillor.get_page(f"/assessments/{library.id}/export.pdf", status=503)
    assert page.h1 == "The PDF could not be made"
    assert page.text("//p[@id='export-problem']").startswith(
        "LibreOffice could not make the PDF (exit status 1")
    link = page.one("//main//a[starts-with(., 'Download the Word document')]")
    assert councillor.get(link.get("href")).mimetype == DOCX


def test_a_broken_custom_template_says_so_and_offers_the_standard_one(
        app, shelf, councillor, monkeypatch, tmp_path):
    broken = tmp_path / "broken.docx"
    document = docx.Document()
    document.add_paragraph("{{ assessment.title | shout }}")
    document.save(broken)
    registry = app.extensions["equity_tool.registry"]
    pinned = registry.pinned
    monkeypatch.setattr(registry, "pinned", lambda *args: dataclasses.replace(
        pinned(*args), export_template=str(broken)))
    library = shelf["Lighthouse branch evenings"]
    page = councillor.get_page(f"/assessments/{library.id}/export.docx", status=500)
    assert page.h1 == "The Word document could not be made"
    assert "broken.docx" in page.text("//p[@id='export-problem']")
    link = page.one("//main//a[contains(., 'standard layout')]")
    response = councillor.get(link.get("href"))
    assert response.mimetype == DOCX
    assert docx.Document(io.BytesIO(response.data)).core_properties.title == library.title


def test_the_reading_room_pages_have_unique_ids_and_labelled_fields(shelf, councillor):
    pages = [councillor.get_page("/reading-room"),
             councillor.get_page(f"/reading-room/{shelf['Lighthouse branch evenings'].id}")]
    for page in pages:
        ids = page.all("//@id")
        assert len(ids) == len(set(ids)), page.title
        for field in page.all("//main//select | //main//input[not(@type='hidden')]"):
            assert page.all(f"//label[@for='{field.get('id')}']"), field.get("name")
