"""Sessions end when they should, server-side: sign-out, a new password and deactivation refuse
every copy of the cookie; the CSRF token changes at sign-in; no page is cached; HSTS in
production."""

import pytest

from equity_tool import create_app
from equity_tool.accounts import service as accounts
from equity_tool.core import db
from tests.conftest import ROOT, PageClient


def copy_of_cookie(app, client) -> PageClient:
    """A second browser holding a copy of `client`'s session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def refused(client, url):
    response = client.get(url)
    return response.status_code == 302 and response.location.startswith("/sign-in")


def sign_out(client):
    response = client.submit(client.get_page("/"), {}, form="//header//form")
    assert response.location == "/sign-in"


@pytest.mark.both_databases
def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, client, login, people,
                                                              answered):
    draft = answered(people["staff"])
    download = f"/assessments/{draft.id}/export.docx"  # the user loads with the assessment
    login(client, people["staff"].email)
    thief = copy_of_cookie(app, client)
    assert thief.get("/").status_code == 200
    assert thief.get(download).status_code == 200
    sign_out(client)
    assert refused(thief, "/")
    assert refused(thief, download)
    assert refused(thief, f"/assessments/{draft.id}")
    # Signing in again makes a session that works.
    login(client, people["staff"].email)
    assert client.get("/").status_code == 200


def test_a_new_password_ends_sessions(app, client, login, people, session):
    login(client, people["staff"].email)
    thief = copy_of_cookie(app, client)
    accounts.set_password(session, people["staff"], "a brand new password")
    assert refused(client, "/")
    assert refused(thief, "/")
    login(client, people["staff"].email, "a brand new password")
    assert client.get("/").status_code == 200


def test_deactivating_a_user_ends_their_sessions_for_good(client, login, people, session):
    staff = people["staff"]
    login(client, staff.email)
    accounts.deactivate_user(session, staff)
    assert refused(client, "/")
    staff.active = True  # reactivated: the old session stays ended
    session.commit()
    assert refused(client, "/")


def test_an_inactive_user_is_refused_on_the_next_request(client, login, people, session):
    # Deactivated in the database directly, without the service: the loader still refuses.
    login(client, people["staff"].email)
    people["staff"].active = False
    session.commit()
    assert refused(client, "/")


def test_cookies_from_before_session_versions_are_refused(client, people):
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = str(people["staff"].id)
    assert refused(client, "/")


def csrf_token(page, form="//main//form"):
    return page.form_data(form)[1]["csrf_token"]


def test_the_csrf_token_changes_at_sign_in_and_sign_out(client, login, people):
    before = csrf_token(client.get_page("/sign-in"))
    login(client, people["staff"].email)
    home = client.get_page("/")
    during = csrf_token(home, "//header//form")
    assert during != before
    # The token from before sign-in no longer signs anyone out.
    assert client.post("/sign-out", data={"csrf_token": before}).status_code == 400
    assert client.get("/").status_code == 200
    sign_out(client)
    assert csrf_token(client.get_page("/sign-in")) != during


def test_no_page_is_cached(client, login, people, answered):
    draft = answered(people["staff"])
    assert client.get("/sign-in").headers["Cache-Control"] == "private, no-store"
    login(client, people["staff"].email)
    for url in ("/", f"/assessments/{draft.id}", "/reading-room", "/notifications",
                f"/assessments/{draft.id}/export.docx"):
        assert client.get(url).headers["Cache-Control"] == "private, no-store", url
    # Static files are the same for everyone: browsers may keep them.
    with client.get("/static/css/equity-tool.css") as static:
        assert static.status_code == 200
        assert "no-store" not in static.headers.get("Cache-Control", "")


@pytest.fixture
def production_app(database_url):
    app = create_app({
        "EQUITY_TOOL_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "not secret: tests only",
        "EQUITY_TOOL_QUESTIONNAIRES": ROOT / "questionnaires",
    })
    yield app
    db.get_engine(app).dispose()


def test_hsts_in_production_only(client, production_app):
    hsts = "max-age=31536000; includeSubDomains"
    assert production_app.test_client().get("/sign-in").headers["Strict-Transport-Security"] == hsts
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
