"""A person's own password: changed knowing the current one (other sessions end, this one goes
on), and set from a one-time link without signing in (used, expired and unknown links say
what to do)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from equity_tool.accounts import password_links as links
from equity_tool.core.models import utcnow
from tests.conftest import PASSWORD

NEW_PASSWORD = "violet harbour lantern 42"


def copy_of_cookie(app, client):
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def signed_out(client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and response.location.startswith("/sign-in")


def issue(session, user, purpose=links.INVITATION, now=None) -> str:
    token, _ = links.issue(session, user=user, purpose=purpose, created_by=None, now=now)
    session.commit()
    return token


# --- changing one's own password ----------------------------------------------------------


@pytest.mark.both_databases
def test_a_person_changes_their_password_and_other_sessions_end(app, client, login, people):
    staff = people["staff"]
    login(client, staff.email)
    elsewhere = app.test_client()
    login(elsewhere, staff.email)
    copy = copy_of_cookie(app, client)
    page = client.get_page("/").one("//header//a[.='Your password']").get("href")
    form = client.get_page(page)
    assert form.h1 == "Change your password"
    done = client.submit(form, {"current": PASSWORD, "new": NEW_PASSWORD,
                                "confirm": NEW_PASSWORD})
    assert done.status == 302
    home = client.get_page(done.location)  # this session goes on
    assert "Your password was changed" in home.text("//main/div[@role='status']")
    assert signed_out(elsewhere) and signed_out(copy)
    login(elsewhere, staff.email, NEW_PASSWORD)


def test_a_wrong_current_password_is_refused_with_a_clear_error(client, login, people):
    login(client, people["staff"].email)
    form = client.get_page("/account/password")
    page = client.submit(form, {"current": "not my password", "new": NEW_PASSWORD,
                                "confirm": "something different"})
    assert page.status == 422
    assert page.error_summary == [
        "Your current password is not right: type it again",
        "The two passwords are not the same: type the new password twice",
    ]
    assert page.title.startswith("Error: ")
    assert all(i.value is None for i in page.all("//main//input[@type='password']"))
    assert NEW_PASSWORD not in page.response.get_data(as_text=True)
    client.post("/sign-out", data={"csrf_token": form.one(
        "//header//input[@name='csrf_token']").value})
    login(client, people["staff"].email)  # the old password still works


def test_changing_a_password_needs_sign_in_and_the_csrf_token(client, login, people):
    response = client.get("/account/password")
    assert response.status_code == 302 and response.location.startswith("/sign-in")
    login(client, people["staff"].email)
    page = client.post_page("/account/password", {"current": PASSWORD, "new": NEW_PASSWORD,
                                                  "confirm": NEW_PASSWORD})
    assert page.status == 400
    client.get_page("/")  # still signed in with the old password: nothing changed


# --- setting a password from a link -------------------------------------------------------


def test_an_invitation_link_sets_the_password_once(app, client, login, people, session):
    token = issue(session, people["staff"])
    other = app.test_client()
    login(other, people["staff"].email)
    form = client.get_page(f"/set-password/{token}")
    assert form.h1 == "Welcome: set your password"
    mismatch = client.submit(form, {"new": NEW_PASSWORD, "confirm": "typo"})
    assert mismatch.status == 422
    assert mismatch.error_summary == ["The two passwords are not the same: type the new "
                                      "password twice"]
    done = client.submit(mismatch, {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status == 302 and done.location == "/sign-in"
    assert "Your password is set" in client.get_page("/sign-in").text(
        "//main/div[@role='status']")
    assert signed_out(other)  # setting it ended the account's other sessions
    login(client, people["staff"].email, NEW_PASSWORD)
    used = client.get_page(f"/set-password/{token}", 410)
    assert used.h1 == "This link no longer works"
    assert "used already" in used.text("//p[@id='link-message']")
    again = client.post_page(f"/set-password/{token}", {"new": "x", "confirm": "x",
                                                        "csrf_token": "whatever"})
    assert again.status in (400, 410)


def test_an_expired_link_says_to_ask_for_a_new_one(client, people, session):
    long_ago = utcnow() - timedelta(days=8)
    token = issue(session, people["staff"], now=long_ago)
    page = client.get_page(f"/set-password/{token}", 410)
    assert "expired. Ask your administrator to send you a new one." in page.text()
    reset = issue(session, people["coauthor"], purpose=links.RESET)
    assert client.get_page(f"/set-password/{reset}").h1 == "Set a new password"


def test_an_unknown_link_is_not_found(client):
    for token in ("A" * 43, "nonsense", "A" * 500):
        client.get_page(f"/set-password/{token}", 404)


def test_a_weak_password_from_a_link_is_refused_and_the_link_still_works(client, people,
                                                                       session):
    token = issue(session, people["staff"])
    form = client.get_page(f"/set-password/{token}")
    weak = client.submit(form, {"new": "short", "confirm": "short"})
    assert weak.status == 422
    assert weak.error_summary == ["The password must be at least 12 characters long"]
    assert "at least 12" in weak.text("//p[@id='new-error']")
    assert client.get(f"/set-password/{token}").status_code == 200


def test_a_link_post_without_its_csrf_token_is_refused(client, people, session):
    token = issue(session, people["staff"])
    page = client.post_page(f"/set-password/{token}", {"new": NEW_PASSWORD,
                                                       "confirm": NEW_PASSWORD})
    assert page.status == 400
    assert client.get(f"/set-password/{token}").status_code == 200  # still unused
