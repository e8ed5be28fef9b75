"""No verdict before any answer: a brand-new assessment shows no impact level and no flag.

The rule (docs/questionnaire-engine.md, "Not yet known"): a score or flag waits while every
question it reads is unanswered; a waiting flag is not raised, a waiting score gives no band.
"""

from __future__ import annotations

import pytest

from tests import factories
from tests.conftest import squash


def panel(page) -> dict:
    """What the scores panel says: its rows (key -> value), flags raised, and its hints."""
    aside = page.one("//aside[@id='live-scores']")
    rows = {squash(row.xpath("string(dt)")): squash(row.xpath("string(dd)"))
            for row in aside.xpath(".//div[contains(@class, 'summary-list__row')]")}
    flags = [squash(li.text_content()) for li in aside.xpath(".//li[contains(@class, 'flag')]")]
    return {"rows": rows, "flags": flags, "text": squash(aside.text_content())}


@pytest.fixture
def staff(client, people, login):
    login(client, people["staff"].email)
    return client


@pytest.mark.parametrize("which", ["full", "rapid"])
def test_a_brand_new_assessment_shows_not_yet_known_and_no_flag(staff, people, session,
                                                                 request, which):
    questionnaire = request.getfixturevalue(which)
    assessment = factories.start_assessment(session, author=people["staff"],
                                            questionnaire=questionnaire)
    page = staff.get_page(f"/assessments/{assessment.id}")
    shown = panel(page)
    assert shown["rows"]["Impact level"] == "Not yet known"
    assert shown["flags"] == [] and "No flags raised." in shown["text"]
    assert not page.by_class("tag--high") and not page.by_class("flag--high")
    assert "None of the data sources is broken down by race" not in page.text("//body")
    # every score waits for its questions too
    scores = [value for key, value in shown["rows"].items() if key != "Impact level"]
    assert scores and all(value == "Not yet known" for value in scores)
    assert "Checks not made yet" in shown["text"]


def test_the_race_data_flag_appears_once_data_sources_are_answered(staff, people, session,
                                                                   full):
    assessment = factories.start_assessment(session, author=people["staff"],
                                            questionnaire=full)
    assessment.answers = {"data_sources": [{"source": "Census", "year": 2020, "by_race": "no"}]}
    session.add(assessment)
    session.commit()
    page = staff.get_page(f"/assessments/{assessment.id}")
    shown = panel(page)
    assert shown["flags"] == [
        "High None of the data sources is broken down by race, so the analysis cannot show who "
        "is worse off."]
    assert shown["rows"]["Impact level"] == "Mixed or uncertain"  # the flag's min_level
