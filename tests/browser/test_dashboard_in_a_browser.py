"""The officer's dashboard on a fresh install's demo data: axe finds nothing, the charts are
images with names, the filters work without JavaScript, and a table downloads as CSV."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.wizard_pages import OFFICER, demo_served, signed_in_page

pytestmark = pytest.mark.browser



@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_served(tmp_path_factory.mktemp("dashboard")) as base:
        yield base


def officer_page(browser: Browser, base: str, *, javascript: bool = True) -> Page:
    return signed_in_page(browser, base, OFFICER, javascript=javascript)


def test_the_dashboard_passes_axe_and_names_its_charts(browser, demo_server,
                                                      assert_no_axe_violations):
    page = officer_page(browser, demo_server)
    page.get_by_role("link", name="The dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard 2026")
    expect(page.get_by_role("img", name="Assessments started in 2026, by state")).to_be_visible()
    expect(page.get_by_role("img", name="Follow-up items due in 2026, by status")).to_be_visible()
    expect(page.get_by_role("table", name="Assessments started in 2026, by department and "
                                          "state")).to_be_visible()
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 400, "height": 800})  # a phone: one column, still fine
    assert_no_axe_violations(page)
    page.context.close()


def test_the_filters_work_without_javascript_and_a_table_downloads(browser, demo_server):
    page = officer_page(browser, demo_server, javascript=False)
    page.goto("/dashboard")
    page.get_by_label("Department", exact=True).select_option(label="Transportation")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/dashboard\?year=2026&department=\d+"))
    expect(page.get_by_role("table", name="Assessments started in 2026, by department and "
                                          "state")).to_contain_text("Transportation")
    assert page.locator("svg[role=img]").count() == 3  # drawn on the server
    with page.expect_download() as download:
        page.locator("#figure-by-department-and-state").get_by_role(
            "link", name="Download as CSV").click()
    assert download.value.suggested_filename.startswith("equity-dashboard-2026-by-department")
    page.goto("/dashboard?year=nope")
    expect(page.get_by_role("alert")).to_contain_text("Choose a year from the list")
    page.context.close()

