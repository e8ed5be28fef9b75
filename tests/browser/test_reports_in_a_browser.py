"""The annual report page on a fresh install's demo data: axe finds nothing, with its errors
too, and the report downloads without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.wizard_pages import OFFICER, demo_served, signed_in_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_served(tmp_path_factory.mktemp("reports")) as base:
        yield base


def officer_page(browser: Browser, base: str, *, javascript: bool = True) -> Page:
    return signed_in_page(browser, base, OFFICER, javascript=javascript)


def test_the_page_passes_axe_with_and_without_errors(browser, demo_server,
                                                     assert_no_axe_violations):
    page = officer_page(browser, demo_server)
    page.get_by_role("link", name="The annual report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual report")
    assert_no_axe_violations(page)
    # A forged department: the form comes back with the error summary and the field's error.
    page.evaluate("document.querySelector('#department').options[1].value = '99999'")
    page.get_by_label("Department").select_option(index=1)
    page.get_by_role("button", name="Download the report").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a department from the list.")
    assert_no_axe_violations(page)
    page.context.close()


def test_the_report_downloads_without_javascript(browser, demo_server):
    page = officer_page(browser, demo_server, javascript=False)
    page.goto("/reports/annual")
    page.get_by_label("Spreadsheet (.csv)").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the report").click()
    assert download.value.suggested_filename.startswith("annual-report-")
    assert download.value.suggested_filename.endswith(".csv")
    page.context.close()
