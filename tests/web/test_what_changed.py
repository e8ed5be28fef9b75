"""The officer's "What changed since the last submission": staff change answers of a returned
assessment through the wizard and resubmit; the review page marks exactly the words that
changed (<del>, <ins>, each announced to screen readers), renders markdown as everywhere else,
and wraps to the page instead of a table to scroll sideways."""

from __future__ import annotations

from tests import factories
from tests.conftest import ROOT, squash

OLD_SUMMARY = (
    "Open the **Eastside** branch library until 8 p.m. from June to August.\n\n"
    "It is paid for by closing the downtown library one hour earlier, so children and "
    "teenagers have a cool, safe place to read on summer evenings.")
NEW_SUMMARY = (
    "Open the **Eastside** and Riverbend branch libraries until 9 p.m. from June to August.\n\n"
    "It is paid for by closing the downtown library one hour earlier, so children and "
    "teenagers have a cool, safe place to read on summer evenings.")
CHANGES = "//section[@id='changes']"


def marks(page, tag: str) -> list[str]:
    return [squash(e.text_content()) for e in page.all(f"{CHANGES}//{tag}")]


def resubmitted(session, people, client, login, answered, bring_to):
    """A returned rapid check whose summary (markdown) and cost staff change and resubmit."""
    answers = {**factories.example_answers(factories.load_questionnaire(factories.RAPID)),
               "decision_summary": OLD_SUMMARY}
    assessment = bring_to(answered(people["staff"], answers=answers), "returned")
    login(client, "ana@city.gov")
    step = client.get_page(f"/assessments/{assessment.id}/sections/decision")
    response = client.submit(step, {"decision_summary": NEW_SUMMARY, "estimated_cost": "90000",
                                    "action": "save"}, form="//form[@id='section-form']")
    assert response.status == 302, response.error_summary
    check = client.get_page(f"/assessments/{assessment.id}/check")
    assert client.submit(check, {}, form="//form[contains(@action, '/submit')]").status == 302
    session.refresh(assessment)
    assert assessment.state == "resubmitted"
    login(client, "olu@city.gov")
    return assessment


def test_the_changed_words_are_marked_and_announced(session, people, client, login, answered,
                                                    bring_to):
    assessment = resubmitted(session, people, client, login, answered, bring_to)
    page = client.get_page(f"/assessments/{assessment.id}/review")

    questions = [squash(dt.text_content()) for dt in page.all(f"{CHANGES}//dt")]
    assert questions == ["What is being decided, and what result should it bring for the "
                         "community?", "Estimated cost"]
    # Exactly the changed words, each with what a screen reader says before it.
    assert marks(page, "ins") == ["inserted: and Riverbend", "inserted: libraries",
                                  "inserted: 9", "inserted: 90,000"]
    assert marks(page, "del") == ["deleted: library", "deleted: 8", "deleted: 85,000"]
    hidden = page.all(f"{CHANGES}//*[self::ins or self::del]/span[@class='visually-hidden']")
    assert len(hidden) == 7
    # The unchanged words are there, unmarked, once.
    summary = page.one(f"({CHANGES}//dd)[1]/div[contains(@class, 'changes__diff')]")
    assert "until deleted: 8 inserted: 9 p.m. from June to August." in squash(
        summary.text_content())
    assert squash(summary.text_content()).count("one hour earlier") == 1


def test_markdown_is_rendered_as_everywhere_else(session, people, client, login, answered,
                                                 bring_to):
    assessment = resubmitted(session, people, client, login, answered, bring_to)
    page = client.get_page(f"/assessments/{assessment.id}/review")
    section = page.one(CHANGES)
    assert "**" not in section.text_content()
    diff = page.one(f"{CHANGES}//div[contains(@class, 'changes__diff') and "
                    "contains(@class, 'markdown')]")
    assert [squash(s.text_content()) for s in diff.xpath(".//strong")] == ["Eastside"]
    assert len(diff.xpath("./p")) == 2  # two paragraphs, as on the rest of the page
    # The whole previous answer is one click away, rendered too.
    before = page.one(f"({CHANGES}//dd)[1]/details")
    assert squash(before.xpath("string(summary)")).startswith("Show the whole previous answer")
    assert [squash(s.text_content()) for s in before.xpath(".//strong")] == ["Eastside"]
    assert "until 8 p.m." in squash(before.text_content())


def test_no_table_to_scroll_sideways(session, people, client, login, answered, bring_to):
    assessment = resubmitted(session, people, client, login, answered, bring_to)
    page = client.get_page(f"/assessments/{assessment.id}/review")
    assert not page.all(f"{CHANGES}//table") and not page.all(f"{CHANGES}//*[@tabindex]")
    assert page.all(f"{CHANGES}//dl[@class='changes']/div/dt")
    css = (ROOT / "static" / "css" / "review.css").read_text(encoding="utf-8")
    assert "overflow-wrap: anywhere" in css  # a long word or link wraps too


def test_after_start_the_review_it_is_still_there(session, people, client, login, answered,
                                                  bring_to):
    assessment = resubmitted(session, people, client, login, answered, bring_to)
    page = client.get_page(f"/assessments/{assessment.id}/review")
    assert client.submit(page, {}, form="//form[@id='start-review']").status == 302
    page = client.get_page(f"/assessments/{assessment.id}/review")
    assert marks(page, "del") == ["deleted: library", "deleted: 8", "deleted: 85,000"]


def test_user_text_is_never_markup(session, people, client, login, answered, bring_to):
    answers = {**factories.example_answers(factories.load_questionnaire(factories.RAPID)),
               "decision_summary": "Plain <b>words</b>."}
    assessment = bring_to(answered(people["staff"], answers=answers), "returned")
    login(client, "ana@city.gov")
    step = client.get_page(f"/assessments/{assessment.id}/sections/decision")
    client.submit(step, {"decision_summary": "Plain <script>alert(1)</script> words.",
                         "action": "save"}, form="//form[@id='section-form']")
    check = client.get_page(f"/assessments/{assessment.id}/check")
    assert client.submit(check, {}, form="//form[contains(@action, '/submit')]").status == 302
    login(client, "olu@city.gov")
    page = client.get_page(f"/assessments/{assessment.id}/review")
    assert not page.all(f"{CHANGES}//script | {CHANGES}//b")
    # Shown as typed; the diff keeps the "<" and "/" that both versions share.
    assert "inserted: script>alert(1)" in marks(page, "ins")
    assert "Plain <b>words</b>." in page.text(f"({CHANGES}//dd)[1]//details")
