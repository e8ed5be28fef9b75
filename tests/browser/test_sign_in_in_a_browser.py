"""Signing in with a real browser: accessible, and usable by keyboard alone."""

import re

import pytest
from playwright.sync_api import Page, expect

from equity_tool.demo import DEMO_PASSWORD
from tests.browser.wizard_pages import tab_to

pytestmark = pytest.mark.browser


def test_sign_in_page_has_no_axe_violations(page: Page, assert_no_axe_violations):
    page.goto("/sign-in")
    expect(page).to_have_title("Sign in – Equity Tool")
    assert_no_axe_violations(page)


def test_sign_in_errors_have_no_axe_violations(page: Page, assert_no_axe_violations):
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    # The summary takes focus, so a screen reader announces it first.
    expect(page.locator(".error-summary")).to_be_focused()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Enter your email address").click()
    expect(page.get_by_label("Email address")).to_be_focused()


def test_home_has_no_axe_violations(page: Page, assert_no_axe_violations):
    page.goto("/sign-in")
    page.get_by_label("Email address").fill("staff@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your department's assessments")
    assert_no_axe_violations(page)


def test_sign_in_and_out_by_keyboard_only(page: Page):
    page.goto("/sign-in")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    tab_to(page, "#email", limit=15)
    page.keyboard.type("officer@example.org")
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Welcome"))

    tab_to(page, "button:has-text('Sign out')", limit=15)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/sign-in$"))
    expect(page.get_by_role("status")).to_have_text("You have signed out.")


def test_htmx_loads_under_the_content_security_policy(page: Page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto("/sign-in")
    page.wait_for_function("typeof window.htmx !== 'undefined'")
    assert errors == []
