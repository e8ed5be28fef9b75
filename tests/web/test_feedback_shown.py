"""What the officer decided reaches the department, and what the director said reaches the
officer (issue 11, items 5 and 6): the return note and each step's "Needs changes" on the
returned task list, the director's sign-off note on the review page."""

from __future__ import annotations

from equity_tool.review import service as review
from equity_tool.review.workflow import Action
from tests.conftest import squash

NOTE = "Please say where the cost figure comes from."


def return_with(session, people, act, assessment, questionnaire, verdicts, note=NOTE):
    """The officer gives each step in `verdicts` its verdict, then returns with `note`."""
    for section_id, verdict in verdicts.items():
        review.set_verdict(session, user=people["officer"], assessment=assessment,
                           questionnaire=questionnaire, section_id=section_id, verdict=verdict)
    act(people["officer"], assessment, Action.RETURN, note=note)


def step_line(page, number: int) -> str:
    return squash(page.all("//ol[@class='task-list']/li")[number - 1].text_content())


def test_the_returned_task_list_shows_the_note_and_the_steps_that_need_changes(
        session, people, client, login, answered, bring_to, act, rapid):
    assessment = bring_to(answered(people["staff"]), "in review")
    return_with(session, people, act, assessment, rapid,
                {"decision": "acceptable", "people_places": "needs changes"})

    login(client, "ana@city.gov")
    page = client.get_page(f"/assessments/{assessment.id}")
    summary = page.one("//section[@id='officer-comments']")
    title = squash(summary.xpath(".//h2")[0].text_content())
    assert title.startswith("The equity officer returned this assessment on ")
    assert page.text("//div[@id='return-note']") == NOTE
    assert "Note for the department" in squash(summary.text_content())
    flagged = page.one("//p[@id='steps-needing-changes']")
    assert squash(flagged.text_content()) == (
        "Step marked “Needs changes”: 2. Who is affected.")
    assert flagged.xpath(".//a/@href") == [
        f"/assessments/{assessment.id}/sections/people_places"]
    # With no comment to reply to, the summary says what to do, without a dead link.
    assert "Make the changes, then submit again." in squash(summary.text_content())
    assert not summary.xpath(".//a[contains(., 'Reply to the comments')]")

    # Beside the step, in words (not colour alone), and read with the step's link.
    assert "Needs changes" in step_line(page, 2)
    assert "Needs changes" not in step_line(page, 1) + step_line(page, 3)
    link = page.one("//ol[@class='task-list']//a[contains(@href, '/sections/people_places')]")
    assert link.get("aria-describedby") == "status-people_places verdict-people_places"
    assert page.text("//*[@id='verdict-people_places']") == (
        "Needs changes The equity officer marked this step as needing changes.")


def test_the_comments_still_show_beside_the_note(session, people, client, login, answered,
                                                  bring_to, act, rapid):
    assessment = bring_to(answered(people["staff"]), "in review")
    review.add_comment(session, user=people["officer"], assessment=assessment,
                       questionnaire=rapid, question_id="estimated_cost",
                       body="Where does the $85,000 come from?")
    act(people["officer"], assessment, Action.RETURN, note=NOTE)

    login(client, "ana@city.gov")
    page = client.get_page(f"/assessments/{assessment.id}")
    summary = squash(page.one("//section[@id='officer-comments']").text_content())
    assert NOTE in summary
    assert "Estimated cost: Where does the $85,000 come from?" in summary
    assert "Reply to the comments and mark them as addressed" in summary
    assert not page.all("//p[@id='steps-needing-changes']")  # no step was marked
    assert "Needs changes" not in page.text("//ol[@class='task-list']")


def test_verdicts_stay_with_the_officer_until_the_assessment_is_returned(
        session, people, client, login, answered, bring_to, rapid):
    assessment = bring_to(answered(people["staff"]), "in review")
    review.set_verdict(session, user=people["officer"], assessment=assessment,
                       questionnaire=rapid, section_id="decision", verdict="needs changes")

    login(client, "ana@city.gov")
    page = client.get_page(f"/assessments/{assessment.id}")
    assert "Needs changes" not in page.text()
    assert not page.all("//section[@id='officer-comments']")


def test_a_resubmission_no_longer_shows_the_last_return(session, people, client, login,
                                                        answered, bring_to):
    assessment = bring_to(answered(people["staff"]), "resubmitted")  # returned once, then sent
    login(client, "ana@city.gov")
    page = client.get_page(f"/assessments/{assessment.id}")
    assert "Needs changes" not in page.text()
    assert not page.all("//section[@id='officer-comments']")


def test_the_review_page_shows_the_directors_sign_off_note(people, client, login, answered,
                                                           act, full):
    assessment = answered(people["staff"], full)
    act(people["staff"], assessment, Action.SUBMIT)
    act(people["director"], assessment, Action.SIGN_OFF,
        note="Signed off on condition that the budget is confirmed in May.")

    login(client, "olu@city.gov")
    page = client.get_page(f"/assessments/{assessment.id}/review")
    section = page.one("//section[@id='director-signoff']")
    shown = squash(section.text_content())
    assert shown.startswith("Director’s sign-off Dee Director signed off this assessment on ")
    assert shown.endswith("Signed off on condition that the budget is confirmed in May.")
    # Near the top: before the button that starts the review and the answers.
    assert section.getnext().get("id") == "start-review"


def test_no_sign_off_section_without_a_note(people, client, login, answered, bring_to, full,
                                            rapid):
    with_signoff = bring_to(answered(people["staff"], full), "submitted")  # signed, no note
    without = bring_to(answered(people["staff"], rapid, title="No sign-off"), "submitted")
    login(client, "olu@city.gov")
    for assessment in (with_signoff, without):
        page = client.get_page(f"/assessments/{assessment.id}/review")
        assert not page.all("//section[@id='director-signoff']")
