"""The officer's dashboard as a person reads it: who may open it, the figures of the
hand-counted world (tests/dashboard_world.py) in its tables and charts, the filters, and each
table's CSV download."""

from __future__ import annotations

import csv
import io

import pytest

from equity_tool.publishing.dashboard import page as dashboard_page
from tests import dashboard_world
from tests.conftest import squash
from tests.web.conftest import signed_in


@pytest.fixture
def world(app, session, monkeypatch):
    # "now" for waiting and overdue is the world's 1 August 2025, not the day the tests run
    monkeypatch.setattr(dashboard_page, "utcnow", lambda: dashboard_world.NOW)
    return dashboard_world.build(session, monkeypatch)


@pytest.fixture
def officer(app, world, login):
    client = app.test_client()
    login(client, "olu@city.gov")
    return client


def cells(page, table: str) -> dict[str, list[str]]:
    """Row header -> the row's other cells, as read in the table with id table-<table>."""
    rows = {}
    for tr in page.all(f"//table[@id='table-{table}']/*[self::tbody or self::tfoot]/tr"):
        header, *rest = tr.xpath("./th|./td")
        rows[squash(header.text_content())] = [squash(td.text_content()) for td in rest]
    return rows


@pytest.mark.parametrize(("role", "status"), [
    ("officer", 200), ("admin", 200), ("staff", 403), ("director", 403), ("councillor", 403)])
def test_only_the_officer_and_the_administrator_open_the_dashboard(demo_app, role, status):
    client = signed_in(demo_app, role)
    page = client.get_page("/dashboard", status=status)
    if status == 200:
        assert page.h1.startswith("Dashboard ")
    assert client.get("/dashboard/flags.csv").status_code == status


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/sign-in" in response.location


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_the_homes_of_the_officer_and_the_administrator_link_to_it(demo_app, role):
    page = signed_in(demo_app, role).get_page("/")
    assert page.one("//main//a[.='The dashboard']").get("href") == "/dashboard"


@pytest.mark.both_databases
def test_the_figures_of_a_year(officer):
    page = officer.get_page("/dashboard?year=2025")
    assert page.h1 == "Dashboard 2025"
    assert page.title == "Dashboard 2025 – Equity Tool"
    states = cells(page, "by-department-and-state")
    assert states["Transportation"] == ["1", "0", "1", "0", "0", "0", "2", "0", "4"]
    assert states["All departments"] == ["1", "0", "1", "1", "1", "0", "3", "1", "8"]
    assert cells(page, "by-impact-level")["Some concern"] == ["Rapid equity check", "3"]
    review = cells(page, "review-figures")
    assert review["Median days from first submission to approval"] == ["6.0"]
    assert review["90th percentile of days from first submission to approval"] == ["9.4"]
    assert review["Share returned at least once"] == ["33%"]
    waiting = cells(page, "waiting-longest")
    assert list(waiting) == ["Assessment H2", "Assessment T4"]
    assert waiting["Assessment H2"] == ["Housing", "In review", "1 February 2025", "180"]
    assert cells(page, "items-by-status")["All departments"] == ["1", "2", "1", "1", "1", "6"]
    assert page.text("//p[@id='overdue-count']").startswith("3 items overdue today")
    assert list(cells(page, "overdue-items")) == ["Survey riders", "Open the lab",
                                                  "Hire two staff"]
    measures = cells(page, "measures")
    assert measures["Evening visits"][:6] == ["Transportation", "Assessment T1", "100", "200",
                                              "150", "1 July 2025"]
    assert measures["=1+1 households"][4] == "–"  # no value recorded yet


def test_each_chart_is_an_image_named_and_described_with_a_table_beside_it(officer):
    page = officer.get_page("/dashboard?year=2025")
    charts = page.all("//main//svg")
    assert len(charts) == 3
    for chart in charts:
        assert chart.get("role") == "img"
        title_id, desc_id = chart.get("aria-labelledby").split()
        assert chart.xpath(f".//*[@id='{title_id}']")[0].text
        assert chart.xpath(f".//*[@id='{desc_id}']")[0].text
    levels = page.one("//svg[@aria-labelledby='chart-levels-title chart-levels-desc']")
    assert squash(levels.xpath(".//*[@id='chart-levels-desc']")[0].text) == (
        "Low concern: 3; Some concern: 3; Not yet known: 2.")
    states = page.one("//*[@id='chart-states-desc']").text
    assert "Approved: 3;" in states and "In review: 1;" in states
    for table in page.all("//main//table"):
        assert table.xpath("./caption")
        assert all(th.get("scope") in ("col", "row") for th in table.xpath(".//th"))
    assert not page.all("//script[not(@src)]")  # nothing drawn by a script


