"""One-time links to set a password, on SQLite and PostgreSQL: only the token's SHA-256 is
stored; a link works once, until it expires or a newer one replaces it; using it ends every
session of the account and takes the dead token out of the person's notifications."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlmodel import select

from equity_tool.accounts import password_links as links
from equity_tool.accounts import service as accounts
from equity_tool.core.exceptions import NotFound
from equity_tool.core.models import AuditEntry, Notification, PasswordLink, utcnow
from equity_tool.notifications import service as notifications
from equity_tool.notifications.service import MailSettings

NEW_PASSWORD = "violet harbour lantern 42"


@pytest.fixture
def staff(people):
    return people["staff"]


def issue(session, user, purpose=links.RESET, now=None):
    token, _expires = links.issue(session, user=user, purpose=purpose, created_by=None,
                                  now=now)
    session.commit()
    return token


def test_only_the_hash_of_the_token_is_stored(session, staff):
    token = issue(session, staff)
    [stored] = session.exec(select(PasswordLink)).all()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash
    assert links.TOKEN.fullmatch(token)


def test_a_link_sets_the_password_once_and_ends_every_session(session, staff):
    version = staff.session_version
    token = issue(session, staff)
    user = links.use(session, token=token, password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    assert user.id == staff.id and user.session_version == version + 1
    assert accounts.sign_in(session, email=staff.email, password=NEW_PASSWORD,
                            client_address="t")
    with pytest.raises(links.DeadLink, match="used already"):
        links.use(session, token=token, password="another fine password",
                  confirm="another fine password")
    [entry] = session.exec(select(AuditEntry)).all()
    assert (entry.action, entry.subject, entry.actor_id) == (
        "password set from link", staff.email, staff.id)
    assert token not in str(entry.detail) and NEW_PASSWORD not in str(entry.detail)


def test_a_password_that_breaks_the_rules_leaves_the_link_usable(session, staff):
    token = issue(session, staff)
    with pytest.raises(accounts.AccountError, match="at least 12"):
        links.use(session, token=token, password="short", confirm="short")
    with pytest.raises(accounts.AccountError, match="not the same"):
        links.use(session, token=token, password=NEW_PASSWORD, confirm=NEW_PASSWORD + "x")
    session.rollback()
    assert links.usable(session, token).used_at is None


def test_an_expired_link_is_dead_and_an_unknown_one_is_not_found(session, staff):
    issued = utcnow() - links.LIFETIME[links.RESET] - timedelta(seconds=1)
    token = issue(session, staff, now=issued)
    with pytest.raises(links.DeadLink, match="expired"):
        links.usable(session, token)
    invitation = issue(session, staff, purpose=links.INVITATION, now=issued)
    assert links.usable(session, invitation).purpose == "invitation"  # seven days, not one
    for junk in ("x" * 43, "short", "../../etc/passwd", "é" * 43):
        with pytest.raises(NotFound):
            links.usable(session, junk)


def test_a_newer_link_replaces_the_older_one(session, staff):
    first = issue(session, staff)
    second = issue(session, staff)
    with pytest.raises(links.DeadLink):
        links.usable(session, first)
    assert links.usable(session, second)


def test_a_deactivated_account_cannot_use_its_link(session, staff):
    token = issue(session, staff)
    accounts.deactivate_user(session, staff)
    with pytest.raises(links.DeadLink, match="deactivated"):
        links.use(session, token=token, password=NEW_PASSWORD, confirm=NEW_PASSWORD)


def test_using_the_link_blanks_it_in_the_notification(session, staff):
    token = issue(session, staff)
    mail = MailSettings(host="127.0.0.1")
    body = f"Open this:\n\nhttps://equity.city.gov/set-password/{token}\n\nThanks."
    notifications.notify(session, users=[staff], subject="S", body=body, assessment_id=None,
                         mail=mail)
    session.commit()
    links.use(session, token=token, password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    [notification] = session.exec(select(Notification)).all()
    assert token not in notification.body
    assert "Open this:" in notification.body and links.USED_TEXT in notification.body
