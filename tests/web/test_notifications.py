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
from equity_tool.review.workflow import Action
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


# --- what is new: resubmissions say so, and what changed -----------------------------------


def notifications_of(session, user) -> list[Notification]:
    session.expire_all()
    return list(session.exec(select(Notification).where(Notification.user_id == user.id)
                             .order_by(Notification.id)).all())


def revise(session, assessment, **answers) -> None:
    """The department changes answers after a return (stored as the wizard leaves them)."""
    assessment.answers = {**assessment.answers, **answers}
    session.add(assessment)
    session.commit()


def test_a_second_sign_off_request_says_it_is_a_resubmission_and_what_changed(
        session, people, answered, bring_to, act, full):
    assessment = bring_to(answered(people["staff"], full), "returned")
    [first] = notifications_of(session, people["director"])
    assert first.subject == "“Summer library hours” is waiting for your sign-off"
    assert "resubmission" not in first.body

    revise(session, assessment, estimated_cost=5_000_000, places="Eastside only.")
    act(people["staff"], assessment, Action.SUBMIT)
    second = notifications_of(session, people["director"])[-1]
    assert second.subject == (
        "“Summer library hours” was resubmitted and is waiting for your sign-off")
    assert second.body == (
        "Ana Staff submitted “Summer library hours” (Racial equity impact assessment).\n\n"
        "This is a resubmission. 2 answers changed since the last submission:\n\n"
        "- Estimated cost\n"
        "- Which places does the proposal affect?")


def test_a_long_list_of_changes_is_cut_short(session, people, answered, bring_to, act, full):
    assessment = bring_to(answered(people["staff"], full), "returned")
    long_texts = ["team", "decision_summary", "places", "intersections", "population_profile",
                  "existing_inequities", "program_performance", "data_gaps",
                  "most_affected_communities", "engagement_findings", "missing_voices",
                  "missing_voices_plan", "burden_mitigation"]
    revise(session, assessment, **{qid: f"Revised: {qid}" for qid in long_texts})
    act(people["staff"], assessment, Action.SUBMIT)
    body = notifications_of(session, people["director"])[-1].body
    assert "13 answers changed since the last submission" in body
    assert body.count("\n- ") == 11  # ten questions, then the rest counted
    assert body.endswith("\n- and 3 more")


def test_the_officer_is_told_of_a_resubmission_too(session, people, answered, bring_to, act):
    assessment = bring_to(answered(people["staff"]), "returned")
    revise(session, assessment, estimated_cost=90_000)
    act(people["staff"], assessment, Action.SUBMIT)
    latest = notifications_of(session, people["officer"])[-1]
    assert latest.subject == "“Summer library hours” was resubmitted and is waiting for review"
    assert latest.body.endswith("This is a resubmission. 1 answer changed since the last "
                                "submission:\n\n- Estimated cost")


def test_a_resubmission_without_changes_says_so(session, people, answered, bring_to, full):
    bring_to(answered(people["staff"], full), "resubmitted")  # submitted twice as it was
    officer = notifications_of(session, people["officer"])[-1]
    assert officer.subject.endswith("was resubmitted and is waiting for review")
    assert officer.body == (
        "Dee Director signed off “Summer library hours” (Racial equity impact assessment)."
        "\n\nThis is a resubmission. No answer changed since the last submission.")


# --- opening a notification marks it read -----------------------------------------------------


def unread(page) -> str:
    return page.text("//a[@href='/notifications']")


def test_opening_a_notification_marks_it_read_and_leads_to_the_assessment(
        session, people, client, login, answered, bring_to):
    first = bring_to(answered(people["staff"], title="First"), "submitted")
    bring_to(answered(people["staff"], title="Second"), "submitted")
    login(client, "olu@city.gov")
    assert unread(client.get_page("/review")) == "Notifications (2 unread)"
    opened = notifications_of(session, people["officer"])[0]

    response = client.get_page(f"/notifications/{opened.id}", status=302)
    assert response.location == f"/assessments/{first.id}/review"
    assert unread(client.get_page("/review")) == "Notifications (1 unread)"
    assert [n.read_at is None for n in notifications_of(session, people["officer"])] == [
        False, True]
    # Opening it again changes nothing: it was read when it was first opened.
    read_at = notifications_of(session, people["officer"])[0].read_at
    client.get_page(f"/notifications/{opened.id}", status=302)
    assert notifications_of(session, people["officer"])[0].read_at == read_at


def test_the_list_links_through_the_notification(session, people, client, login, answered,
                                                 bring_to):
    assessment = bring_to(answered(people["staff"]), "approved")
    login(client, "ana@city.gov")
    page = client.get_page("/notifications")
    [mine] = notifications_of(session, people["staff"])
    assert page.all("//ul[@id='notifications']//h2/a/@href") == [f"/notifications/{mine.id}"]
    # Department staff are taken to the task list.
    assert client.get_page(f"/notifications/{mine.id}", status=302).location == (
        f"/assessments/{assessment.id}")


def test_only_its_owner_can_open_a_notification(session, people, client, login, answered,
                                                bring_to):
    bring_to(answered(people["staff"]), "submitted")
    [theirs] = notifications_of(session, people["officer"])
    login(client, "ana@city.gov")
    client.get_page(f"/notifications/{theirs.id}", status=404)
    client.get_page("/notifications/999999", status=404)
    client.get_page("/notifications/99999999999999999999", status=404)
    assert notifications_of(session, people["officer"])[0].read_at is None
