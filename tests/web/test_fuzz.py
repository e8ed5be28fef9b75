"""A corpus of hostile and unusual values posted to every form, as each role that may post it.

Nothing may answer 500 or log a traceback: a value the database cannot store (a NUL), a
digit that `str.isdigit` accepts and `int` does not ("²"), numbers beyond any range, text too
long, markup, SQL, right-to-left marks. Runs on SQLite and PostgreSQL, where a NUL in text
used to be a DataError on every form.
"""

from __future__ import annotations

import logging

import pytest
from sqlmodel import select

from equity_tool.core.models import Assessment
from tests.web.conftest import signed_in

pytestmark = pytest.mark.both_databases

CORPUS = [
    "\x00", "a\x00b", "²", "١٢", "-1", "0", "1e309", "NaN", "Infinity", "9" * 30, "", " ",
    "\r\n\r\n", "<script>alert(1)</script>", "'; DROP TABLE users; --", "{{ 7 * 7 }}",
    "../../etc/passwd", "%00", "😀" * 20, "ملاحظة للقسم", "\u202eevil", "\ufeff", "null", "[]",
    "x" * 100_001,
]


def by_title(session, title: str) -> Assessment:
    return session.exec(select(Assessment).where(Assessment.title == title)).one()


def no_server_error(client, caplog, url: str, form: dict) -> int:
    caplog.clear()
    status = client.post(url, data=form).status_code
    assert status < 500, (url, form)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], (url, form)
    return status


def fuzzed(base: dict, fields: list[str]):
    """`base` with each field in turn given each value of the corpus."""
    for field in fields:
        for value in CORPUS:
            yield {**base, field: value}


def form_of(client, url: str, xpath: str = "//main//form") -> dict:
    return client.get_page(url).form_data(xpath)[1]


def test_the_sign_in_form(demo_app, client, caplog):
    base = form_of(client, "/sign-in")
    for form in fuzzed({**base, "email": "staff@example.org", "password": "x"},
                       ["email", "password"]):
        no_server_error(client, caplog, "/sign-in", form)


def test_the_start_form(demo_app, caplog):
    staff = signed_in(demo_app, "staff")
    url = "/questionnaires/rapid-equity-check"
    base = {**form_of(staff, url), "title": "Fuzzed", "decision_kind": "policy"}
    for form in fuzzed(base, ["title", "decision_kind", "language", "coauthors"]):
        no_server_error(staff, caplog, url, form)


def test_a_step_its_autosave_its_row_actions_and_submit(demo_app, session, caplog):
    staff = signed_in(demo_app, "staff")
    draft = by_title(session, "Street tree planting plan")
    questionnaire = demo_app.extensions["equity_tool.registry"].current(draft.questionnaire_id)
    for section in questionnaire.sections:
        url = f"/assessments/{draft.id}/sections/{section.id}"
        page = staff.get_page(url)
        base = page.form_data("//main//form[@method='post']")[1]
        fields = [name for name in base if name not in ("csrf_token",)]
        for form in fuzzed(base, fields):
            no_server_error(staff, caplog, url, form)
            no_server_error(staff, caplog, f"{url}/autosave", form)
        for value in CORPUS:
            no_server_error(staff, caplog, url, {**base, "action": f"remove-row--x--{value}"})
    check = form_of(staff, f"/assessments/{draft.id}/check", "//form[contains(@action, 'submit')]")
    for form in fuzzed(check, ["revision"]):
        no_server_error(staff, caplog, f"/assessments/{draft.id}/submit", form)


def test_the_officers_comments_verdicts_and_decisions(demo_app, session, caplog):
    officer = signed_in(demo_app, "officer")
    assessment = by_title(session, "Snow route changes")
    base = f"/assessments/{assessment.id}"
    token = form_of(officer, f"{base}/review", "(//main//form)[1]")["csrf_token"]
    comment = {"csrf_token": token, "body": "Which districts?", "question_id": ""}
    for form in fuzzed(comment, ["body", "question_id"]):
        no_server_error(officer, caplog, f"{base}/comments", form)
    verdict = {"csrf_token": token, "section_id": "context", "verdict": "acceptable"}
    for form in fuzzed(verdict, ["section_id", "verdict"]):
        no_server_error(officer, caplog, f"{base}/verdicts", form)
    # expected_state "withdrawn" makes every well-formed decision a harmless 409
    decision = {"csrf_token": token, "action": "approve", "expected_state": "withdrawn",
                "note": "", "conditions": "", "revision": "0"}
    for form in fuzzed(decision, ["action", "expected_state", "note", "conditions", "revision"]):
        no_server_error(officer, caplog, f"{base}/transitions", form)


def test_the_departments_replies(demo_app, session, caplog):
    staff = signed_in(demo_app, "staff")
    assessment = by_title(session, "Bike share station siting")
    url = f"/assessments/{assessment.id}/comments"
    form = form_of(staff, url, "(//main//form[contains(@action, 'replies')])[1]")
    action = staff.get_page(url).one("(//main//form[contains(@action, 'replies')])[1]").get(
        "action")
    for fuzz in fuzzed({**form, "body": "Added them."}, ["body", "addressed"]):
        no_server_error(staff, caplog, action, fuzz)


def test_list_filters_and_searches(demo_app, caplog):
    officer = signed_in(demo_app, "officer")
    for value in CORPUS[:-1]:  # a URL of 100,000 characters is the server's to refuse
        for url in ("/review", "/reading-room"):
            for name in ("department", "questionnaire", "level", "state", "waiting", "year", "q"):
                caplog.clear()
                status = officer.get(url, query_string={name: value}).status_code
                assert status < 500, (url, name, value)
                assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