def test_the_waiting_link_to_the_review_for_the_officer_and_the_page_for_the_admin(
        app, world, officer, login):
    h2 = world.assessments["H2"].id
    page = officer.get_page("/dashboard?year=2025")
    assert page.one("//table[@id='table-waiting-longest']//a[.='Assessment H2']").get(
        "href") == f"/assessments/{h2}/review"
    admin = app.test_client()
    login(admin, "adi@city.gov")
    page = admin.get_page("/dashboard?year=2025")
    assert page.one("//table[@id='table-waiting-longest']//a[.='Assessment H2']").get(
        "href") == f"/assessments/{h2}"


def test_the_filters_are_a_form_that_keeps_what_was_chosen(officer, world):
    housing = world.departments["Housing"]
    page = officer.get_page(f"/dashboard?year=2025&department={housing}")
    action, values = page.form_data("//form[@id='dashboard-filters']")
    assert action == "/dashboard" and page.one("//form[@id='dashboard-filters']").get(
        "method") == "get"
    assert values == {"year": "2025", "department": str(housing), "questionnaire": ""}
    assert list(cells(page, "by-department-and-state")) == ["Housing", "All departments"]
    csv_link = page.one("//div[@id='figure-flags']//a[@download]").get("href")
    assert csv_link == f"/dashboard/flags.csv?year=2025&department={housing}"


def test_the_default_year_is_this_one(officer):
    page = officer.get_page("/dashboard")
    year = page.one("//select[@id='filter-year']/option[@selected]").get("value")
    assert page.h1 == f"Dashboard {year}"


@pytest.mark.parametrize("query", ["year=1999", "year=abc", "department=999999",
                                   "department=x%27", "questionnaire=nope"])
def test_a_value_not_offered_is_an_error_not_a_crash(officer, query):
    page = officer.get_page(f"/dashboard?{query}", status=400)
    name = query.split("=")[0]
    assert page.title.startswith("Error: ")
    assert len(page.error_summary) == 1 and page.error_summary[0].startswith(
        {"year": "Choose a year", "department": "Choose a department",
         "questionnaire": "Choose a questionnaire"}[name])
    assert page.all(f"//p[@id='filter-{name}-error']")
    assert page.all("//div[@id='figure-by-department-and-state']")  # the rest still shown
    assert officer.get(f"/dashboard/flags.csv?{query}").status_code == 400


def test_every_table_downloads_as_csv(officer):
    page = officer.get_page("/dashboard?year=2025")
    links = [a.get("href") for a in page.all("//main//a[@download]")]
    assert len(links) == len(dashboard_page.TABLES)
    for link in links:
        response = officer.get(link)
        assert response.status_code == 200, link
        assert response.mimetype == "text/csv"
        name = link.split("/")[-1].split(".csv")[0]
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="equity-dashboard-2025-{name}.csv"')
        assert response.get_data(as_text=True).startswith("\ufeff")


def test_a_csv_download_has_every_row_and_no_formula(officer):
    response = officer.get("/dashboard/overdue-items.csv?year=2025")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Item", "Department", "Assessment", "Kind", "Status", "Due",
                       "Days overdue"]
    assert rows[1] == ["Survey riders", "Parks", "Assessment P2", "Commitment", "At risk",
                       "2024-11-01", "273"]
    assert len(rows) == 4
    measures = officer.get("/dashboard/measures.csv?year=2025").get_data(as_text=True)
    assert "'=1+1 households,Housing,Assessment H1,'-5,'+50" in measures


def test_an_unknown_table_is_not_found(officer):
    assert officer.get("/dashboard/nothing.csv").status_code == 404
