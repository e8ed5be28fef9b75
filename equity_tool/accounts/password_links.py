"""One-time links to set a password: an invitation to a new account, or a reset an
administrator sent.

The token travels only in the email; the database keeps its SHA-256, so reading the table
gives nobody a way in. A link works once, until it expires; a newer link for the same person
replaces the older ones. The email itself waits in the outbox (a Notification) until the
worker sends it, so using a link also blanks it out of the person's notifications.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from equity_tool.accounts.service import AccountError, password_problem, set_password
from equity_tool.core import audit
from equity_tool.core.exceptions import NotFound
from equity_tool.core.models import Notification, PasswordLink, User, utcnow

INVITATION, RESET = "invitation", "reset"
LIFETIME = {INVITATION: timedelta(days=7), RESET: timedelta(days=1)}
# What secrets.token_urlsafe(32) makes: 43 characters of the URL-safe base64 alphabet.
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
# The path of a link in an email's text (see link_text), however the site's address reads.
_LINK_IN_TEXT = re.compile(r"\S*/set-password/[A-Za-z0-9_-]{43}")
USED_TEXT = "(this link has been used or replaced: ask your administrator for a new one)"


class DeadLink(AccountError):
    """The link was used, replaced or has expired (410); the message says what to do."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def issue(session: Session, *, user: User, purpose: str, created_by: User | None,
          now: datetime | None = None) -> tuple[str, datetime]:
    """A new link's token and expiry for `user` (in the caller's transaction: no commit). Any
    earlier link of theirs stops working, so only the latest email counts."""
    now = now or utcnow()
    _end_links(session, user_id=user.id, now=now)
    token = secrets.token_urlsafe(32)
    expires = now + LIFETIME[purpose]
    session.add(PasswordLink(user_id=user.id, token_hash=_hash(token), purpose=purpose,
                             created_by_id=created_by.id if created_by else None,
                             created_at=now, expires_at=expires))
    session.flush()
    return token, expires


def _end_links(session: Session, *, user_id: int, now: datetime) -> None:
    session.execute(
        sa.update(PasswordLink)
        .where(col(PasswordLink.user_id) == user_id, col(PasswordLink.used_at).is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


def usable(session: Session, token: str, *, now: datetime | None = None) -> PasswordLink:
    """The link of `token` while it can still set a password: else NotFound (never issued)
    or DeadLink (used, replaced, expired, or its account was deactivated)."""
    link = None
    if TOKEN.fullmatch(token):
        link = session.exec(
            select(PasswordLink).where(PasswordLink.token_hash == _hash(token))
        ).first()
    if link is None:
        raise NotFound("No such link")
    if link.used_at is not None:
        raise DeadLink("This link has been used already, or a newer one was sent. If you "
                       "set your password, sign in with it; if not, ask your administrator "
                       "for a new link.")
    if link.expires_at <= (now or utcnow()):
        raise DeadLink("This link has expired. Ask your administrator to send you a new one.")
    if not session.get_one(User, link.user_id).active:
        raise DeadLink("This account has been deactivated. Ask your administrator if you "
                       "need it again.")
    return link


def use(session: Session, *, token: str, password: str, confirm: str,
        now: datetime | None = None) -> User:
    """Set the password of the link's account and kill the link; every session the account had
    ends. AccountError (password rules) leaves the link usable; NotFound or DeadLink as in
    `usable`. One commit."""
    now = now or utcnow()
    link = usable(session, token, now=now)
    check_new_password(password, confirm)
    # Conditional, so that of two tabs sending the same link at once only one sets a password.
    claimed = session.execute(
        sa.update(PasswordLink)
        .where(col(PasswordLink.id) == link.id, col(PasswordLink.used_at).is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise DeadLink("This link has been used already. Sign in with the password you set.")
    user = session.get_one(User, link.user_id)
    _blank_links_in_mail(session, user_id=user.id)
    audit.record(session, actor=user, action="password set from link", subject=user.email,
                 link=link.purpose)
    set_password(session, user, password)  # commits, with everything above
    return user


def check_new_password(password: str, confirm: str) -> None:
    """AccountError with the sign-in's password rules, or when the two copies differ."""
    if problem := password_problem(password):
        raise AccountError(problem)
    if password != confirm:
        raise AccountError("The two passwords are not the same: type the new password twice")


def link_text(url: str, expires: datetime) -> str:
    """The lines of an email that carry the link (plain text: it is the email's body)."""
    return (f"{url}\n\nThe link works once, until {expires:%d %B %Y at %H:%M} UTC. If it has "
            "expired, ask your administrator for a new one.")


def _blank_links_in_mail(session: Session, *, user_id: int) -> None:
    """Take dead tokens out of the person's notifications (the in-app copy of the email)."""
    for notification in session.exec(
        select(Notification).where(Notification.user_id == user_id,
                                   col(Notification.body).contains("/set-password/"))
    ):
        notification.body = _LINK_IN_TEXT.sub(USED_TEXT, notification.body)
        session.add(notification)
