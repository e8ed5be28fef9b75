"""Departments, users and signing in: the rules, with no web framework involved."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select
from werkzeug.security import check_password_hash, generate_password_hash

from equity_tool.core.models import (
    DEPARTMENT_ROLES,
    Department,
    Role,
    SignInAttempt,
    SignInLimit,
    User,
    utcnow,
)

# Tests swap in a fast method; production keeps werkzeug's memory-hard default.
PASSWORD_METHOD = "scrypt"
# Failed sign-ins allowed in a window that starts at the first failure: per client address and
# account, and per client address over all accounts (forty emails from one address are slowed
# after twenty). Nothing counts per account alone, so nobody elsewhere can lock a user out:
# the right password from another address still signs in.
MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
FAILURE_WINDOW = timedelta(minutes=15)
ANY_EMAIL = ""  # the email of the row that counts every account tried from one address


class AccountError(ValueError):
    """A user or department cannot be created as asked; the message says why."""


class SignInRefused(Exception):
    """Wrong email or password, or an inactive account: the message never says which."""


class TooManyAttempts(SignInRefused):
    """Too many recent failures from this address, for this email or for any; `wait` is how
    long until the next try."""

    def __init__(self, wait: timedelta, *, from_address: bool = False) -> None:
        minutes = max(1, -(-int(wait.total_seconds()) // 60))  # rounded up
        what = "from your network address" if from_address else "with this email address"
        super().__init__(
            f"There have been too many failed attempts to sign in {what}. "
            f"Wait {minutes} minute{'s' if minutes != 1 else ''}, then try again, or ask your "
            "administrator for help."
        )
        self.wait = wait
        self.from_address = from_address


def normalize_email(email: str) -> str:
    return email.strip().lower()


# name@example.org: the local part without quotes, spaces or angle brackets; a domain of dotted
# labels. Stricter than RFC 5322 on purpose: an address is shown in pages and sent mail.
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
                    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")
MIN_PASSWORD = 12
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt")


def email_problem(email: str) -> str | None:
    """Why `email` (normalized) cannot be an account's address, or None."""
    if len(email) > 320 or not _EMAIL.fullmatch(email):
        return f"{email!r} is not an email address like name@city.gov"
    return None


def password_problem(password: str) -> str | None:
    """Why `password` is too weak for an account, or None."""
    if len(password) < MIN_PASSWORD:
        return f"The password must be at least {MIN_PASSWORD} characters long"
    if not password.strip():
        return "The password cannot be only spaces"
    if password.strip().lower() in _common_passwords():
        return "That password is on a list of common passwords: choose another"
    return None


@cache
def _common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def create_department(session: Session, *, name: str) -> Department:
    name = name.strip()
    if not name:
        raise AccountError("A department needs a name")
    if session.exec(select(Department).where(Department.name == name)).first():
        raise AccountError(f"Department {name!r} exists already")
    department = Department(name=name)
    session.add(department)
    session.commit()
    return department


def find_department(session: Session, *, name: str) -> Department | None:
    return session.exec(select(Department).where(Department.name == name.strip())).first()


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    department_name: str | None = None,
) -> User:
    """A new active user; AccountError says what is wrong with the request."""
    email = normalize_email(email)
    role = _parse_role(role)
    if problem := email_problem(email):
        raise AccountError(problem)
    if not name.strip():
        raise AccountError("A user needs a name")
    _check_password_rules(password)
    if find_user(session, email=email):
        raise AccountError(f"A user with email {email} exists already")
    department = _department_for(session, role, department_name)
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        department_id=department.id if department else None,
        password_hash=generate_password_hash(password, method=PASSWORD_METHOD),
    )
    session.add(user)
    session.commit()
    return user


def _check_password_rules(password: str) -> None:
    if problem := password_problem(password):
        raise AccountError(problem)


def _parse_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        known = ", ".join(Role)
        raise AccountError(f"Unknown role {role!r}: choose one of {known}") from None


def _department_for(session: Session, role: Role, name: str | None) -> Department | None:
    if not name:
        if role in DEPARTMENT_ROLES:
            raise AccountError(f"A {role} user belongs to a department: give --department")
        return None
    department = find_department(session, name=name)
    if department is None:
        raise AccountError(f"Unknown department {name!r}: add it first with `departments add`")
    return department


def find_user(session: Session, *, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalize_email(email))).first()


def any_user(session: Session) -> bool:
    return session.exec(select(User).limit(1)).first() is not None


def list_users(session: Session) -> list[tuple[User, Department | None]]:
    query = select(User, Department).outerjoin(Department).order_by(User.email)
    return list(session.exec(query).all())


def sign_in(
    session: Session, *, email: str, password: str, client_address: str | None,
    now: datetime | None = None,
) -> User:
    """The user with these credentials, or SignInRefused. `client_address` is the address the
    request came from (see web.auth for proxies); every password check is recorded."""
    email = normalize_email(email)[:320]
    if not email:  # nobody's; and "" is the key of the address's own count
        raise SignInRefused("Enter a correct email address and password")
    address = (client_address or "unknown")[:100]
    now = now or utcnow()
    _reserve_attempt(session, address=address, email=email, now=now)
    user = find_user(session, email=email)
    # Check a hash even for unknown emails, so the response time does not reveal who has one.
    password_hash = user.password_hash if user else _unused_hash()
    succeeded = check_password_hash(password_hash, password) and user is not None and user.active
    if succeeded:
        _forgive_attempt(session, address=address, email=email)
        _prune_limits(session, now=now)
    session.add(SignInAttempt(email=email, client_address=address, succeeded=succeeded, at=now))
    session.commit()
    if not succeeded:
        raise SignInRefused("Enter a correct email address and password")
    return user


