"""Notifications by email, through a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import email
import email.policy
from dataclasses import replace
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from equity_tool.core.models import Notification, utcnow
from equity_tool.notifications import service as notifications
from equity_tool.notifications.service import MailSettings
from tests.local_servers import free_port


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, MailSettings(host="127.0.0.1", port=controller.port, sender="equity@city.gov",
                              timeout=5)
    controller.stop()


def test_a_notification_is_delivered_by_email(session, make_user, smtp):
    inbox, mail = smtp
    ana = make_user("ana@city.gov", name="Ana")
    notifications.notify(session, users=[ana], subject="“Bus lanes” was returned to you",
                         body="Olu returned “Bus lanes”.", assessment_id=None, mail=mail)
    session.commit()
    assert notifications.send_due(session, mail) == 1
    [(to, content)] = inbox.messages
    assert to == ["ana@city.gov"]
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert message["Subject"] == "“Bus lanes” was returned to you"
    assert message["From"] == "equity@city.gov"
    assert message.get_content().strip() == "Olu returned “Bus lanes”."
    [stored] = session.exec(select(Notification)).all()
    assert (stored.email_status, stored.email_attempts) == ("sent", 1)


def test_a_mail_failure_is_retried_then_shown_as_not_delivered(session, make_user):
    ana = make_user("ana@city.gov")
    down = MailSettings(host="127.0.0.1", port=free_port(), timeout=2)  # nothing listens
    notifications.notify(session, users=[ana], subject="S", body="B", assessment_id=None,
                         mail=down)
    session.commit()
    now = utcnow()
    assert notifications.send_due(session, down, now=now) == 0
    [stored] = session.exec(select(Notification)).all()
    assert (stored.email_status, stored.email_attempts) == ("pending", 1)
    assert stored.email_error
    assert notifications.send_due(session, down, now=now) == 0  # not due again yet
    assert stored.email_attempts == 1
    for attempt in range(2, notifications.MAX_ATTEMPTS + 1):
        now += timedelta(hours=1)
        notifications.send_due(session, down, now=now)
        assert stored.email_attempts == attempt
    assert stored.email_status == "not delivered" and stored.email_next_try is None


def test_a_pending_mail_goes_out_once_the_server_is_back(session, make_user, smtp):
    inbox, mail = smtp
    ana = make_user("ana@city.gov")
    down = MailSettings(host="127.0.0.1", port=free_port(), timeout=2)
    notifications.notify(session, users=[ana], subject="S", body="B", assessment_id=None,
                         mail=down)
    session.commit()
    notifications.send_due(session, down)
    assert notifications.send_due(session, mail, now=utcnow() + timedelta(minutes=5)) == 1
    assert len(inbox.messages) == 1


def test_without_smtp_settings_notifications_stay_in_the_app(session, make_user, app):
    assert MailSettings.from_config(app.config) is None
    ana = make_user("ana@city.gov")
    notifications.notify(session, users=[ana], subject="S", body="B", assessment_id=None,
                         mail=None)
    session.commit()
    assert notifications.unread_count(session, ana.id) == 1
    [stored] = notifications.for_user(session, ana.id)
    assert stored.email_status == "not sent"
    notifications.mark_read(session, ana.id)
    assert notifications.unread_count(session, ana.id) == 0


def test_an_email_about_an_assessment_links_to_it_when_the_apps_address_is_known(
        session, people, answered, smtp, client, login):
    inbox, mail = smtp
    assessment = answered(people["staff"])
    for app_url in (None, "https://equity.city.gov"):
        notifications.notify(session, users=[people["staff"]], subject="Returned to you",
                             body="Olu returned it.", assessment_id=assessment.id,
                             mail=replace(mail, app_url=app_url))
        session.commit()
        assert notifications.send_due(session, replace(mail, app_url=app_url)) == 1
    without, with_link = (email.message_from_bytes(content, policy=email.policy.default)
                          .get_content().strip() for _to, content in inbox.messages)
    assert without == "Olu returned it."
    text, link = with_link.splitlines()[0], with_link.splitlines()[-1].removeprefix("Open it: ")
    assert text == "Olu returned it." and link.startswith("https://equity.city.gov/notifications/")
    login(client, people["staff"].email)
    opened = client.get(link.removeprefix("https://equity.city.gov"))
    assert opened.status_code == 302
    assert opened.location.endswith(f"/assessments/{assessment.id}")
