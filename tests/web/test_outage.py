"""While the database is down, people get the app's own page saying so, never a bare 500."""

from __future__ import annotations

from pathlib import Path

from equity_tool.core import db


def take_the_database_away(app) -> None:
    """The SQLite file disappears: the next connection opens an empty one, with no tables."""
    db.get_engine(app).dispose()
    Path(app.config["DATABASE_URL"].removeprefix("sqlite:///")).unlink()


def assert_outage_page(page) -> None:
    assert page.status == 503
    assert page.h1 == "Sorry, the service is unavailable"
    assert "What you typed is still on the page you came from" in page.text()
    header = page.text("//header")
    assert "Notifications" not in header and "Sign out" not in header


def test_a_signed_in_person_sees_the_outage_page(app, client, make_user, login):
    make_user("ana@city.gov", name="Ana Staff")
    login(client, "ana@city.gov")
    assert "Ana Staff" in client.get_page("/").text("//header")
    take_the_database_away(app)
    page = client.get_page("/", 503)
    assert_outage_page(page)
    assert "Ana Staff" not in page.text("//header")


def test_signing_in_during_an_outage_says_so(app, client):
    form = client.get_page("/sign-in")
    take_the_database_away(app)
    page = client.submit(form, {"email": "ana@city.gov", "password": "whatever it is"})
    assert_outage_page(page)
