"""Review and routing in a real browser: staff submit the full assessment, the director signs
off, the equity officer comments and returns it, staff reply, fix and resubmit, the officer
sees what changed and approves, a councillor reads it and downloads the Word file. Each person
has their own browser context (own cookies); axe checks every review page on the way, and the
officer works the review by keyboard. Each point of issue 11 is asserted where a person meets
it on the way."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import docx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from equity_tool.accounts import service as accounts
from equity_tool.assessments import service as use_cases
from equity_tool.core import db
from equity_tool.core.models import Assessment
from equity_tool.questionnaire.answersfile import read_answers
from tests.browser.wizard_pages import sign_in, start_assessment
from tests.export.conftest import all_text

pytestmark = pytest.mark.browser

FULL = "racial-equity-impact-assessment"
ANSWERS = "racial-equity-impact-assessment--complete"
TITLE = "Eastside Pool renovation, reviewed in a browser"
STAFF, DIRECTOR, OFFICER = "staff@example.org", "director@example.org", "officer@example.org"
COUNCILLOR = "councillor@example.org"
LEAD = "Lead person for this assessment"
COMMENT = "Name the person who will answer the council's questions, not the project manager."
MOST_TABS = 80  # a field further than this from where Tab starts is not "reachable"
TEAM = "Who else is on the assessment team? (optional)"  # a long answer: markdown
TEAM_LINES = ["Dana Whitfield, Parks capital projects", "Luis Herrera, aquatics supervisor",
              "Amina Warsame, community liaison", "Mai Vang, Parks budget analyst",
              "Two members of the Eastside youth council"]
TABLE_QUESTION = "Results and outcomes sought"
SIGN_OFF_NOTES = {True: "Signed off by Dana.",
                  False: "Signed off again: Luis Herrera now leads the assessment."}
A_DATE = re.compile(r"\b\d{1,2} (January|February|March|April|May|June|July|August|September"
                    r"|October|November|December) \d{4}\b")  # "2 December 2026", as the web says


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


def test_the_whole_review_round_trip(open_as, live_app, assert_no_axe_violations, tmp_path):
    staff = open_as(STAFF)
    task_list = start_assessment(staff, FULL, TITLE)
    assessment_id = int(task_list.rsplit("/", 1)[1])
    nothing_known_yet(staff)
    # Nothing asked twice: step 1 shows what the start page asked, answered, in its words.
    staff.get_by_role("link", name=re.compile(r"^1\. About the proposal")).click()
    expect(staff.get_by_label(re.compile(r"^Name of the proposal"))).to_have_value(TITLE)
    expect(staff.get_by_label("Program or service")).to_be_checked()
    store_answers(live_app, assessment_id)
    staff.goto(task_list)  # with the answers stored meanwhile: a capital project
    staff.get_by_role("link", name=re.compile(r"^1\. About the proposal")).click()
    required_follows_the_answers(staff)
    type_five_lines(staff, task_list)
    check_answers(staff, task_list, assert_no_axe_violations)
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
    councillor_reads_and_downloads(open_as(COUNCILLOR), tmp_path, assert_no_axe_violations)


def nothing_known_yet(staff: Page) -> None:
    """A brand-new assessment (only the start page's questions answered) has no verdict yet:
    every score and the impact level are not yet known, and no flag is raised."""
    panel = staff.get_by_role("complementary", name="Scores so far")
    values = panel.locator("dd")
    assert values.count() > 1
    expect(values).to_have_text(["Not yet known"] * values.count())
    expect(panel).to_contain_text("No flags raised.")
    expect(panel).not_to_contain_text("None of the data sources is broken down by race")


def required_follows_the_answers(staff: Page) -> None:
    """The kind of decision decides whether "Estimated cost" is required, at once, without a
    reload: the autosave's answer puts "(optional)" in the field's name or takes it off, and
    says so, and the field's aria-required follows."""
    cost = staff.get_by_label(re.compile(r"^Estimated cost"))
    status = staff.locator("#save-status")
    expect(cost).to_have_accessible_name("Estimated cost")
    staff.get_by_label("Program or service", exact=True).check()
    expect(cost).to_have_accessible_name("Estimated cost (optional)")
    expect(status).to_contain_text("Now optional: Estimated cost")
    expect(cost).not_to_have_attribute("aria-required", "true")
    staff.get_by_label("Capital project", exact=True).check()
    expect(cost).to_have_accessible_name("Estimated cost")
    expect(status).to_contain_text("Now required: Estimated cost")
    expect(cost).to_have_attribute("aria-required", "true")
    expect(staff.locator("#section-form")).to_have_attribute("data-autosave", "saved")


def type_five_lines(staff: Page, task_list: str) -> None:
    """Five lines typed one per line into a long answer (a markdown one) on step 1."""
    team = staff.get_by_label(TEAM, exact=True)
    team.fill("")
    for number, line in enumerate(TEAM_LINES):
        if number:
            team.press("Enter")
        team.press_sequentially(line)
    expect(staff.locator("#section-form")).to_have_attribute("data-autosave", "saved")
    staff.get_by_role("button", name="Save and return to all steps").click()
    expect(staff).to_have_url(re.compile(f"{task_list}$"))


def shows_five_lines(answer: Locator) -> None:
    """The typed lines are on lines of their own: four line breaks, not one run-on paragraph."""
    expect(answer.locator("br")).to_have_count(4)
    assert answer.inner_text().splitlines() == TEAM_LINES


def tables_read_well(page: Page) -> None:
    """Each table's name is said once: the question's label above it, not again by a group or
    region around it. And no column header breaks inside a word: each header cell is at least
    as wide as its longest word (measured in the cell's own font)."""
    expect(page.get_by_role("table")).not_to_have_count(0)
    expect(page.get_by_role("group", name=TABLE_QUESTION)).to_have_count(0)
    expect(page.get_by_role("region", name=TABLE_QUESTION)).to_have_count(0)
    squeezed = page.evaluate("""() => {
      const context = document.createElement("canvas").getContext("2d");
      return [...document.querySelectorAll("main table thead th")].flatMap(th => {
        const style = getComputedStyle(th);
        const { fontStyle, fontWeight, fontSize, fontFamily } = style;
        context.font = `${fontStyle} ${fontWeight} ${fontSize} ${fontFamily}`;
        const longest = Math.max(0, ...th.textContent.split(/\\s+/).filter(Boolean)
                                          .map(word => context.measureText(word).width));
        const width = th.clientWidth - parseFloat(style.paddingLeft)
                      - parseFloat(style.paddingRight);
        return width + 0.5 < longest ? [`${th.textContent.trim()}: ${width} < ${longest}`] : [];
      });
    }""")
    assert not squeezed, f"headers narrower than a word on {page.url}: {squeezed}"


def check_answers(staff: Page, task_list: str, axe) -> None:
    """Check answers at 1280 px: the typed lines, dates as the web writes them, the tables."""
    staff.set_viewport_size({"width": 1280, "height": 800})
    staff.goto(f"{task_list}/check")
    shows_five_lines(staff.locator("#answer-team .markdown"))
    expect(staff.locator("#answer-decision_date dd").first).to_have_text(A_DATE)
    tables_read_well(staff)
    axe(staff)


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
    director.get_by_label("Note for the equity officer (optional)").fill(SIGN_OFF_NOTES[first])
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


def director_said(officer: Page, *, first: bool) -> None:
    """The review page shows the director's sign-off note, not only the history page."""
    signoff = officer.get_by_role("region", name="Director’s sign-off")
    expect(signoff).to_contain_text("Dana Director signed off this assessment on")
    expect(signoff).to_contain_text(SIGN_OFF_NOTES[first])
    if not first:
        expect(signoff).not_to_contain_text(SIGN_OFF_NOTES[True])


def officer_returns(officer: Page, assessment_id: int, axe) -> int:
    """Opening the page changes nothing; "Start the review" does. Then a comment, a verdict
    and Return, all by keyboard. Returns the officer's unread count (the submission is one)."""
    officer.locator("#queue tbody tr", has_text=TITLE).get_by_role("link", name=TITLE).click()
    expect(officer).to_have_url(re.compile(f"/assessments/{assessment_id}/review$"))
    expect(state_tag(officer)).to_have_text("Submitted")
    director_said(officer, first=True)
    expect(officer.locator("main")).to_contain_text("Submission 1,")  # as the .docx says
    shows_five_lines(officer.locator("#q-team .markdown"))
    tables_read_well(officer)
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
    expect(officer.locator("#q-lead_name .comment")).to_contain_text("on submission 1")

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
    director_said(officer, first=False)  # the latest sign-off
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


def councillor_reads_and_downloads(councillor: Page, tmp_path: Path, axe) -> None:
    """The approved assessment in the reading room, then its Word file, which says what the
    web says: the typed lines, dates written alike, "State: Approved", "submission 1"."""
    councillor.get_by_role("link", name="Reading room").click()
    councillor.get_by_role("link", name=TITLE, exact=True).click()
    expect(councillor.get_by_role("heading", level=1)).to_have_text(TITLE)
    shows_five_lines(councillor.locator("#answer-team .markdown"))

    def about(term: str) -> Locator:
        """The value beside `term` in the list about the assessment."""
        return councillor.locator("#about .summary-list__row").filter(
            has=councillor.get_by_role("term").filter(has_text=re.compile(f"^{term}$"))
        ).get_by_role("definition")

    expect(about("State")).to_have_text("Approved")
    approved = A_DATE.search(about("Approved").inner_text())
    assert approved, "no approval date on the page"
    decided = councillor.locator("#answer-decision_date").get_by_text(A_DATE)
    expect(decided).to_have_count(1)
    expect(councillor.locator(".comment").first).to_contain_text("on submission 1")
    tables_read_well(councillor)
    axe(councillor)

    with councillor.expect_download() as info:
        # Named exactly so: no space before the colon (issue 11, item 10).
        councillor.get_by_role(
            "link", name=f"Word document (.docx): {TITLE}", exact=True).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    document = docx.Document(str(path))
    assert document.core_properties.title == TITLE
    text = all_text(document)
    assert "Luis Herrera" in text.splitlines()  # the lead, as changed in the second round
    assert "\n".join(TEAM_LINES) in text  # Word line breaks, as on the pages
    assert "State: Approved" in text
    assert approved.group() in text and decided.inner_text() in text  # dates as on the web
    assert not re.search(r"\b\d{4}-\d\d-\d\d\b", text), "an ISO date in the .docx"
    assert "submission 1" in text and not re.search(r"\bround \d", text, re.IGNORECASE)
