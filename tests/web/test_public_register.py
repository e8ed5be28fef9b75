"""The public register at /public, as a visitor who never signs in reads it, and publishing
as the equity officer does it (issue 13).

Fixtures go through the real workflow; the private answer is a distinctive email address that
must never reach anything public.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from xml.etree import ElementTree as ET

import docx
import pytest
from sqlmodel import select

from equity_tool import create_app
from equity_tool.core import db
from equity_tool.core.models import Assessment, AssessmentEvent
from equity_tool.publishing.register import publish, withdraw
from equity_tool.review.workflow import Action
from tests import factories
from tests.conftest import ROOT, PageClient

SECRET = "quokka.lead-7f3k@private-mail.example"
ATOM = "{http://www.w3.org/2005/Atom}"
TITLE = "Eastside bus lanes"
PUBLIC_URLS = ("/public/", "/public/?q=bus", "/public/assessments.csv",
               "/public/assessments.json", "/public/feed.atom")


@pytest.fixture
def app(database_url):
    app = create_app({
        "TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "not secret: tests only",
        "EQUITY_TOOL_QUESTIONNAIRES": ROOT / "questionnaires", "PUBLIC_REGISTER": True,
    })
    app.test_client_class = PageClient
    yield app
    db.get_engine(app).dispose()


def with_secret(full) -> dict:
    return {**factories.example_answers(full), "lead_email": SECRET,
            "public_summary": "Faster buses for **Eastside** riders, and help for tenants."}


@pytest.fixture
def register(session, people, answered, bring_to, full):
    """Published (approved through the workflow, then published by the officer), approved but
    not published, in review, and a draft: name -> assessment."""
    published = bring_to(answered(people["staff"], full, title=TITLE, answers=with_secret(full)),
                         "approved")
    publish(session, user=people["officer"], assessment=published)
    kept = bring_to(answered(people["staff"], full, title="Depot lighting",
                             answers=with_secret(full)), "approved")
    reviewing = bring_to(answered(people["staff"], full, title="Curb ramps review",
                                  answers=with_secret(full)), "in review")
    draft = answered(people["staff"], full, title="Draft plan", answers=with_secret(full))
    return {"published": published, "kept": kept, "reviewing": reviewing, "draft": draft}


def every_public_body(client, assessment_id: int) -> dict[str, bytes]:
    urls = [*PUBLIC_URLS, f"/public/assessments/{assessment_id}",
            f"/public/?q={SECRET}", "/public/?q=quokka"]
    # A search box shows what was typed back to whoever typed it: that is not the register's.
    bodies = {url: client.get(url).data.replace(f'value="{url.partition("q=")[2]}"'.encode(), b"")
              for url in urls}
    document = client.get(f"/public/assessments/{assessment_id}/document.docx")
    with zipfile.ZipFile(io.BytesIO(document.data)) as files:
        bodies["docx"] = b"".join(files.read(name) for name in files.namelist())
    bodies["docx name"] = document.headers["Content-Disposition"].encode()
    return bodies


def test_the_register_is_off_unless_turned_on(client_off):
    for url in (*PUBLIC_URLS, "/public/assessments/1", "/public/assessments/1/document.docx"):
        assert client_off.get(url).status_code == 404, url


@pytest.fixture
def client_off(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x",
                      "EQUITY_TOOL_QUESTIONNAIRES": ROOT / "questionnaires"})
    yield app.test_client()
    db.get_engine(app).dispose()


def test_a_visitor_finds_the_published_assessment_and_no_other(client, register):
    page = client.get_page("/public/")
    titles = [t.text_content().strip() for t in page.all("//ol[@class='register-list']//h3")]
    assert titles == [TITLE]
    assert "1 published assessment" in page.text("//p[@id='result-count']")


def test_the_page_shows_the_summary_first_then_facts_and_follow_up(client, register):
    assessment = register["published"]
    page = client.get_page(f"/public/assessments/{assessment.id}")
    assert page.h1 == TITLE and page.title.startswith(TITLE)
    main = page.text()
    assert main.index("Faster buses for Eastside riders") < main.index("Department")
    about = page.text("//dl[@id='about']")
    for words in ("Program or service", "Transportation", "Approved", "Published", "Impact level"):
        assert words in about
    statuses = [s.text_content() for s in page.all("//table[@id='follow-up-items']//strong")]
    assert statuses and "Not started" in statuses
    assert "Lead person's email" not in main and "Lead person for this assessment" in main


def test_no_private_answer_reaches_anything_public(client, register):
    bodies = every_public_body(client, register["published"].id)
    for where, body in bodies.items():
        assert SECRET.encode() not in body, where
        assert b"quokka" not in body.lower(), where  # not even found by a search for it
    assert b"No published assessments match" in bodies[f"/public/?q={SECRET}"]
    document = docx.Document(io.BytesIO(
        client.get(f"/public/assessments/{register['published'].id}/document.docx").data))
    text = "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])
    assert "Faster buses" in text and SECRET not in text
    assert document.core_properties.title == TITLE


def test_the_download_is_named_after_the_title(client, register):
    assessment = register["published"]
    response = client.get(f"/public/assessments/{assessment.id}/document.docx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=eastside-bus-lanes-{assessment.id}.docx")


def test_what_is_not_published_is_not_found(client, register):
    for name in ("kept", "reviewing", "draft"):
        assessment_id = register[name].id
        for url in (f"/public/assessments/{assessment_id}",
                    f"/public/assessments/{assessment_id}/document.docx"):
            response = client.get(url)
            assert response.status_code == 404, url
            assert SECRET.encode() not in response.data
    for url in ("/public/assessments/999999", "/public/assessments/0",
                f"/public/assessments/{2**40}", "/public/assessments/abc"):
        assert client.get(url).status_code == 404, url
    for url in ("/public/assessments.csv", "/public/assessments.json", "/public/feed.atom"):
        body = client.get(url).get_data(as_text=True)
        for title in ("Depot lighting", "Curb ramps review", "Draft plan"):
            assert title not in body, (url, title)


def test_withdrawing_removes_it_from_every_public_view_at_once(client, session, register,
                                                                people):
    assessment = register["published"]
    before = {url: client.get(url).headers.get("ETag") for url in PUBLIC_URLS}
    assert withdraw(session, user=people["officer"], assessment=assessment, note="Mistake.")
    for url in (f"/public/assessments/{assessment.id}",
                f"/public/assessments/{assessment.id}/document.docx"):
        assert client.get(url).status_code == 404
    for url in PUBLIC_URLS:
        response = client.get(url, headers={"If-None-Match": before[url] or ""})
        assert response.status_code == 200, url
        assert TITLE not in response.get_data(as_text=True), url
    events = session.exec(select(AssessmentEvent).where(
        AssessmentEvent.assessment_id == assessment.id)).all()
    assert [e.action for e in events][-2:] == ["published", "unpublished"]
    assert events[-1].from_state == events[-1].to_state == "approved"


def test_reopening_takes_it_off_the_register(client, register, people, act):
    assessment = register["published"]
    act(people["officer"], assessment, Action.REOPEN, note="A new count came in.")
    assert client.get(f"/public/assessments/{assessment.id}").status_code == 404
    assert TITLE not in client.get("/public/assessments.json").get_data(as_text=True)


def test_the_feeds_parse_and_describe_the_dataset(client, register):
    assessment = register["published"]
    feed = ET.fromstring(client.get("/public/feed.atom").data)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "The city's office of equity"
    assert "CC BY 4.0" in feed.find(f"{ATOM}rights").text
    assert feed.find(f"{ATOM}link[@rel='license']").get("href").startswith("https://creative")
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [TITLE]
    assert entries[0].find(f"{ATOM}id").text.endswith(f"/public/assessments/{assessment.id}")

    data = json.loads(client.get("/public/assessments.json").data)
    assert data["schema_version"] == "1.0" and data["count"] == 1
    assert data["license"]["url"].startswith("https://creativecommons.org/")
    record = data["assessments"][0]
    assert record["id"] == assessment.id and record["title"] == TITLE
    assert record["approved_on"] == assessment.approved_at.date().isoformat()
    assert record["impact_level"]["id"] == assessment.impact_level
    assert record["follow_up"] and all(i["status"] == "not started" for i in record["follow_up"])

    rows = list(csv.DictReader(io.StringIO(client.get("/public/assessments.csv")
                                           .get_data(as_text=True))))
    assert [r["id"] for r in rows] == [str(assessment.id)]
    assert rows[0]["follow_up_items"] == str(len(record["follow_up"]))
    assert rows[0]["url"].endswith(f"/public/assessments/{assessment.id}")


def test_a_crawler_asks_cheaply(client, register):
    # The list's page has an ETag only: when the whole register last changed costs queries
    # over every publication, worth it for the open data, not for each page of the list.
    first = client.get(PUBLIC_URLS[0])
    assert first.headers["ETag"] and "Last-Modified" not in first.headers
    again = client.get(PUBLIC_URLS[0], headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    for url in ("/public/assessments.csv", "/public/assessments.json",
                "/public/feed.atom", f"/public/assessments/{register['published'].id}"):
        first = client.get(url)
        assert first.headers["ETag"] and first.headers["Last-Modified"], url
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b"", url
        since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert since.status_code == 304, url


def test_public_pages_set_no_cookie_and_may_be_cached(client, register):
    assessment_id = register["published"].id
    for url in (*PUBLIC_URLS, f"/public/assessments/{assessment_id}",
                f"/public/assessments/{assessment_id}/document.docx",
                "/public/assessments/999999"):
        response = client.get(url)
        assert "Set-Cookie" not in response.headers, url
        assert response.headers["Cache-Control"] == "public, max-age=60", url
    assert not list(client._cookies)  # nothing was kept for this visitor


def test_public_pages_work_without_scripts(client, register):
    """No script at all: search, filters and paging are a GET form and links."""
    for url in ("/public/", f"/public/assessments/{register['published'].id}",
                "/public/assessments/999999"):
        page = client.get_page(url, status=404 if "999999" in url else 200)
        assert page.all("//script") == [], url
        assert page.all("//*[@hx-get or @hx-post]") == [], url
    form = client.get_page("/public/").one("//form[@id='register-search']")
    assert form.get("method") == "get"


def test_search_and_filters(client, register, session):
    assessment = register["published"]
    year = assessment.approved_at.year
    def titles(query):
        page = client.get_page(f"/public/?{query}")
        return [t.text_content().strip() for t in page.all("//ol//h3")]
    assert titles("q=TENANTS eastside") == [TITLE]  # words of the summary, in any case
    assert titles("q=bus+LANES") == [TITLE]  # words of the title
    assert titles("q=lighting") == []  # the approved one not published
    assert titles("q=100%25") == []  # LIKE's wildcards are only characters
    department = factories.department(session).id
    assert titles(f"department={department}&year={year}&level={assessment.impact_level}") \
        == [TITLE]
    page = client.get_page("/public/?year=1999", status=400)
    assert page.error_summary == ["Choose a year of approval from the list: “1999” is not one "
                                  "of them."]


def test_search_is_limited_per_address(client, register, app):
    app.config["PUBLIC_SEARCH_LIMIT"] = 3
    for _ in range(3):
        assert client.get("/public/?q=bus").status_code == 200
    refused = client.get_page("/public/?q=bus", status=429)
    assert refused.h1 == "Too many searches"
    assert refused.response.headers["Retry-After"] == "60"
    assert "no-store" in refused.response.headers["Cache-Control"]
    assert client.get("/public/").status_code == 200  # the list itself stays open
    other = client.get("/public/?q=bus", environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other.status_code == 200


# --- publishing --------------------------------------------------------------------------------


def publication_of(session, assessment):
    session.expire_all()
    return session.get(Assessment, assessment.id).published_at


@pytest.mark.parametrize("role,status", [
    ("staff", 403), ("coauthor", 403), ("director", 403), ("councillor", 403), ("admin", 403),
    ("other", 404), ("officer", 302)])
def test_only_the_officer_publishes(client, session, register, people, login, role, status):
    assessment = register["kept"]
    login(client, people[role].email)
    response = client.post(f"/assessments/{assessment.id}/publication",
                           data={"published": "yes", "csrf_token": _token(client)})
    assert response.status_code == status
    assert (publication_of(session, assessment) is not None) == (role == "officer")


def _token(client) -> str:
    """A CSRF token of this client's session, from a page with a form (sign-out)."""
    page = client.get_page("/notifications")
    return page.one("//form[contains(@action, 'sign-out')]//input[@name='csrf_token']").value


