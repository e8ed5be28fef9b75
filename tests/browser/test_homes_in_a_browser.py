"""Every role's home, on a fresh install's demo data: what it shows first, axe finds nothing,
and the first thing to do is reachable by keyboard."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from equity_tool.demo import DEMO_PASSWORD, DEMO_USERS
from tests.browser.wizard_pages import demo_served

pytestmark = pytest.mark.browser

# role: (the heading, the link a person of that role most likely wants first)
HOMES = {
    "staff": ("Your department's assessments", "Start a new assessment"),
    "director": ("Welcome, Dana Director", "Sidewalk repair priorities"),
    "officer": ("Welcome, Olu Officer", "Parking meter hours downtown"),
    "councillor": ("Welcome, Cam Councillor", "Eastside bus rapid transit line"),
    "admin": ("Welcome, Ari Admin", "Street tree planting plan"),
}


@pytest.fixture(scope="module")
def homes_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_served(tmp_path_factory.mktemp("homes")) as base:
        yield base


def sign_in(browser: Browser, base: str, role: str) -> Page:
    context = browser.new_context(base_url=base)
    context.set_default_timeout(10000)
    page = context.new_page()
    email = next(e for r, (e, _, _) in DEMO_USERS.items() if r == role)
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


@pytest.mark.parametrize("role", sorted(HOMES))
def test_each_home_shows_what_comes_first_and_passes_axe(browser, homes_server, role,
                                                         assert_no_axe_violations):
    heading, first_link = HOMES[role]
    page = sign_in(browser, homes_server, role)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_no_axe_violations(page)
    # by keyboard: tab until the link is focused, then Enter follows it
    link = page.get_by_role("link", name=first_link).first
    for _ in range(60):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail(f"{first_link!r} cannot be reached with Tab")
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(f"{homes_server}/")
    page.context.close()
