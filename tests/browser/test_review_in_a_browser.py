"""Review and routing in a real browser: staff submit the full assessment, the director signs
off, the equity officer comments and returns it, staff reply, fix and resubmit, the officer
sees what changed and approves. Each person has their own browser context (own cookies);
axe checks every review page on the way, and the officer works the review by keyboard."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from equity_tool.accounts import service as accounts
from equity_tool.assessments import service as use_cases
from equity_tool.core import db
from equity_tool.core.models import Assessment
from equity_tool.questionnaire.answersfile import read_answers
from tests.browser.wizard_pages import sign_in, start_assessment

pytestmark = pytest.mark.browser

FULL = "racial-equity-impact-assessment"
ANSWERS = "racial-equity-impact-assessment--complete"
TITLE = "Eastside Pool renovation, reviewed in a browser"
STAFF, DIRECTOR, OFFICER = "staff@example.org", "director@example.org", "officer@example.org"
LEAD = "Lead person for this assessment"
COMMENT = "Name the person who will answer the council's questions, not the project manager."
MOST_TABS = 80  # a field further than this from where Tab starts is not "reachable"


@pytest.fixture
def open_as(browser: Browser, live_server: str) -> Iterator[Callable[[str], Page]]:
    """open_as(email): a tab in a browser context of its own, signed in as that person."""
    contexts = []

    def open_(email: str) -> Page:
        context = browser.new_context(base_url=live_server)
        context.set_default_timeout(5000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, email)
        return page

    yield open_
    for context in contexts:
        context.close()


def store_answers(live_app, assessment_id: int) -> None:
    """Fill the long questionnaire as the staff member would, through the app's use case."""
    with live_app.app_context():
        session = db.get_session()
        assessment = session.get(Assessment, assessment_id)
        questionnaire = live_app.extensions["equity_tool.registry"].current(FULL)
        path = Path(__file__).parents[2] / "questionnaires" / "examples" / f"{ANSWERS}.yaml"
        answers, problems = read_answers(questionnaire, path.read_text(), str(path))
        assert not problems, problems
        use_cases.save_answers(session, user=accounts.find_user(session, email=STAFF),
                               assessment=assessment, revision=assessment.revision,
                               answers=answers, other_texts={})


def unread(page: Page) -> int:
    """The unread count in the header of the page on screen."""
    text = page.locator(".header__link", has_text="Notifications").inner_text()
    return int(re.fullmatch(r"Notifications \((\d+) unread\)", text).group(1))


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus, as a keyboard user would."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} not reached in {MOST_TABS} presses of Tab")


def flash(page: Page) -> Locator:
    return page.locator(".notification--success")


def state_tag(page: Page) -> Locator:
    return page.locator("main .tag").first


def test_the_whole_review_round_trip(open_as, live_app, assert_no_axe_violations):
    staff = open_as(STAFF)
    task_list = start_assessment(staff, FULL, TITLE)
    assessment_id = int(task_list.rsplit("/", 1)[1])
    # Nothing asked twice: step 1 shows what the start page asked, answered, in its words.
    staff.get_by_role("link", name=re.compile(r"^1\. About the proposal")).click()
    expect(staff.get_by_label(re.compile(r"^Name of the proposal"))).to_have_value(TITLE)
    expect(staff.get_by_label("Program or service")).to_be_checked()
    store_answers(live_app, assessment_id)
    staff_unread = submit(staff, task_list)

    director = open_as(DIRECTOR)
    assert unread(director) >= 1
    sign_off(director, assessment_id, assert_no_axe_violations, first=True)
    assert unread(director) == 0  # read on the notifications page

    officer = open_as(OFFICER)
    the_queue(officer, assert_no_axe_violations)
    officer_unread = officer_returns(officer, assessment_id, assert_no_axe_violations)

    staff.goto(task_list)
    assert unread(staff) == staff_unread + 1  # "returned to you"
    staff_answer(staff, task_list, assert_no_axe_violations)
    submit(staff, task_list)
    sign_off(director, assessment_id, assert_no_axe_violations, first=False)
    officer.goto("/review")
    assert unread(officer) == officer_unread + 1  # "waiting for review", again
    officer_approves(officer, assert_no_axe_violations)
    staff_sees_approval(staff, task_list, assert_no_axe_violations)