def test_nobody_signed_in_cannot_publish(client, session, register):
    response = client.post(f"/assessments/{register['kept'].id}/publication",
                           data={"published": "yes"})
    assert response.status_code in (302, 400)
    assert publication_of(session, register["kept"]) is None


def test_publishing_needs_the_form_token(client, session, register, people, login):
    login(client, people["officer"].email)
    response = client.post(f"/assessments/{register['kept'].id}/publication",
                           data={"published": "yes"})
    assert response.status_code == 400
    assert publication_of(session, register["kept"]) is None


def test_only_approved_assessments_are_published(client, session, register, people, login):
    login(client, people["officer"].email)
    response = client.post(f"/assessments/{register['reviewing'].id}/publication",
                           data={"published": "yes", "csrf_token": _token(client)})
    assert response.status_code == 409
    assert publication_of(session, register["reviewing"]) is None


def test_the_officer_publishes_when_approving_and_withdraws_later(
        client, session, register, people, login):
    assessment = register["reviewing"]
    login(client, people["officer"].email)
    review = client.get_page(f"/assessments/{assessment.id}/review")
    assert review.one("//form[@id='transition-approve']//label[@for='publish']").text_content() \
        == "Publish to the public register"
    done = client.submit(review, {"publish": "yes"}, form="//form[@id='transition-approve']")
    assert done.status == 302
    assert publication_of(session, assessment) is not None
    assert client.get(f"/public/assessments/{assessment.id}").status_code == 200

    history = client.get_page(f"/assessments/{assessment.id}/history")
    assert "Published to the public register" in history.text("//table[@id='history']")

    review = client.get_page(f"/assessments/{assessment.id}/review")
    assert "Published" in review.text("//section[@id='publication']")
    done = client.submit(review, {"note": "Names a private landlord."},
                         form="//form[@id='publication-form']")
    assert done.status == 302
    assert publication_of(session, assessment) is None
    assert client.get(f"/public/assessments/{assessment.id}").status_code == 404
    history = client.get_page(f"/assessments/{assessment.id}/history")
    assert "Withdrawn from the public register" in history.text("//table[@id='history']")


def test_approving_without_the_choice_does_not_publish(client, session, register, people,
                                                        login):
    assessment = register["reviewing"]
    login(client, people["officer"].email)
    review = client.get_page(f"/assessments/{assessment.id}/review")
    assert client.submit(review, {}, form="//form[@id='transition-approve']").status == 302
    assert publication_of(session, assessment) is None
    assert session.get(Assessment, assessment.id).state == "approved"
