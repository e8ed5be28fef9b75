"""Tell people what needs them: an in-app list, and email through SMTP when it is configured.

Mail is an outbox: a notification is stored with the transition (one commit), then sent.
A mail failure never undoes or blocks the transition; the notification stays "pending" and
is retried with growing waits, and after the last try it shows as "not delivered".
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from equity_tool.core.models import Notification, User, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_WAIT = timedelta(minutes=1)  # then 2, 4, 8 minutes
NOT_SENT, PENDING, SENT, NOT_DELIVERED = "not sent", "pending", "sent", "not delivered"


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int = 25
    username: str | None = None
    password: str | None = None
    sender: str = "equity-tool@localhost"
    timeout: float = 10.0

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
        )


def notify(session: Session, *, users: Iterable[User], subject: str, body: str,
           assessment_id: int | None, mail: MailSettings | None) -> list[Notification]:
    """Add a notification for each user (in the caller's transaction; no commit here)."""
    added = []
    for user in {u.id: u for u in users if u.active}.values():
        notification = Notification(
            user_id=user.id, assessment_id=assessment_id, subject=subject, body=body,
            email_status=PENDING if mail else NOT_SENT,
            email_next_try=utcnow() if mail else None,
        )
        session.add(notification)
        added.append(notification)
    return added


def send_due(session: Session, mail: MailSettings | None, *, now=None) -> int:
    """Send every pending email whose time has come; returns how many were sent."""
    if mail is None:
        return 0
    now = now or utcnow()
    due = session.exec(
        select(Notification).where(
            Notification.email_status == PENDING, col(Notification.email_next_try) <= now
        ).order_by(col(Notification.id))
    ).all()
    sent = 0
    for notification in due:
        user = session.get(User, notification.user_id)
        try:
            _send(mail, user.email, notification.subject, notification.body)
        except (OSError, smtplib.SMTPException) as error:
            _failed(notification, error, now)
        else:
            notification.email_status, notification.email_error = SENT, None
            sent += 1
        notification.email_attempts += 1
        session.add(notification)
        session.commit()
    return sent


def _failed(notification: Notification, error: Exception, now) -> None:
    log.warning("mail to user %s not sent: %s", notification.user_id, error)
    notification.email_error = str(error)[:500] or type(error).__name__
    if notification.email_attempts + 1 >= MAX_ATTEMPTS:
        notification.email_status = NOT_DELIVERED
        notification.email_next_try = None
    else:
        notification.email_next_try = now + FIRST_WAIT * 2 ** notification.email_attempts


def _send(mail: MailSettings, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = mail.sender, to, subject
    message.set_content(body)
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