def submit(staff: Page, task_list: str) -> int:
    """Submit from the check answers page; returns the staff member's unread count."""
    staff.goto(f"{task_list}/check")
    staff.get_by_role("button", name="Submit for review").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Assessment submitted")
    expect(staff.locator("main")).to_contain_text("gone to your department's director")
    return unread(staff)


def sign_off(director: Page, assessment_id: int, axe, *, first: bool) -> None:
    """The director finds the sign-off among the notifications and signs off: the first time
    from the task list, the second after reading the answers."""
    director.reload()
    waiting = director.get_by_role("link", name=f"“{TITLE}” is waiting for your sign-off",
                                   exact=True)
    again = director.get_by_role(
        "link", name=f"“{TITLE}” was resubmitted and is waiting for your sign-off", exact=True)
    director.get_by_role("link", name=re.compile(r"^Notifications")).click()
    expect(waiting).to_have_count(1)
    expect(again).to_have_count(0 if first else 1)  # the second request says what it is
    if first:
        expect(director.locator("#notifications .tag", has_text="New")).not_to_have_count(0)
        axe(director)  # the notifications page
    (waiting if first else again).click()
    expect(director).to_have_url(re.compile(f"/assessments/{assessment_id}$"))
    expect(state_tag(director)).to_have_text("Awaiting sign-off")
    if not first:
        director.get_by_role("link", name="Read all answers").click()
        expect(director.get_by_role("heading", level=1)).to_have_text("Answers")
    button = director.get_by_role("button", name="Sign off and send to the equity officer")
    expect(button).to_be_visible()
    expect(director.get_by_role("button", name="Send back")).to_be_visible()
    axe(director)  # the task list, then the answers, awaiting sign-off, with the buttons
    director.get_by_label("Note for the equity officer (optional)").fill("Signed off by Dana.")
    button.click()
    expect(flash(director)).to_have_text(f"You signed off “{TITLE}”.")
    expect(state_tag(director)).to_have_text("Resubmitted" if not first else "Submitted")


def the_queue(officer: Page, axe) -> None:
    """The queue, filtered, and with a filter value that is not one of the options."""
    officer.get_by_role("link", name="Open the review queue").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Review queue")
    row = officer.locator("#queue tbody tr", has_text=TITLE)
    expect(row).to_contain_text("Transportation")
    expect(row).to_contain_text("Submitted")
    officer.get_by_label("Department").select_option(label="Transportation")
    officer.get_by_label("Questionnaire").select_option(value=FULL)
    officer.get_by_label("State").select_option(label="Submitted")
    officer.get_by_role("button", name="Apply filters").click()
    expect(officer).to_have_url(re.compile(r"department=\d+&questionnaire=.*&state=submitted"))
    expect(row).to_have_count(1)
    expect(officer.locator("#queue caption")).to_contain_text("(filtered)")
    expect(officer.get_by_label("State")).to_have_value("submitted")
    axe(officer)
    officer.goto("/review?waiting=forever&state=submitted")
    summary = officer.locator(".error-summary")
    expect(summary).to_contain_text("Choose a waiting time from the list")
    expect(officer.locator("#filter-waiting-error")).to_contain_text("“forever” is not one")
    axe(officer)
    summary.get_by_role("link").click()
    expect(officer.get_by_label("Waiting", exact=True)).to_be_focused()
    officer.get_by_role("link", name="Clear filters").click()
    expect(row).to_have_count(1)


