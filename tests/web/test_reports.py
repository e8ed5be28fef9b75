"""The annual report page: who may open it, the download in each format, and errors shown on
the form, as a person sees them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import docx
import pytest

from tests.web.conftest import signed_in

Y = datetime.now(UTC).year
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def open_form(client):
    page = client.get_page("/reports/annual")
    assert page.h1 == "Annual report"
    return page


def download(client, page, data):
    """Post the form on `page` with `data` and its hidden fields; the raw response."""
    action, values = page.form_data()
    return client.post(action, data={**values, **data})


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_the_officer_and_administrators_find_the_page_from_home(demo_app, role):
    client = signed_in(demo_app, role)
    home = client.get_page("/")
    [link] = home.all("//main//a[text()='The annual report']")
    assert link.get("href") == "/reports/annual"
    page = open_form(client)
    assert page.one("//select[@id='year']/option[@selected]").get("value") == str(Y)
    assert page.text("//label[@for='department']") == "Department"
    assert page.one("//select[@id='department']/option[1]").text == "Every department (citywide)"
    formats = [i.get("value") for i in page.all("//input[@name='format']")]
    assert formats[0] == "docx" and "csv" in formats
    assert page.all("//form//input[@name='csrf_token']")


@pytest.mark.parametrize("role", ["staff", "director", "councillor"])
def test_other_roles_may_not_open_or_post_it(demo_app, role):
    client = signed_in(demo_app, role)
    assert client.get("/reports/annual").status_code == 403
    assert client.post("/reports/annual", data={"year": str(Y)}).status_code in (400, 403)


def test_people_signed_out_are_sent_to_sign_in(demo_app):
    response = demo_app.test_client().get("/reports/annual")
    assert response.status_code == 302 and "/sign-in" in response.location


@pytest.mark.both_databases
def test_the_citywide_word_report_downloads(demo_app):
    client = signed_in(demo_app, "officer")
    response = download(client, open_form(client), {"format": "docx"})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == DOCX
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=annual-report-{Y}.docx")
    assert response.headers["Cache-Control"] == "private, no-store"
    document = docx.Document(io.BytesIO(response.get_data()))
    assert document.core_properties.title == f"Racial equity annual report {Y}: Citywide"


def test_one_department_as_csv(demo_app):
    client = signed_in(demo_app, "admin")
    page = open_form(client)
    transportation = page.one("//select[@id='department']/option[text()='Transportation']")
    response = download(client, page, {"format": "csv",
                                       "department": transportation.get("value")})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "annual-report-" + str(Y) + "-transportation.csv" in (
        response.headers["Content-Disposition"])
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows and {r["record"] for r in rows} <= {"assessment", "item"}
    assert {r["department"] for r in rows} == {"Transportation"}


def test_a_year_the_data_does_not_hold_is_an_error_on_the_form(demo_app):
    client = signed_in(demo_app, "officer")
    page = client.submit(open_form(client), {"year": "1990", "format": "docx"})
    assert page.status == 400
    assert page.title.startswith("Error: ")
    [message] = page.error_summary
    assert message.startswith("There is nothing to report for 1990: the data holds")
    assert page.one("//div[@class='error-summary']//a").get("href") == "#year"
    assert page.text("//p[@id='year-error']").endswith(message)


def test_an_unknown_department_or_format_is_an_error_on_the_form(demo_app):
    client = signed_in(demo_app, "officer")
    page = client.submit(open_form(client), {"department": "99999", "format": "docx"})
    assert page.status == 400 and page.error_summary == ["Choose a department from the list."]
    page = client.submit(open_form(client), {"format": "odt"})
    assert page.status == 400 and page.error_summary == ["Choose a format from the list."]


def test_a_post_without_the_form_token_is_refused(demo_app):
    client = signed_in(demo_app, "officer")
    response = client.post("/reports/annual", data={"year": str(Y), "format": "docx"})
    assert response.status_code == 400


def test_a_broken_city_template_is_named_and_the_shipped_one_still_works(demo_app, tmp_path):
    broken = tmp_path / "city-report.docx"
    broken.write_bytes(b"not a word file")
    demo_app.config["ANNUAL_REPORT_TEMPLATE"] = str(broken)
    client = signed_in(demo_app, "officer")
    page = open_form(client)
    assert page.text("//label[@for='template']") == (
        "Use the shipped template instead of the city's own")
    failed = client.submit(page, {"format": "docx"})
    assert failed.status == 500
    [message] = failed.error_summary
    assert message.startswith(f"The annual report template {broken} is not a Word .docx file")
    response = download(client, open_form(client), {"format": "docx", "template": "default"})
    assert response.status_code == 200 and response.mimetype == DOCX
