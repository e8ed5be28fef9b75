"""Signing in and out, through the pages as a person uses them."""

import pytest
from sqlmodel import select

from equity_tool import create_app
from equity_tool.core import db
from equity_tool.core.models import SignInAttempt
from equity_tool.demo import DEMO_PASSWORD
from equity_tool.settings import SettingsError
from tests.conftest import ROOT, PageClient

# Client addresses for documentation (RFC 5737).
A, B, PROXY = "192.0.2.1", "198.51.100.7", "10.0.0.2"


def sign_in(client, email, password, url="/sign-in", **kwargs):
    return client.submit(client.get_page(url), {"email": email, "password": password}, **kwargs)


def test_the_bare_address_leads_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.location == "/sign-in"


def test_sign_in_page(client):
    page = client.get_page("/sign-in")
    assert page.title == "Sign in – Equity Tool"
    assert page.h1 == "Sign in"
    assert page.one("//label[@for='email']").text_content() == "Email address"
    assert page.one("//input[@id='password']").get("autocomplete") == "current-password"


def test_signing_in_leads_home(client, make_user):
    make_user("sam@example.org", role="staff", name="Sam Staff")
    response = sign_in(client, "  Sam@Example.org ", DEMO_PASSWORD)
    assert response.status == 302
    assert response.location == "/"
    page = client.get_page("/")
    assert page.h1 == "Your department's assessments"
    assert "Sam Staff" in page.text("//header")
    assert "Your department has no assessments yet." in page.text()


def test_other_roles_get_a_simple_home(client, login, demo_users):
    login(client, demo_users["officer"])
    page = client.get_page("/")
    assert page.h1.startswith("Welcome")


def test_wrong_password_is_refused_with_an_error_summary(client, make_user):
    make_user("sam@example.org")
    page = client.get_page("/sign-in")
    page = client.submit(page, {"email": "sam@example.org", "password": "wrong password"})
    assert page.status == 200
    assert page.title == "Error: Sign in – Equity Tool"
    assert page.error_summary == ["Enter a correct email address and password"]
    assert page.one("//div[@class='error-summary']//a").get("href") == "#email"
    # The typed email stays; the password is never sent back.
    assert page.one("//input[@id='email']").get("value") == "sam@example.org"
    assert page.one("//input[@id='password']").get("value") == ""
    assert client.get("/").status_code == 302


def test_unknown_email_gets_the_same_message(client):
    page = sign_in(client, "nobody@example.org", "whatever it is")
    assert page.error_summary == ["Enter a correct email address and password"]


def test_empty_fields_are_named_and_tied_to_their_inputs(client):
    page = sign_in(client, "", "")
    assert page.error_summary == ["Enter your email address", "Enter your password"]
    email = page.one("//input[@id='email']")
    assert email.get("aria-describedby") == "email-error"
    assert page.text("//p[@id='email-error']") == "Error: Enter your email address"


def test_inactive_users_cannot_sign_in(client, make_user, session):
    user = make_user("gone@example.org")
    user.active = False
    session.commit()
    page = sign_in(client, "gone@example.org", DEMO_PASSWORD)
    assert page.error_summary == ["Enter a correct email address and password"]


@pytest.mark.both_databases
def test_repeated_failures_are_slowed_down(client, make_user):
    make_user("sam@example.org")
    for _ in range(5):
        sign_in(client, "sam@example.org", "a wrong guess")
    # Even the right password is refused now, and the person is told how long to wait.
    page = sign_in(client, "sam@example.org", DEMO_PASSWORD)
    [message] = page.error_summary
    assert message == (
        "There have been too many failed attempts to sign in with this email address. "
        "Wait 15 minutes, then try again, or ask your administrator for help.")
    assert client.get("/").status_code == 302
    # Other accounts are not affected.
    make_user("kim@example.org")
    assert sign_in(client, "kim@example.org", DEMO_PASSWORD).status == 302


def test_next_leads_back_to_the_page_asked_for(client, make_user):
    make_user("sam@example.org")
    response = sign_in(client, "sam@example.org", DEMO_PASSWORD, url="/sign-in?next=/%3Fx%3D1")
    assert response.location == "/?x=1"


def test_next_never_leads_off_the_site(client, make_user):
    make_user("sam@example.org")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"):
        with client.session_transaction() as flask_session:
            flask_session.clear()  # signed out
        response = sign_in(client, "sam@example.org", DEMO_PASSWORD, url=f"/sign-in?next={target}")
        assert response.location == "/", target


def test_pages_ask_for_sign_in_and_come_back(client, app, make_user):
    @app.get("/private-test-page")
    def private_test():
        return "private"

    response = client.get("/private-test-page")
    assert response.location == "/sign-in?next=%2Fprivate-test-page"
    make_user("sam@example.org")
    page = client.get_page(response.location)
    assert page.text("//div[@role='status']") == "Sign in to see that page."
    response = client.submit(page, {"email": "sam@example.org", "password": DEMO_PASSWORD})
    assert response.location == "/private-test-page"


