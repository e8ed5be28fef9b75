"""Word like the web: one date format per language, the same on the pages and in the Word
document; "submission" where the web says submission; the state written as a label
(issue 11, item 9)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from equity_tool.publishing.export.context import a_date
from equity_tool.questionnaire import TYPES, load_text
from equity_tool.questionnaire.messages import long_date
from tests import factories
from tests.export.conftest import all_text, approve, open_docx

# A small questionnaire in English and Spanish with a date, alone and in a table.
DATED = load_text("""
id: dated-check
version: "1"
title: {en: Dated check, es: Revisión con fechas}
languages: [en, es]
sections:
  - id: when
    title: {en: When, es: Cuándo}
    questions:
      - id: title
        type: text
        label: {en: Name of the proposal, es: Nombre de la propuesta}
      - id: decided_on
        type: date
        label: {en: Decision date, es: Fecha de la decisión}
      - id: meetings
        type: table
        label: {en: Meetings, es: Reuniones}
        columns:
          - id: held_on
            type: date
            label: {en: Held on, es: Fecha}
""").questionnaire
DATED_ANSWERS = {"title": "Summer library hours", "decided_on": "2027-03-02",
                 "meetings": [{"held_on": "2026-12-02"}]}


def test_one_date_format_per_language_for_answers_and_for_the_document():
    question = DATED.question("decided_on")
    shown = TYPES["date"].display
    assert shown(question, "2027-03-02", "en") == "2 March 2027"
    assert shown(question, "2027-03-02", "es") == "2 de marzo de 2027"
    assert shown(question, "2027-03-02", "fr") == "2 March 2027"  # no format yet: English
    assert shown(question, "2027-02-30", "en") == "2027-02-30"  # not a date: as typed
    assert shown(question, "next spring", "es") == "next spring"
    utc = ZoneInfo("UTC")
    for language in ("en", "es"):
        assert a_date(date(2027, 3, 2), language, utc)["text"] \
            == shown(question, "2027-03-02", language) == long_date(date(2027, 3, 2), language)
    # the document's data keeps ISO dates
    assert a_date(datetime(2026, 12, 2, 9, 5, tzinfo=UTC), "es", utc) == {
        "iso": "2026-12-02T09:05:00+00:00", "text": "2 de diciembre de 2026", "time": "09:05"}


def test_an_answer_date_reads_the_same_on_check_answers_and_in_word(people, answered, full,
                                                                    client, login):
    answers = {**factories.example_answers(full), "decision_date": "2027-03-02"}
    a = answered(people["staff"], full, answers=answers)
    login(client, "ana@city.gov")
    page = client.get_page(f"/assessments/{a.id}/check")
    assert page.text("//*[@id='answer-decision_date']/dd[1]") == "2 March 2027"
    response = client.get(f"/assessments/{a.id}/export.docx")
    assert response.status_code == 200
    text = all_text(open_docx(response.data))
    assert "2 March 2027" in text
    assert "2027-03-02" not in text


@pytest.mark.parametrize(("language", "decided", "held"), [
    ("en", "2 March 2027", "2 December 2026"),
    ("es", "2 de marzo de 2027", "2 de diciembre de 2026"),
])
def test_answer_dates_in_the_assessments_language(people, answered, client, login, language,
                                                  decided, held):
    a = answered(people["staff"], DATED, answers=DATED_ANSWERS, language=language)
    assert a.language == language
    login(client, "ana@city.gov")
    page = client.get_page(f"/assessments/{a.id}/check")
    assert page.text("//*[@id='answer-decided_on']/dd[1]") == decided
    assert page.text("//*[@id='answer-meetings']//tbody/tr/td[1]") == held
    response = client.get(f"/assessments/{a.id}/export.docx")
    assert response.status_code == 200
    document = open_docx(response.data)
    text = all_text(document)
    assert decided in text and held in text
    assert "2027-03-02" not in text and "2026-12-02" not in text
    [table] = [t for t in document.tables if t.rows[0].cells[0].text in ("Held on", "Fecha")]
    assert table.rows[1].cells[0].text == held


def test_the_document_says_submission_and_the_state_as_a_label(session, people, answered,
                                                               rapid, client, login):
    a = approve(session, people, answered(people["staff"], rapid))
    login(client, "cam@city.gov")
    page = client.get_page(f"/reading-room/{a.id}")
    assert "on submission 1" in page.text("//div[@id='comment-1']")
    assert page.text("//dl[@id='about']//div[3]/dd") == "Approved"
    document = open_docx(client.get(f"/assessments/{a.id}/export.docx").data)
    text = all_text(document)
    assert "State: Approved" in text
    assert "submission 1: Addressed" in text
    verdicts = next(t for t in document.tables if t.rows[0].cells[0].text == "Step")
    assert [r.cells[3].text.rsplit(" (", 1)[1] for r in verdicts.rows[1:]] == [
        "submission 1)", "submission 2)"]
    assert "round 1" not in text and "round 2" not in text
    # the approval date reads as on the page (which adds the time of day)
    approved = next(line for line in text.split("\n") if line.startswith("Approved: "))
    assert page.text("//dl[@id='about']//div[5]/dd").startswith(
        approved.removeprefix("Approved: ") + ", ")


def test_a_spanish_document_says_envio_and_aprobada(app, session, people, answered, rapid,
                                                    client, login):
    a = approve(session, people, answered(people["staff"], rapid, language="es"))
    login(client, "cam@city.gov")
    text = all_text(open_docx(client.get(f"/assessments/{a.id}/export.docx").data))
    assert "Estado: Aprobada" in text
    assert "envío 1: Atendido" in text and "(envío 2)" in text
    assert "ronda 1" not in text and "ronda 2" not in text
    city = ZoneInfo(app.config["EQUITY_TOOL_TIMEZONE"])
    assert f"Aprobada: {long_date(a.approved_at.astimezone(city), 'es')}" in text
