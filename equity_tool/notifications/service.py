"""Tell people what needs them: an in-app list, and email through SMTP when it is configured.

Mail is an outbox: a notification is stored with the transition (one commit) and the request
never talks to SMTP. The mail worker (`notifications worker`, see worker.py) or cron
(`notifications send`) sends it later. Each email is claimed before it is sent, by one
conditional UPDATE, so two workers never both send it. A failure never undoes the transition;
the email goes back to "pending" with a growing wait, and after the last try it shows as "not
delivered".
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import ssl
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from equity_tool.core.exceptions import NotFound
from equity_tool.core.models import MAX_ID, Notification, User, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_WAIT = timedelta(minutes=1)  # then 2, 4, 8 minutes
# A claim older than this is taken over: its worker died mid-send. It is far longer than one
# SMTP conversation can last, each step of which gives up after MailSettings.timeout.
LEASE = timedelta(minutes=10)
NOT_SENT, PENDING, SENDING, SENT, NOT_DELIVERED = (
    "not sent", "pending", "sending", "sent", "not delivered")
# Errors of one email (the server, the network, a header it cannot carry), not of the worker.
MAIL_ERRORS = (OSError, smtplib.SMTPException, ValueError)


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int = 25
    username: str | None = None
    password: str | None = None
    sender: str = "equity-tool@localhost"
    timeout: float = 10.0
    # Where people reach the app (APP_URL): an email about an assessment then links to it.
    app_url: str | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings | None:
        """None when no SMTP_HOST is set: notifications then stay in the app."""
        host = config.get("SMTP_HOST")
        if not host:
            return None
        return cls(
            host=host,
            port=int(config.get("SMTP_PORT") or 25),
            username=config.get("SMTP_USERNAME") or None,
            password=config.get("SMTP_PASSWORD") or None,
            sender=config.get("MAIL_FROM") or "equity-tool@localhost",
            app_url=config.get("APP_URL") or None,
        )


def notify(session: Session, *, users: Iterable[User], subject: str, body: str,
           assessment_id: int | None, mail: MailSettings | None,
           follow_up_item_id: int | None = None) -> list[Notification]:
    """Add a notification for each user (in the caller's transaction; no commit here); its
    link opens the follow-up item if there is one, else the assessment.

    With mail configured its email is "pending", due at once, for the worker to send."""
    added = []
    for user in {u.id: u for u in users if u.active}.values():
        notification = Notification(
            user_id=user.id, assessment_id=assessment_id, follow_up_item_id=follow_up_item_id,
            subject=subject, body=body,
            email_status=PENDING if mail else NOT_SENT,
            email_next_try=utcnow() if mail else None,
        )
        session.add(notification)
        added.append(notification)
    return added


def new_worker_id() -> str:
    """A name for one sender, unique across hosts and processes, kept in email_claimed_by."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def send_due(session: Session, mail: MailSettings | None, *, now: datetime | None = None,
             worker: str | None = None) -> int:
    """Claim and send every email that is due, one at a time; returns how many were sent.

    For cron (`notifications send`); safe to run beside workers, as each email is claimed."""
    if mail is None:
        return 0
    worker = worker or new_worker_id()
    sent = 0
    while (outcome := send_next(session, mail, worker, now=now)) is not None:
        sent += outcome
    return sent


def send_next(session: Session, mail: MailSettings, worker: str, *,
              now: datetime | None = None) -> bool | None:
    """Claim the next due email and try to send it: None when none is due, else whether it
    was sent. Commits; no transaction stays open while the SMTP server is talked to."""
    now = now or utcnow()
    notification = claim(session, worker, now)
    if notification is None:
        return None
    if notification.email_attempts > MAX_ATTEMPTS:
        # Taken over from a worker that died sending its last try: no tries are left.
        _failed(session, notification, worker, RuntimeError("the sender stopped"), now)
        return False
    to = session.get_one(User, notification.user_id).email
    subject, body = notification.subject, _with_link(notification, mail.app_url)
    session.commit()  # ends the read, so that no transaction waits on the SMTP server
    try:
        _send(mail, to, subject, body)
    except MAIL_ERRORS as error:
        _failed(session, notification, worker, error, now)
        return False
    _finish(session, notification, worker,
            email_status=SENT, email_error=None, email_next_try=None)
    return True


def _with_link(notification: Notification, app_url: str | None) -> str:
    """The body, ending with the notification's own link (it marks it read and opens what
    it is about, once the person has signed in) when the app's address is known."""
    if not app_url or notification.assessment_id is None:
        return notification.body
    return f"{notification.body.rstrip()}\n\nOpen it: {app_url}/notifications/{notification.id}\n"


