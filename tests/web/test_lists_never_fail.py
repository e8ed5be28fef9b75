"""A page that lists many assessments never fails because one of them cannot be scored."""

from __future__ import annotations

import pytest
from sqlmodel import select

from equity_tool.assessments import lists
from equity_tool.core.models import Assessment, QuestionnaireVersion
from tests.web.conftest import signed_in

TITLES = ("Parking meter hours downtown", "Summer hours at branch libraries")


def pin_to_an_unreadable_version(session, title: str) -> None:
    """The version it started on is stored, but its text no longer loads."""
    assessment = session.exec(select(Assessment).where(Assessment.title == title)).one()
    if not session.exec(select(QuestionnaireVersion).where(
            QuestionnaireVersion.version == "1999.1")).first():
        session.add(QuestionnaireVersion(
            questionnaire_id=assessment.questionnaire_id, version="1999.1", content_hash="x",
            source="id: [this no longer loads", title="An old version"))
        session.commit()
    assessment.questionnaire_version = "1999.1"
    session.add(assessment)
    session.commit()


def rows_of(page) -> dict[str, str]:
    return {row.xpath("string(td[1])").strip(): " ".join(row.text_content().split())
            for row in page.all("//main//table/tbody/tr")}


PAGES = [("officer", "/review"), ("councillor", "/reading-room"), ("staff", "/")]


@pytest.mark.parametrize(("role", "url"), PAGES)
def test_an_unreadable_version_is_listed_as_cannot_be_scored(demo_app, session, role, url):
    for title in TITLES:
        pin_to_an_unreadable_version(session, title)
    page = signed_in(demo_app, role).get_page(url)
    rows = rows_of(page)
    listed = [title for title in TITLES if title in rows]
    assert listed, rows  # each page lists at least one of them
    for title in listed:
        assert "Cannot be scored" in rows[title]
    others = [text for title, text in rows.items() if title not in TITLES]
    assert others and not any("Cannot be scored" in text for text in others)


@pytest.mark.parametrize(("role", "url"), PAGES)
def test_an_evaluation_that_fails_is_listed_as_cannot_be_scored(demo_app, session, monkeypatch,
                                                                role, url, caplog):
    broken = {session.exec(select(Assessment.id).where(Assessment.title == t)).one()
              for t in TITLES}
    real = lists.evaluated

    def evaluated(assessment, questionnaire, answers=None):
        if assessment.id in broken:
            raise OverflowError("a formula overflowed")
        return real(assessment, questionnaire, answers)

    monkeypatch.setattr(lists, "evaluated", evaluated)
    page = signed_in(demo_app, role).get_page(url)
    rows = rows_of(page)
    assert any("Cannot be scored" in rows.get(title, "") for title in TITLES), rows
    assert "cannot be scored" in caplog.text  # and the log says which one
