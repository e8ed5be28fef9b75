"""An invitation goes from the administrator's page to a real SMTP server (aiosmtpd on
loopback) through the real mail worker, on SQLite and PostgreSQL; its link sets the
password once, and the invitee signs in with it."""

from __future__ import annotations

import re
import threading

import pytest

from equity_tool.core import db
from equity_tool.notifications import worker as mail_worker
from equity_tool.notifications.service import MailSettings
from tests.local_servers import smtp_inbox

NEW_PASSWORD = "violet harbour lantern 42"
LINK = re.compile(r"(https?://\S+)/set-password/([A-Za-z0-9_-]{43})")


@pytest.fixture
def inbox(app):
    with smtp_inbox() as (handler, port):
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(port),
                          MAIL_FROM="equity@city.gov")
        yield handler


def send_mail(app) -> int:
    """One pass of the real worker, as `flask notifications worker` runs it."""
    return mail_worker.run(db.get_engine(app), MailSettings.from_config(app.config),
                           stop=threading.Event(), once=True)


def invite(client, login, admin_email: str, **fields) -> None:
    login(client, admin_email)
    form = client.get_page("/admin/people/new")
    department = form.one("//select[@id='department']/option[.='Transportation']").get("value")
    typed = {"email": "newt@city.gov", "name": "Newt Person", "role": "staff",
             "department": department, **fields}
    assert client.submit(form, typed).status == 302


def test_an_invitation_is_mailed_by_the_worker_and_its_link_works_once(app, client, login,
                                                                       people, inbox):
    invite(client, login, people["admin"].email)
    assert inbox.messages == []  # the request only queued it
    assert send_mail(app) == 1
    [message] = inbox.messages
    assert message["To"] == "newt@city.gov" and message["From"] == "equity@city.gov"
    assert message["Subject"] == "Your Equity Tool account: set your password"
    body = message.get_content()
    assert "Adi Admin has made you an Equity Tool account (newt@city.gov)" in body
    assert "The link works once, until" in body
    base, token = LINK.search(body).groups()
    assert base == "http://localhost"  # the address the administrator's request came to

    invitee = app.test_client()
    form = invitee.get_page(f"/set-password/{token}")
    assert form.h1 == "Welcome: set your password"
    assert invitee.submit(form, {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status == 302
    login(invitee, "newt@city.gov", NEW_PASSWORD)
    home = invitee.get_page("/")
    assert home.h1 == "Your department's assessments"
    assert "Newt Person (staff)" in home.text("//header")
    invitee.get_page(f"/set-password/{token}", 410)  # the link is dead now
    assert send_mail(app) == 0  # sent once, never again


def test_a_password_reset_is_mailed_with_the_sites_own_address(app, client, login, people,
                                                               inbox):
    app.config["APP_URL"] = "https://equity.city.gov"
    login(client, people["admin"].email)
    page = client.get_page(f"/admin/people/{people['staff'].id}")
    assert "Send a link to set a new password" in page.text(
        "//form[@aria-labelledby='password-title']")
    sent = client.submit(page, {}, form="//form[@aria-labelledby='password-title']")
    assert sent.status == 302
    assert send_mail(app) == 1
    [message] = inbox.messages
    assert message["To"] == "ana@city.gov"
    base, token = LINK.search(message.get_content()).groups()
    assert base == "https://equity.city.gov"
    reset = app.test_client().get_page(f"/set-password/{token}")
    assert reset.h1 == "Set a new password"
