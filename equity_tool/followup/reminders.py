"""Reminders: an overdue item, or an assessment whose next review date has come, tells the
department once (in the app, and by email through the outbox), never again every day.

Each reminder is a row of `reminders` keyed by (subject, event). It is inserted with "on
conflict do nothing" in the same commit as its notifications, so of two workers racing for the
same reminder exactly one inserts it and notifies; the other finds the key taken and skips.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from equity_tool.core.models import Assessment, FollowUpItem, Reminder, User, utcnow
from equity_tool.core.vocabulary import CLOSED_ITEM_STATUSES, DEPARTMENT_ROLES, AssessmentState
from equity_tool.notifications import service as notifications
from equity_tool.notifications.service import MailSettings
from equity_tool.questionnaire.messages import long_date

log = logging.getLogger(__name__)


def send_due(session: Session, today: dt.date, mail: MailSettings | None) -> int:
    """Notify the department of every overdue item and every next review date that came,
    once each; returns how many reminders were sent now. Safe beside other workers."""
    items = session.exec(
        select(FollowUpItem, Assessment.title)
        .join(Assessment, col(Assessment.id) == col(FollowUpItem.assessment_id))
        .where(col(FollowUpItem.due_on) < today,
               col(FollowUpItem.status).not_in([s.value for s in CLOSED_ITEM_STATUSES]))
        .order_by(col(FollowUpItem.due_on), col(FollowUpItem.id))).all()
    reviews = session.exec(
        select(Assessment).where(col(Assessment.next_review_on) <= today,
                                 Assessment.state == AssessmentState.APPROVED)
        .order_by(col(Assessment.next_review_on), col(Assessment.id))).all()
    due = [_overdue(item, title) for item, title in items] + [_review(a) for a in reviews]
    # Ends the read: SQLite refuses to turn a read snapshot into a write once another worker
    # has committed since, so each reminder starts its own write transaction below.
    session.commit()
    sent = 0
    for reminder in due:
        sent += _send_once(session, reminder, mail)
    return sent


@dataclass(frozen=True)
class _Due:
    """One reminder to send: its key, whom it is for, and what it says."""

    subject: str
    event: str
    department_id: int
    assessment_id: int
    title: str
    body: str
    item_id: int | None = None  # an overdue item: the notification opens it


def _overdue(item: FollowUpItem, assessment_title: str) -> _Due:
    assert item.due_on is not None
    due = long_date(item.due_on)
    return _Due(
        f"item:{item.id}", f"overdue {item.due_on.isoformat()}", item.department_id,
        item.assessment_id, f"Overdue: “{item.title}”",
        f"“{item.title}”, promised in “{assessment_title}”, was due on {due} and is "
        f"{item.status}. Record progress on it in the assessment's follow-up, or mark it as "
        "done, or as dropped with the reason.", item.id)


def _review(assessment: Assessment) -> _Due:
    assert assessment.next_review_on is not None
    return _Due(
        f"assessment:{assessment.id}", f"next review {assessment.next_review_on.isoformat()}",
        assessment.department_id, assessment.id,
        f"“{assessment.title}” is due for review",
        f"The approved assessment “{assessment.title}” said it would be reviewed again on "
        f"{long_date(assessment.next_review_on)}. Read it again with what the city has "
        "learned since, and talk to the equity officer about a new assessment if the "
        "answers no longer hold.")


def _send_once(session: Session, due: _Due, mail: MailSettings | None) -> int:
    """Insert the reminder's key; only the transaction that inserted it notifies."""
    try:
        inserted = session.execute(_insert_or_skip(session, due)).first()
        if inserted is None:  # the key was there: sent before, or by another worker now
            session.rollback()
            return 0
        people = session.exec(select(User).where(
            User.department_id == due.department_id,
            col(User.role).in_([r.value for r in DEPARTMENT_ROLES]),
            User.active == sa.true())).all()
        notifications.notify(session, users=people, subject=due.title, body=due.body,
                             assessment_id=due.assessment_id, follow_up_item_id=due.item_id,
                             mail=mail)
        session.commit()
    except sa.exc.IntegrityError:  # raced by another worker on a database without upserts
        session.rollback()
        return 0
    log.info("reminder sent: %s %s", due.subject, due.event)
    return 1


def _insert_or_skip(session: Session, due: _Due):
    values = {"subject": due.subject, "event": due.event, "at": utcnow()}
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return (module.insert(Reminder).values(**values)
            .on_conflict_do_nothing(index_elements=["subject", "event"])
            .returning(col(Reminder.subject)))
