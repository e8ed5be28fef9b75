"""Steps the wizard's browser tests share: signing in and starting an assessment.

A module of its own, not the conftest: with a conftest in several test folders, `from conftest
import …` finds whichever was imported first.
"""

from __future__ import annotations

from playwright.sync_api import Page

from equity_tool.cli import DEMO_PASSWORD

STAFF = "staff@example.org"


def sign_in(page: Page, email: str = STAFF) -> None:
    """Sign in through the form, as a person would."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def start_assessment(page: Page, questionnaire_id: str, title: str, language: str = "en") -> str:
    """Start an assessment from its start page; returns the task list's path."""
    page.goto(f"/questionnaires/{questionnaire_id}")
    page.get_by_label("Title of the assessment").fill(title)
    page.get_by_label("Program", exact=True).check()
    if language != "en":
        page.locator(f"input[name=language][value={language}]").check()
    page.get_by_role("button", name="Start assessment").click()
    page.wait_for_url("**/assessments/*")
    return page.url.removeprefix(page.url.split("/assessments/")[0])
