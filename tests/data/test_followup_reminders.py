"""Follow-up reminders and commands on a real database: an overdue item or a next review date
that came tells the department once, however often (and however many workers) look."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlmodel import Session, select

from equity_tool.core import db
from equity_tool.core.models import FollowUpItem, Notification, Reminder, User
from equity_tool.followup import lists, reminders
from equity_tool.followup import service as followup
from equity_tool.notifications import worker as mail_worker
from equity_tool.notifications.service import MailSettings

# The complete example's first action is due on 30 April 2027; the others later.
DAY_AFTER = dt.date(2027, 5, 1)


@pytest.fixture
def approved(session, people, answered, bring_to, full):
    return bring_to(answered(people["staff"], full, title="Eastside pool"), "approved")


def reminder_notices(session: Session) -> list[tuple[str, str]]:
    """(user's email, subject) of every reminder notification, in order."""
    session.expire_all()
    found = session.exec(select(User.email, Notification.subject)
                         .join(User, User.id == Notification.user_id)
                         .order_by(Notification.id)).all()
    return [(email, subject) for email, subject in found
            if subject.startswith("Overdue") or "due for review" in subject]


def test_an_overdue_item_tells_the_department_once(session, people, approved):
    assert reminders.send_due(session, DAY_AFTER, None) == 1
    assert reminders.send_due(session, DAY_AFTER, None) == 0
    assert reminders.send_due(session, DAY_AFTER + dt.timedelta(days=1), None) == 0
    # The department's staff and director; not the officer, nor the other department.
    assert sorted(reminder_notices(session)) == [
        ("ana@city.gov", "Overdue: “Award the construction contract”"),
        ("bo@city.gov", "Overdue: “Award the construction contract”"),
        ("dee@city.gov", "Overdue: “Award the construction contract”"),
    ]
    notice = session.exec(select(Notification).where(
        Notification.subject.startswith("Overdue"))).first()
    assert notice.assessment_id == approved.id
    assert notice.body.startswith("“Award the construction contract”, promised in “Eastside "
                                  "pool”, was due on 30 April 2027 and is not started.")
    assert session.exec(select(Reminder)).all()[0].event == "overdue 2027-04-30"


def test_nothing_is_due_the_day_it_is_due(session, approved):
    assert reminders.send_due(session, dt.date(2027, 4, 30), None) == 0


def test_done_and_dropped_items_are_never_overdue(session, people, approved):
    first, second = [i for i in lists.assessment_items(session, approved.id)
                     if i.kind == "commitment"][:2]
    for item, status in ((first, "done"), (second, "dropped")):
        followup.post_update(session, user=people["staff"], item_id=item.id, status=status,
                             note="Finished.", value=None, happened_on=dt.date(2027, 4, 1),
                             revision=item.revision, today=dt.date(2027, 4, 1))
    assert reminders.send_due(session, dt.date(2027, 12, 1), None) == 0


def test_the_next_review_date_tells_the_department_once(session, approved):
    day = dt.date(2029, 6, 30)  # every item is overdue by then too
    # four items overdue (a measure is due in 2030) and the review
    assert reminders.send_due(session, day, None) == 5
    subjects = {subject for _, subject in reminder_notices(session)}
    assert "“Eastside pool” is due for review" in subjects
    assert reminders.send_due(session, day, None) == 0


def test_reminders_queue_emails_for_the_worker_when_mail_is_set(session, approved):
    mail = MailSettings(host="127.0.0.1", port=2525)
    reminders.send_due(session, DAY_AFTER, mail)
    statuses = {n.email_status for n in session.exec(select(Notification).where(
        Notification.subject.startswith("Overdue")))}
    assert statuses == {"pending"}


def test_two_workers_racing_send_each_reminder_once(app, session, approved):
    engine = db.get_engine(app)
    start = threading.Barrier(2)
    sent: list[int] = []

    def worker() -> None:
        with Session(engine) as own:
            start.wait()
            sent.append(reminders.send_due(own, dt.date(2029, 7, 1), None))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(sent) == 5  # four overdue items and the review, each by one of them
    assert len(session.exec(select(Reminder)).all()) == 5
    assert len(reminder_notices(session)) == 5 * 3  # three people each


def test_the_mail_worker_runs_the_reminders_as_a_periodic_job(app, session, approved):
    calls: list[dt.date] = []

    def job(own: Session) -> None:
        calls.append(reminders.send_due(own, DAY_AFTER, None))

    mail_worker.run(db.get_engine(app), None, stop=threading.Event(), once=True,
                    jobs=[(300.0, job)])
    assert calls == [1]
    assert len(reminder_notices(session)) == 3


def test_a_failing_job_does_not_stop_the_mail_worker(app):
    def broken(_session: Session) -> None:
        raise RuntimeError("boom")

    assert mail_worker.run(db.get_engine(app), None, stop=threading.Event(), once=True,
                           jobs=[(300.0, broken)]) == 0


# --- commands --------------------------------------------------------------------------------


def test_follow_up_list_prints_one_line_per_item(runner, session, approved, people, answered,
                                                 bring_to, full, make_user):
    make_user("hal@city.gov", role="director", department="Housing", name="Hal Director")
    housing = bring_to(answered(people["other"], full, title="Rent relief"), "approved")
    lines = runner.invoke(args=["follow-up", "list"]).output.splitlines()
    assert len(lines) == 10
    ids = {i.id: i for i in session.exec(select(FollowUpItem))}
    first = lines[0].split("\t")
    assert first[1:] == ["Housing", "Rent relief", "commitment", "not started", "2027-04-30",
                         "Award the construction contract"]
    assert ids[int(first[0])].assessment_id == housing.id
    assert [line.split("\t")[1] for line in lines] == ["Housing"] * 5 + ["Transportation"] * 5


def test_follow_up_list_filters_by_department_and_overdue(runner, approved, monkeypatch):
    from equity_tool.cli import followup as command
    monkeypatch.setattr(command, "city_today", lambda: DAY_AFTER)
    result = runner.invoke(args=["follow-up", "list", "--department", "Transportation",
                                 "--overdue"])
    assert result.exit_code == 0
    [line] = result.output.splitlines()
    assert line.split("\t")[1:] == ["Transportation", "Eastside pool", "commitment",
                                    "not started", "2027-04-30",
                                    "Award the construction contract"]


def test_follow_up_list_refuses_an_unknown_department(runner, approved):
    result = runner.invoke(args=["follow-up", "list", "--department", "Parks"])
    assert result.exit_code != 0
    assert "There is no department called “Parks”." in result.output


def test_follow_up_remind_sends_once(runner, session, approved):
    first = runner.invoke(args=["follow-up", "remind", "--today", "2027-05-01"])
    again = runner.invoke(args=["follow-up", "remind", "--today", "2027-05-01"])
    assert (first.output, again.output) == ("Sent 1 reminder.\n", "Sent 0 reminders.\n")
