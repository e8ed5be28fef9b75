"""Notifications: the in-app list with its unread count, email status, and the send command."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from flask import render_template_string
from flask_login import login_user
from sqlmodel import select

from equity_tool.core.models import Notification
from equity_tool.notifications.service import NOT_DELIVERED
from tests.conftest import squash
from tests.local_servers import free_port


class Inbox:
    """An aiosmtpd handler keeping every message that arrives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK"


@pytest.fixture
def inbox(app):
    """A real SMTP server on loopback, configured as the app's mail server."""
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port,
                      MAIL_FROM="equity@city.gov")
    yield handler
    controller.stop()


def listed(page) -> list[str]:
    return [squash(h.text_content()) for h in page.all("//ul[@id='notifications']//h2")]


def test_the_list_shows_newest_first_and_opening_it_marks_all_read(people, client, login,
                                                                   answered, bring_to):
    bring_to(answered(people["staff"]), "approved")
    login(client, "olu@city.gov")
    assert listed(client.get_page("/notifications")) == [
        "New “Summer library hours” is waiting for review"]

    login(client, "ana@city.gov")
    page = client.get_page("/notifications")
    assert listed(page) == ["New “Summer library hours” was approved"]
    assert "Olu Officer approved “Summer library hours” (Rapid equity check)." in page.text()
    assert "Email" not in page.text()  # no mail server configured: nothing to say about email
    assert listed(client.get_page("/notifications")) == ["“Summer library hours” was approved"]


@pytest.mark.both_databases
def test_every_page_can_show_the_unread_count(app, people, answered, bring_to):
    bring_to(answered(people["staff"], title="First"), "submitted")
    bring_to(answered(people["staff"], title="Second"), "submitted")
    with app.test_request_context():
        assert render_template_string("{{ unread_notifications() }}") == "None"
        login_user(people["officer"])
        assert render_template_string("{{ unread_notifications() }}") == "2"


def test_mail_goes_out_on_submission_and_its_status_is_shown(session, people, client, login,
                                                             inbox, answered, bring_to, runner):
    bring_to(answered(people["staff"]), "submitted")
    assert inbox.messages == []  # the request only queued it: the worker sends it
    assert runner.invoke(args=["notifications", "worker", "--once"]).exit_code == 0
    [message] = inbox.messages
    assert (message["To"], message["Subject"]) == ("olu@city.gov",
                                                  "“Summer library hours” is waiting for review")
    assert message.get_content().strip() == (
        "Ana Staff submitted “Summer library hours” (Rapid equity check).")
    login(client, "olu@city.gov")
    assert "Email sent" in client.get_page("/notifications").text()

    notification = session.exec(select(Notification)).one()
    notification.email_status = NOT_DELIVERED
    session.add(notification)
    session.commit()
    assert "Email not delivered" in client.get_page("/notifications").text()


def test_the_send_command_retries_what_is_due(app, session, people, runner, inbox, answered,
                                              bring_to):
    port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()  # nothing listens there: the first try fails
    bring_to(answered(people["staff"]), "submitted")
    assert runner.invoke(args=["notifications", "send"]).exit_code == 0
    notification = session.exec(select(Notification)).one()
    session.refresh(notification)
    assert (notification.email_status, notification.email_attempts) == ("pending", 1)
    notification.email_next_try = notification.at  # due again now
    session.add(notification)
    session.commit()

    app.config["SMTP_PORT"] = port
    result = runner.invoke(args=["notifications", "send"])
    assert result.exit_code == 0, result.output
    assert result.output == "Sent 1 email.\n"
    assert len(inbox.messages) == 1


def test_the_send_command_says_when_mail_is_not_configured(runner):
    result = runner.invoke(args=["notifications", "send"])
    assert result.exit_code == 1
    assert "No SMTP_HOST is set" in result.output