def officer_returns(officer: Page, assessment_id: int, axe) -> int:
    """Opening the page changes nothing; "Start the review" does. Then a comment, a verdict
    and Return, all by keyboard. Returns the officer's unread count (the submission is one)."""
    officer.locator("#queue tbody tr", has_text=TITLE).get_by_role("link", name=TITLE).click()
    expect(officer).to_have_url(re.compile(f"/assessments/{assessment_id}/review$"))
    expect(state_tag(officer)).to_have_text("Submitted")
    axe(officer)
    officer.get_by_role("button", name="Start the review").click()
    expect(flash(officer)).to_have_text(f"You started the review of “{TITLE}”.")
    expect(state_tag(officer)).to_have_text("In review")
    officer_unread = unread(officer)
    assert officer_unread >= 1

    # The comment on one answer: Tab from the top of the page to its box, type, Enter.
    box = officer.get_by_label(f"Comment on this answer: {LEAD} (optional)")
    tab_to(officer, box)
    officer.keyboard.type(COMMENT)
    officer.keyboard.press("Tab")
    expect(officer.get_by_role("button", name=f"Add comment on {LEAD}")).to_be_focused()
    officer.keyboard.press("Enter")
    expect(flash(officer)).to_have_text("Your comment was added.")
    expect(officer.locator("#q-lead_name .comment")).to_contain_text(COMMENT)

    # The verdict on the first step: Tab to its radios, arrow to "Needs changes", save.
    first_step = officer.get_by_role("group", name="Your verdict on “About the proposal”")
    tab_to(officer, first_step.get_by_label("Acceptable"))
    officer.keyboard.press("ArrowRight")
    expect(first_step.get_by_label("Needs changes")).to_be_checked()
    officer.keyboard.press("Tab")
    expect(officer.get_by_role("button", name="Save verdict on About the proposal")) \
        .to_be_focused()
    officer.keyboard.press("Enter")
    expect(flash(officer)).to_have_text("Your verdict was saved.")
    expect(officer.get_by_role("group", name="Your verdict on “About the proposal”")
           .get_by_label("Needs changes")).to_be_checked()
    axe(officer)  # in review, with a comment and a verdict

    # Return: from the last comment box, Tab on to the note and the button.
    officer.get_by_label("Comment on the whole assessment (optional)").focus()
    officer.keyboard.press("Tab")
    officer.keyboard.press("Tab")
    note = officer.get_by_label("Note for the department with the return (optional)")
    expect(note).to_be_focused()
    officer.keyboard.type("One answer to change; the rest is thorough.")
    officer.keyboard.press("Tab")
    expect(officer.get_by_role("button", name="Return for changes")).to_be_focused()
    officer.keyboard.press("Enter")
    expect(flash(officer)).to_have_text(f"You returned “{TITLE}”.")
    expect(officer.get_by_role("heading", level=1)).to_have_text("Review queue")
    expect(officer.locator("#queue tbody tr", has_text=TITLE)).to_have_count(0)
    return officer_unread


def staff_answer(staff: Page, task_list: str, axe) -> None:
    """The returned task list opens on the comments; staff reply, address, and fix."""
    expect(state_tag(staff)).to_have_text("Returned")
    summary = staff.locator("#officer-comments")
    expect(summary).to_contain_text("The equity officer returned this assessment")
    expect(summary.locator("li")).to_have_count(1)
    expect(summary.locator("li")).to_contain_text(f"{LEAD}: {COMMENT}")
    # what the officer decided: the note with the return, and the step that needs changes
    expect(summary).to_contain_text("One answer to change; the rest is thorough.")
    expect(staff.locator("#steps-needing-changes")).to_contain_text("About the proposal")
    step = staff.locator(".task-list__item", has_text="About the proposal")
    expect(step.locator(".tag--warning")).to_have_text("Needs changes")
    axe(staff)  # the returned task list, with the comment summary

    summary.get_by_role("link", name="Reply to the comments").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Comments from the equity officer")
    axe(staff)  # with reply forms
    reply = staff.get_by_label(f"Your reply to the comment on {LEAD} (optional)")
    reply.fill("Luis Herrera answers the council now.")
    staff.get_by_label(f"Mark this comment on {LEAD} as addressed").check()
    staff.get_by_role("button", name=f"Save your answer to the comment on {LEAD}").click()
    expect(flash(staff)).to_have_text("Your reply was saved.")
    expect(staff.locator(".comment .tag")).to_have_text("Addressed")
    expect(staff.locator(".comment__reply")).to_contain_text("Luis Herrera answers")
    expect(staff.get_by_label(re.compile("^Mark this comment"))).to_have_count(0)
    axe(staff)  # a comment addressed, with its reply

    staff.get_by_role("link", name=f"Change your answer to {LEAD}").click()
    field = staff.get_by_label(LEAD, exact=True)
    expect(field).to_have_value("Dana Whitfield")
    field.fill("Luis Herrera")
    staff.get_by_role("button", name="Save and return to all steps").click()
    expect(staff).to_have_url(re.compile(f"{task_list}$"))