def _due(now: datetime) -> sa.ColumnElement[bool]:
    """Pending and its time has come, or claimed by a worker whose lease ran out."""
    return sa.or_(
        sa.and_(col(Notification.email_status) == PENDING,
                col(Notification.email_next_try) <= now),
        sa.and_(col(Notification.email_status) == SENDING,
                col(Notification.email_claimed_at) < now - LEASE),
    )


def claim(session: Session, worker: str, now: datetime) -> Notification | None:
    """Make the next due email `worker`'s: one conditional UPDATE per candidate, which changes
    the row only while it is still due, so of two workers reaching for it exactly one wins.
    The try is counted here, so that an email whose sender keeps dying still runs out."""
    while candidates := _candidates(session, now):
        for notification_id in candidates:
            claimed = session.execute(
                sa.update(Notification)
                .where(col(Notification.id) == notification_id, _due(now))
                .values(email_status=SENDING, email_claimed_by=worker, email_claimed_at=now,
                        email_attempts=col(Notification.email_attempts) + 1)
                .execution_options(synchronize_session=False)
            )
            session.commit()
            if claimed.rowcount == 1:
                return session.get(Notification, notification_id)
    return None


def _candidates(session: Session, now: datetime) -> list[int]:
    found = session.exec(
        select(Notification.id).where(_due(now)).order_by(col(Notification.id)).limit(20)
    ).all()
    # Ends the read before the UPDATE: SQLite refuses to turn a read snapshot into a write
    # once another worker has committed since.
    session.commit()
    return [notification_id for notification_id in found if notification_id is not None]


def _failed(session: Session, notification: Notification, worker: str, error: Exception,
            now: datetime) -> None:
    """Back to "pending" with a wait that doubles each time, or "not delivered" at the end."""
    log.warning("mail to user %s not sent: %s", notification.user_id, error)
    attempts = notification.email_attempts  # this try included (counted by the claim)
    last = attempts >= MAX_ATTEMPTS
    _finish(session, notification, worker,
            email_status=NOT_DELIVERED if last else PENDING,
            email_error=str(error)[:500] or type(error).__name__,
            email_next_try=None if last else now + FIRST_WAIT * 2 ** (attempts - 1))


def _finish(session: Session, notification: Notification, worker: str, **values: Any) -> None:
    """Record how the try went, unless another worker took the claim over meanwhile (this one
    outlived its lease): the email is then that worker's."""
    done = session.execute(
        sa.update(Notification)
        .where(col(Notification.id) == notification.id,
               col(Notification.email_status) == SENDING,
               col(Notification.email_claimed_by) == worker)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if done.rowcount != 1:
        log.warning("mail %s was taken over by another worker", notification.id)


def _send(mail: MailSettings, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = mail.sender, to, subject
    message.set_content(body)
    # The timeout bounds every step (connect, each reply), so a server that stalls costs
    # the worker at most that long per step; the email is then retried later.
    with smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout) as smtp:
        if mail.username:
            smtp.starttls(context=ssl.create_default_context())
            smtp.login(mail.username, mail.password or "")
        smtp.send_message(message)


def unread_count(session: Session, user_id: int) -> int | None:
    """How many notifications `user_id` has not read; None when the database cannot answer,
    so that the page saying the service has a problem still renders."""
    try:
        return session.exec(
            select(func.count()).select_from(Notification).where(
                Notification.user_id == user_id, col(Notification.read_at).is_(None)
            )
        ).one()
    except sa.exc.SQLAlchemyError:
        return None


def for_user(session: Session, user_id: int, limit: int = 100) -> list[Notification]:
    return list(session.exec(
        select(Notification).where(Notification.user_id == user_id)
        .order_by(col(Notification.id).desc()).limit(limit)
    ).all())


def mark_read(session: Session, user_id: int) -> None:
    session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user_id, col(Notification.read_at).is_(None))
        .values(read_at=utcnow())
    )
    session.commit()


def open_notification(session: Session, *, user: User, notification_id: int) -> Notification:
    """`user` opens one of their notifications (its link): it is marked read.

    Only the owner's own notifications: anyone else's is "not found" (404), so that ids say
    nothing. Marking read again changes nothing (the first time it was read is kept)."""
    found = session.get(Notification, notification_id) if 0 < notification_id <= MAX_ID else None
    if found is None or found.user_id != user.id:
        raise NotFound(f"No notification {notification_id}")
    if found.read_at is None:
        found.read_at = utcnow()
        session.add(found)
        session.commit()
    return found