def _reserve_attempt(session: Session, *, address: str, email: str, now: datetime) -> None:
    """Count this attempt as a failure before its password is checked, or TooManyAttempts.

    Counting first is what makes the limit hold under concurrency: each count is one upsert,
    which the database applies to the row one transaction at a time, so of forty parallel
    guesses only the first five get to check a password. A right password gives its count
    back (_forgive_attempt). Refused attempts count nothing, so waiting always ends a lock."""
    for key, limit in ((ANY_EMAIL, MAX_ADDRESS_FAILURES), (email, MAX_FAILURES)):
        if not _count_failure(session, address=address, email=key, limit=limit, now=now):
            ends = _window_end(session, address=address, email=key)
            session.rollback()  # also takes back the address's count when the account is full
            wait = (ends or now + FAILURE_WINDOW) - now
            raise TooManyAttempts(wait, from_address=key == ANY_EMAIL)
    session.commit()


def _count_failure(session: Session, *, address: str, email: str, limit: int,
                   now: datetime) -> bool:
    """Add one failure to the row of (address, email), starting a new window if the last one
    has passed; False, changing nothing, if the window already holds `limit` failures."""
    table = SignInLimit.__table__
    expired = table.c.window_start <= now - FAILURE_WINDOW
    insert = _dialect_insert(session)(table).values(
        client_address=address, email=email, window_start=now, failures=1
    )
    upsert = insert.on_conflict_do_update(
        index_elements=[table.c.client_address, table.c.email],
        set_={
            "failures": sa.case((expired, 1), else_=table.c.failures + 1),
            "window_start": sa.case((expired, insert.excluded.window_start),
                                    else_=table.c.window_start),
        },
        where=sa.or_(expired, table.c.failures < limit),
    ).returning(table.c.failures)
    return session.execute(upsert).first() is not None


def _dialect_insert(session: Session) -> Callable[..., Any]:
    # ON CONFLICT DO UPDATE ... WHERE ... RETURNING reads the same on both databases, but
    # SQLAlchemy builds it from each dialect's own insert().
    name = session.get_bind().dialect.name
    return {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[name]


def _window_end(session: Session, *, address: str, email: str) -> datetime | None:
    start = session.exec(
        select(SignInLimit.window_start).where(
            SignInLimit.client_address == address, SignInLimit.email == email
        )
    ).first()
    return start + FAILURE_WINDOW if start else None


def _forgive_attempt(session: Session, *, address: str, email: str) -> None:
    """The right password: this attempt was no failure, and the account's earlier failures
    from this address are forgiven. The address's other failures stay, so signing in to one's
    own account does not wipe out guesses at other people's."""
    table = SignInLimit.__table__
    from_address = table.c.client_address == address
    session.execute(
        sa.update(table)
        .where(from_address, table.c.email == ANY_EMAIL, table.c.failures > 0)
        .values(failures=table.c.failures - 1)
    )
    session.execute(sa.delete(table).where(from_address, table.c.email == email))


def _prune_limits(session: Session, *, now: datetime) -> None:
    """Drop rows whose window has passed, so the table stays small: they count nothing (the
    next failure starts anew). Rows another sign-in holds are skipped, not waited for, so
    pruning never deadlocks with a count; SQLite has a single writer and no row locks."""
    table = SignInLimit.__table__
    key = sa.tuple_(table.c.client_address, table.c.email)
    expired = (
        sa.select(table.c.client_address, table.c.email)
        .where(table.c.window_start <= now - FAILURE_WINDOW)
        .with_for_update(skip_locked=True)
    )
    session.execute(sa.delete(table).where(key.in_(expired)))


def end_sessions(session: Session, *, user_id: int) -> None:
    """Refuse every session cookie issued to the user so far, on every device and every copy:
    their id in the cookie carries the version this raises (see User.get_id)."""
    session.execute(
        sa.update(User)
        .where(col(User.id) == user_id)
        .values(session_version=col(User.session_version) + 1)
    )
    session.commit()


def set_password(session: Session, user: User, password: str) -> None:
    """A new password for `user`; whoever held a session with the old one is signed out."""
    _check_password_rules(password)
    user.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
    session.add(user)
    session.flush()
    end_sessions(session, user_id=user.id)


def deactivate_user(session: Session, user: User) -> None:
    """`user` can no longer sign in, and their open sessions end now. The version rises too, so
    reactivating the account later does not bring old cookies back to life."""
    user.active = False
    session.add(user)
    session.flush()
    end_sessions(session, user_id=user.id)


@cache
def _unused_hash() -> str:
    return generate_password_hash("not anyone's password", method=PASSWORD_METHOD)