def officer_approves(officer: Page, axe) -> None:
    """The resubmission shows what changed; a verdict with no choice and a Return with no
    comment are refused with a message; then Approve, with conditions, by keyboard."""
    row = officer.locator("#queue tbody tr", has_text=TITLE)
    expect(row).to_contain_text("Resubmitted")
    row.get_by_role("link", name=TITLE).click()
    expect(state_tag(officer)).to_have_text("Resubmitted")
    officer.get_by_role("button", name="Start the review").click()
    expect(state_tag(officer)).to_have_text("In review")
    changes = officer.locator("#changes")
    expect(changes.get_by_role("heading")).to_contain_text(
        ["What changed since the last submission", "Comments on the last submission"])
    expect(changes.locator("dt")).to_have_text([LEAD])
    expect(changes.locator("del")).to_have_text(["deleted: Dana Whitfield"])
    expect(changes.locator("ins")).to_have_text(["inserted: Luis Herrera"])
    expect(changes.locator(".comment-outcomes li")).to_contain_text(LEAD)
    expect(changes.locator(".comment-outcomes .tag")).to_have_text("Addressed")
    expect(officer.locator("#q-lead_name .comment")).to_contain_text("Luis Herrera answers")
    axe(officer)  # a resubmission, with what changed

    officer.get_by_role("button", name="Save verdict on About the proposal").click()
    summary = officer.locator(".error-summary")
    expect(summary).to_contain_text("Choose whether the step is acceptable or needs changes.")
    axe(officer)
    officer.get_by_role("button", name="Return for changes").click()
    expect(summary).to_contain_text("To return the assessment, comment on at least one answer")
    expect(state_tag(officer)).to_have_text("In review")
    axe(officer)

    officer.get_by_label("Conditions of approval (optional)").focus()
    officer.keyboard.type("Report swim-lesson enrolment by neighborhood after one year.")
    officer.keyboard.press("Tab")
    officer.keyboard.press("Tab")
    expect(officer.get_by_role("button", name="Approve", exact=True)).to_be_focused()
    officer.keyboard.press("Enter")
    expect(flash(officer)).to_have_text(f"You approved “{TITLE}”.")


def staff_sees_approval(staff: Page, task_list: str, axe) -> None:
    before = unread(staff)
    staff.goto(task_list)
    assert unread(staff) == before + 1
    expect(state_tag(staff)).to_have_text("Approved")
    expect(staff.locator("main")).to_contain_text("Report swim-lesson enrolment")

    staff.get_by_role("link", name=re.compile(r"^Notifications")).click()
    cards = staff.locator("#notifications .card")
    expect(cards.first).to_contain_text(f"“{TITLE}” was approved")
    expect(cards.nth(1)).to_contain_text(f"“{TITLE}” was returned to you")
    assert unread(staff) == 0
    axe(staff)

    staff.goto(f"{task_list}/history")
    expect(staff.get_by_role("heading", level=1)).to_have_text("History")
    what = staff.locator("#history tbody td:nth-child(3)")
    expect(what).to_contain_text([
        "Approved: in review → approved",
        "Review started: resubmitted → in review",
        "Signed off: awaiting sign-off → resubmitted",
        "Submitted: returned → awaiting sign-off",
        f"Changed “{LEAD}”",
        "Returned: in review → returned",
        "Review started: submitted → in review",
        "Signed off: awaiting sign-off → submitted",
        "Submitted: draft → awaiting sign-off",
        "Started: draft",
    ])
    changed = staff.locator("#history tbody tr", has_text=f"Changed “{LEAD}”")
    # Stored at the start, then changed once (autosave and the button save it only once).
    expect(changed.locator("td:nth-child(4)")).to_have_text(
        ["Dana Whitfield → Luis Herrera", "Not answered → Dana Whitfield"])
    axe(staff)

