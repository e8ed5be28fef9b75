""""What changed since the last submission" in a real browser at 1280 px: a long changed answer
wraps to the page (nothing to scroll sideways), the changed words are marked, axe is content."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from equity_tool.assessments import service as use_cases
from equity_tool.core import db
from equity_tool.core.models import Assessment, User
from equity_tool.review.workflow import Action
from tests import factories
from tests.browser.wizard_pages import sign_in

pytestmark = pytest.mark.browser

RAPID = "rapid-equity-check"
TITLE = "Library summer hours, what changed at 1280 px"
LONG = ("Open the **Eastside** branch library until 8 p.m. from June to August. " * 12
        + "\n\nSee https://www.example.org/" + "a-very-long-path-without-any-break-" * 8)


def resubmitted(live_app, stored_assessment) -> int:
    """A rapid check returned by the officer, its summary rewritten, and resubmitted."""
    assessment_id = stored_assessment(RAPID, f"{RAPID}--complete", title=TITLE)
    with live_app.app_context():
        session = db.get_session()
        assessment = session.get(Assessment, assessment_id)
        assessment.answers = {**assessment.answers, "decision_summary": LONG}
        session.add(assessment)
        session.commit()
        factories.bring_to(session, assessment=assessment, state="returned")
        staff = session.get(User, assessment.created_by_id)
        new = LONG.replace("8 p.m.", "9 p.m.", 3).replace("**Eastside**", "**Eastside** and "
                                                          "Riverbend", 1)
        use_cases.save_answers(session, user=staff, assessment=assessment,
                               revision=assessment.revision,
                               answers={**assessment.answers, "decision_summary": new},
                               other_texts={})
        factories.act(session, user=staff, assessment=assessment,
                      action=Action.SUBMIT)
        assert assessment.state == "resubmitted"
    return assessment_id


def test_a_long_changed_answer_wraps_at_1280_px(page: Page, live_app, stored_assessment,
                                                 assert_no_axe_violations):
    assessment_id = resubmitted(live_app, stored_assessment)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "officer@example.org")
    page.goto(f"/assessments/{assessment_id}/review")
    changes = page.locator("#changes")
    expect(changes.locator("ins")).to_have_text(
        ["inserted: and Riverbend", "inserted: 9", "inserted: 9", "inserted: 9"])
    expect(changes.locator("del")).to_have_text(["deleted: 8"] * 3)
    expect(changes.locator("ins").first).to_have_css("text-decoration-line", "underline")
    expect(changes.locator("del").first).to_have_css("text-decoration-line", "line-through")
    assert "**" not in changes.inner_text()
    # Nothing wider than its box: not the section, not the answer, not the page.
    widths = page.evaluate("""() => [
        document.querySelector('#changes'), document.querySelector('.changes__diff'),
        document.documentElement].map(e => [e.scrollWidth, e.clientWidth])""")
    assert all(scroll <= client for scroll, client in widths), widths
    assert_no_axe_violations(page)
    changes.get_by_text("Show the whole previous answer").click()
    expect(changes.locator("details").first).to_contain_text("until 8 p.m.")
    widths = page.evaluate("""() => [...document.querySelectorAll('#changes, #changes details')]
        .map(e => [e.scrollWidth, e.clientWidth])""")
    assert all(scroll <= client for scroll, client in widths), widths
    assert_no_axe_violations(page)
