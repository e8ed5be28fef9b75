"""The administrator's pages for people, departments and the audit log: only administrators
open them (the officer too is refused), every form is CSRF-checked, bad input comes back with
what was typed, and nobody removes the last active administrator."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from equity_tool.core import audit
from equity_tool.core.models import AuditEntry, Department, Notification, User
from tests import factories
from tests.conftest import PASSWORD

NEW_PASSWORD = "violet harbour lantern 42"
NOT_ADMINS = ["staff", "director", "officer", "councillor"]


def token_of(page) -> str:
    """The CSRF token of the signed-in page's sign-out form (any form's token is the same)."""
    return page.one("//header//form//input[@name='csrf_token']").value


def audit_actions(session) -> list[str]:
    session.expire_all()
    return [entry.action for entry in session.exec(select(AuditEntry).order_by(AuditEntry.id))]


def routes(people_by_role, session):
    """Every new route, (method, URL), with real ids in them."""
    staff = people_by_role["staff"]
    housing = session.exec(select(Department).where(Department.name == "Housing")).one()
    return [
        ("GET", "/admin/people"), ("GET", "/admin/people/new"),
        ("GET", f"/admin/people/{staff.id}"), ("GET", "/admin/departments"),
        ("GET", f"/admin/departments/{housing.id}"), ("GET", "/admin/audit"),
        ("POST", "/admin/people/new"), ("POST", f"/admin/people/{staff.id}/role"),
        ("POST", f"/admin/people/{staff.id}/deactivate"),
        ("POST", f"/admin/people/{staff.id}/reactivate"),
        ("POST", f"/admin/people/{staff.id}/password"), ("POST", "/admin/departments"),
        ("POST", f"/admin/departments/{housing.id}"),
    ]


# --- who may open them --------------------------------------------------------------------


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_every_role_but_the_administrator_is_refused_everywhere(client, login, people,
                                                                session, role):
    login(client, people[role].email)
    token = token_of(client.get_page("/"))
    form = {"csrf_token": token, "email": "x@city.gov", "name": "X", "role": "admin",
            "department": "", "password": NEW_PASSWORD}
    for method, url in routes(people, session):
        response = client.open(url, method=method, data=form if method == "POST" else None)
        assert response.status_code == 403, (role, method, url)
    assert "You cannot open this page" in client.get_page("/admin/people", 403).h1
    assert audit_actions(session) == []
    assert client.get_page("/").all("//a[contains(@href, '/admin/people')]") == []


def test_the_administrator_opens_every_page(client, login, people, session):
    login(client, people["admin"].email)
    home = client.get_page("/")
    home.one("//main//a[@href='/admin/people']")
    for method, url in routes(people, session):
        if method == "GET":
            assert client.get(url).status_code == 200, url


def test_someone_not_signed_in_is_sent_to_sign_in(client, people, session):
    for method, url in routes(people, session):
        response = client.open(url, method=method)
        assert response.status_code in (302, 400), (method, url)  # 400: POST without CSRF
        if method == "GET":
            assert response.location.startswith("/sign-in")


def test_a_form_without_its_csrf_token_changes_nothing(client, login, people, session):
    login(client, people["admin"].email)
    staff = people["staff"]
    for url in (f"/admin/people/{staff.id}/deactivate", "/admin/departments"):
        page = client.post_page(url, {"name": "Parks"})
        assert page.status == 400 and "could not be sent" in page.h1
    session.refresh(staff)
    assert staff.active and audit_actions(session) == []


# --- people -------------------------------------------------------------------------------


@pytest.mark.both_databases
def test_people_are_listed_a_page_at_a_time(client, login, people, session):
    for n in range(50):
        factories.user(session, email=f"person{n:02}@city.gov", name=f"Zed Person {n:02}")
    login(client, people["admin"].email)
    first = client.get_page("/admin/people")
    rows = first.all("//table[@id='people']/tbody/tr")
    assert len(rows) == 50
    assert first.text("//table[@id='people']/tbody/tr[1]") == (
        "Adi Admin adi@city.gov Admin None Active")
    assert "Showing 1 to 50 of 57" in first.text("//nav[@class='pager']")
    second = client.get_page("/admin/people?page=2")
    assert len(second.all("//table[@id='people']/tbody/tr")) == 7
    client.get_page("/admin/people?page=9", 404)


def test_without_mail_the_form_asks_for_a_password_and_keeps_what_was_typed(client, login,
                                                                           people, session):
    login(client, people["admin"].email)
    form = client.get_page("/admin/people/new")
    assert "No email can be sent" in form.text("//p[@id='no-mail']")
    transportation = form.one("//select[@id='department']/option[.='Transportation']").get("value")
    typed = {"email": "newt@city.gov", "name": "Newt Person", "role": "director",
             "department": transportation, "password": "short"}
    page = client.submit(form, typed)
    assert page.status == 422
    assert page.error_summary == ["The password must be at least 12 characters long"]
    assert page.one("//input[@id='email']").value == "newt@city.gov"
    assert page.one("//input[@id='name']").value == "Newt Person"
    assert page.one("//select[@id='role']/option[@selected]").get("value") == "director"
    assert page.one("//select[@id='department']/option[@selected]").text == "Transportation"
    assert page.one("//input[@id='password']").value is None  # never sent back
    added = client.submit(page, {"password": NEW_PASSWORD})
    assert added.status == 302
    person = client.get_page(added.location)
    assert "tell them their password in person" in person.text("//main/div[@role='status']")
    assert person.h1 == "Newt Person"
    client.post("/sign-out", data={"csrf_token": token_of(person)})
    login(client, "newt@city.gov", NEW_PASSWORD)
    assert audit_actions(session) == ["user added"]


def test_a_person_placed_wrongly_is_told_why(client, login, people):
    login(client, people["admin"].email)
    form = client.get_page("/admin/people/new")
    page = client.submit(form, {"email": "adi@city.gov", "name": "", "role": "officer",
                                "department": form.one("//option[.='Housing']").get("value"),
                                "password": NEW_PASSWORD})
    assert page.status == 422
    assert page.error_summary == [
        "adi@city.gov has an account already: find them in the list of people",
        "Enter their name",
        "The officer role works across every department: choose “No department”",
    ]
    # Each message is beside its field, which the summary links to.
    assert page.one("//p[@id='department-error']").text_content().endswith("“No department”")


def test_with_mail_the_form_sends_an_invitation_instead(app, client, login, people, session):
    app.config.update(SMTP_HOST="127.0.0.1", APP_URL="https://equity.city.gov")
    login(client, people["admin"].email)
    form = client.get_page("/admin/people/new")
    assert form.all("//input[@type='password']") == []
    page = client.submit(form, {"email": "newt@city.gov", "name": "Newt Person",
                                "role": "councillor", "department": ""})
    assert page.status == 302
    assert "An invitation is on its way to newt@city.gov" in client.get_page(page.location).text(
        "//main/div[@role='status']")
    [queued] = session.exec(select(Notification)).all()
    assert re.search(r"https://equity\.city\.gov/set-password/[\w-]{43}\b", queued.body)
    assert audit_actions(session) == ["user invited"]
    listed = client.get_page("/admin/people")
    assert "Newt Person newt@city.gov Councillor None Invited no password yet" in listed.text()
    person = client.get_page(page.location)
    assert "Send the invitation again" in person.text("//form[@aria-labelledby='password-title']")


def test_a_role_change_is_saved_and_logged(client, login, people, session):
    login(client, people["admin"].email)
    page = client.get_page(f"/admin/people/{people['staff'].id}")
    result = client.submit(page, {"role": "director"},
                           form="//form[@aria-labelledby='placement-title']")
    assert result.status == 302
    session.refresh(people["staff"])
    assert people["staff"].role == "director"
    log = client.get_page("/admin/audit")
    assert log.text("//table[@id='audit-log']/tbody/tr[1]").endswith(
        "Adi Admin Role changed ana@city.gov From: staff; To: director")


@pytest.mark.both_databases
def test_the_last_administrator_is_not_demoted_or_deactivated(client, login, people,
                                                              session):
    admin = people["admin"]
    login(client, admin.email)
    page = client.get_page(f"/admin/people/{admin.id}")
    demote = client.submit(page, {"role": "officer"},
                           form="//form[@aria-labelledby='placement-title']")
    assert demote.status == 409
    assert "Adi Admin is the only active administrator" in demote.text(
        "//div[@class='error-summary']")
    assert demote.one("//select[@id='role']/option[@selected]").get("value") == "officer"  # kept
    assert page.all("//button[starts-with(., 'Deactivate')]") == []  # not offered; forged:
    itself = client.post_page(f"/admin/people/{admin.id}/deactivate",
                              {"csrf_token": token_of(page)})
    assert itself.status == 409 and "your own account" in itself.text("//div[@role='alert']")
    session.refresh(admin)
    assert admin.role == "admin" and admin.active
    assert audit_actions(session) == []


def test_a_deactivated_persons_open_session_is_refused_at_once(app, client, login, people,
                                                               session):
    staff = app.test_client()
    login(staff, people["staff"].email)
    assert staff.get("/").status_code == 200
    login(client, people["admin"].email)
    page = client.get_page(f"/admin/people/{people['staff'].id}")
    done = client.submit(page, {}, form="//form[@aria-labelledby='account-title']")
    assert done.status == 302
    shown = client.get_page(done.location)
    assert "Deactivated" in shown.text("//dl[@id='person-summary']")
    response = staff.get("/")
    assert response.status_code == 302 and response.location.startswith("/sign-in")
    listed = client.get_page("/admin/people")
    assert "Ana Staff ana@city.gov Staff Transportation Deactivated" in listed.text()
    back = client.submit(shown, {}, form="//form[@aria-labelledby='account-title']")
    assert back.status == 302
    login(staff, people["staff"].email)  # with the password they had
    assert audit_actions(session) == ["user deactivated", "user reactivated"]


def test_a_password_reset_without_mail_is_set_by_the_administrator(client, login, people,
                                                                   session):
    login(client, people["admin"].email)
    page = client.get_page(f"/admin/people/{people['staff'].id}")
    form = "//form[@aria-labelledby='password-title']"
    weak = client.submit(page, {"password": "password1234"}, form=form)
    assert weak.status == 422
    assert weak.error_summary == ["That password is on a list of common passwords: choose "
                                  "another"]
    assert client.submit(weak, {"password": NEW_PASSWORD}, form=form).status == 302
    assert audit_actions(session) == ["password set"]
    other = client.application.test_client()
    login(other, people["staff"].email, NEW_PASSWORD)


def test_unknown_people_and_departments_are_not_found(client, login, people):
    login(client, people["admin"].email)
    for url in ("/admin/people/99999", "/admin/people/2147483648",
                "/admin/departments/99999", "/admin/audit?page=abc"):
        client.get_page(url, 404)


# --- departments --------------------------------------------------------------------------


def test_departments_are_added_and_renamed_with_clear_clashes(client, login, people,
                                                              session):
    login(client, people["admin"].email)
    page = client.get_page("/admin/departments")
    assert page.text("//table[@id='departments']//tr[td/a='Transportation']/td[2]") == "3"
    clash = client.submit(page, {"name": "housing"}, form="//main//form")
    assert clash.status == 422
    assert clash.error_summary == ["There is a department called Housing already: choose "
                                   "another name"]
    assert clash.one("//input[@id='name']").value == "housing"
    added = client.submit(clash, {"name": "Parks and Recreation"})
    assert added.status == 302
    listed = client.get_page("/admin/departments")
    parks = listed.one("//a[.='Parks and Recreation']").get("href")
    rename = client.get_page(parks)
    assert rename.one("//input[@id='name']").value == "Parks and Recreation"
    assert client.submit(rename, {"name": "Parks"}).status == 302
    assert session.exec(select(Department).where(Department.name == "Parks")).one()
    assert audit_actions(session) == ["department added", "department renamed"]
    # The new department is offered when adding a person.
    assert client.get_page("/admin/people/new").all("//option[.='Parks']")


def test_the_audit_log_names_the_command_line_and_never_a_password(client, login, people,
                                                                   session):
    audit.record(session, actor=None, action="user added", subject="cli@city.gov",
                 role="staff")
    session.commit()
    login(client, people["admin"].email)
    page = client.get_page(f"/admin/people/{people['staff'].id}")
    client.submit(page, {"password": NEW_PASSWORD},
                  form="//form[@aria-labelledby='password-title']")
    log = client.get_page("/admin/audit")
    rows = [r.text_content() for r in log.all("//table[@id='audit-log']/tbody/tr")]
    assert "Password set" in rows[0] and "The command line" in rows[1]
    assert NEW_PASSWORD not in log.text() and PASSWORD not in log.text()
    assert session.get(User, people["staff"].id).active