def test_sign_out_is_a_post_with_a_csrf_token(client, login, demo_users):
    login(client, demo_users["staff"])
    home = client.get_page("/")
    assert client.get("/sign-out").status_code == 405
    response = client.submit(home, {}, form="//header//form")
    assert response.location == "/sign-in"
    page = client.get_page("/sign-in")
    assert page.text("//div[@role='status']") == "You have signed out."
    assert client.get("/").status_code == 302


def test_sign_out_without_the_token_is_refused_clearly(client, login, demo_users):
    login(client, demo_users["staff"])
    page = client.post_page("/sign-out")
    assert page.status == 400
    assert page.h1 == "Your form could not be sent"
    assert "reload the page and try again" in page.text()
    assert client.get("/").status_code == 200  # still signed in


def test_sign_in_without_the_token_is_refused(client, make_user):
    make_user("sam@example.org")
    page = client.post_page("/sign-in", {"email": "sam@example.org", "password": DEMO_PASSWORD})
    assert page.status == 400
    assert page.h1 == "Your form could not be sent"


def test_session_cookie_is_http_only_and_same_site(client, make_user):
    make_user("sam@example.org")
    response = sign_in(client, "sam@example.org", DEMO_PASSWORD)
    cookie = response.response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie



def client_at(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


@pytest.mark.both_databases
def test_guesses_from_one_address_do_not_keep_the_officer_out(app, people):
    officer = people["officer"].email
    guesser = client_at(app, A)
    for _ in range(5):
        sign_in(guesser, officer, "a wrong guess")
    assert "too many failed attempts" in sign_in(guesser, officer, DEMO_PASSWORD).error_summary[0]
    assert sign_in(client_at(app, B), officer, DEMO_PASSWORD).status == 302


def test_many_emails_from_one_address_are_slowed(app, people):
    guesser = client_at(app, A)
    for n in range(20):
        page = sign_in(guesser, f"person{n}@example.org", "a wrong guess")
        assert page.error_summary == ["Enter a correct email address and password"]
    [message] = sign_in(guesser, "person20@example.org", "a wrong guess").error_summary
    assert message == (
        "There have been too many failed attempts to sign in from your network address. "
        "Wait 15 minutes, then try again, or ask your administrator for help.")
    assert sign_in(client_at(app, B), people["staff"].email, DEMO_PASSWORD).status == 302


@pytest.fixture
def app_behind(database_url):
    """app_behind(n): the app configured with TRUSTED_PROXIES=n."""
    apps = []

    def build(proxies):
        apps.append(create_app({
            "TESTING": True, "DATABASE_URL": database_url, "TRUSTED_PROXIES": proxies,
            "SECRET_KEY": "not secret: tests only",
            "EQUITY_TOOL_QUESTIONNAIRES": ROOT / "questionnaires",
        }))
        apps[-1].test_client_class = PageClient
        return apps[-1]

    yield build
    for app in apps:
        db.get_engine(app).dispose()


def recorded_addresses(session):
    session.expire_all()
    attempts = session.exec(select(SignInAttempt).order_by(SignInAttempt.id))
    return [attempt.client_address for attempt in attempts]


def test_x_forwarded_for_is_ignored_without_trusted_proxies(app_behind, session, people):
    client = client_at(app_behind(0), PROXY)
    for n in range(5):
        sign_in(client, people["officer"].email, "a wrong guess",
                headers={"X-Forwarded-For": f"203.0.113.{n}"})
    # A client cannot escape its limit by claiming other addresses.
    page = sign_in(client, people["officer"].email, DEMO_PASSWORD,
                   headers={"X-Forwarded-For": "203.0.113.99"})
    assert "too many failed attempts" in page.error_summary[0]
    assert recorded_addresses(session) == [PROXY] * 5


def test_with_one_trusted_proxy_the_address_it_saw_counts(app_behind, session, people):
    client = client_at(app_behind(1), PROXY)
    officer = people["officer"].email
    # The client's own X-Forwarded-For entries come first; the proxy appends what it saw.
    spoofed = {"X-Forwarded-For": f"{B}, {A}"}
    for _ in range(5):
        sign_in(client, officer, "a wrong guess", headers=spoofed)
    assert "too many failed attempts" in sign_in(client, officer, DEMO_PASSWORD,
                                                 headers=spoofed).error_summary[0]
    assert recorded_addresses(session) == [A] * 5
    response = sign_in(client, officer, DEMO_PASSWORD, headers={"X-Forwarded-For": B})
    assert response.status == 302


def test_trusted_proxies_must_be_a_number(database_url):
    with pytest.raises(SettingsError, match="TRUSTED_PROXIES must be a number"):
        create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "TRUSTED_PROXIES": "yes"})
