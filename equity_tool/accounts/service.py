"""Departments, users and signing in: the rules, with no web framework involved."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from sqlmodel import Session, col, select
from werkzeug.security import check_password_hash, generate_password_hash

from equity_tool.core.models import DEPARTMENT_ROLES, Department, Role, SignInAttempt, User, utcnow

# Tests swap in a fast method; production keeps werkzeug's memory-hard default.
PASSWORD_METHOD = "scrypt"
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)


class AccountError(ValueError):
    """A user or department cannot be created as asked; the message says why."""


class SignInRefused(Exception):
    """Wrong email or password, or an inactive account: the message never says which."""


class TooManyAttempts(SignInRefused):
    """Too many recent failures for this email; `wait` is how long until the next try."""

    def __init__(self, wait: timedelta) -> None:
        minutes = max(1, -(-int(wait.total_seconds()) // 60))  # rounded up
        super().__init__(
            "There have been too many failed attempts to sign in with this email address. "
            f"Wait {minutes} minute{'s' if minutes != 1 else ''}, then try again."
        )
        self.wait = wait


def normalize_email(email: str) -> str:
    return email.strip().lower()


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
    if "@" not in email:
        raise AccountError(f"{email!r} is not an email address")
    if not name.strip():
        raise AccountError("A user needs a name")
    if len(password) < 8:
        raise AccountError("The password must be at least 8 characters long")
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


def sign_in(session: Session, *, email: str, password: str, now: datetime | None = None) -> User:
    """The user with these credentials, or SignInRefused; every attempt is recorded."""
    email = normalize_email(email)
    now = now or utcnow()
    _refuse_if_throttled(session, email=email, now=now)
    user = find_user(session, email=email)
    # Check a hash even for unknown emails, so the response time does not reveal who has one.
    password_hash = user.password_hash if user else _unused_hash()
    succeeded = check_password_hash(password_hash, password) and user is not None and user.active
    session.add(SignInAttempt(email=email, succeeded=succeeded, at=now))
    session.commit()
    if not succeeded:
        raise SignInRefused("Enter a correct email address and password")
    return user


def _refuse_if_throttled(session: Session, *, email: str, now: datetime) -> None:
    # Count failures in the window since the last success. Refused attempts are not recorded,
    # so waiting always ends the lock.
    attempts = select(SignInAttempt.at).where(SignInAttempt.email == email)
    last_success = session.exec(
        attempts.where(col(SignInAttempt.succeeded)).order_by(col(SignInAttempt.at).desc())
    ).first()
    since = max(now - FAILURE_WINDOW, last_success or now - FAILURE_WINDOW)
    failures = session.exec(
        attempts.where(sa.not_(col(SignInAttempt.succeeded)), SignInAttempt.at > since)
        .order_by(col(SignInAttempt.at).desc())
        .limit(MAX_FAILURES)
    ).all()
    if len(failures) >= MAX_FAILURES:
        raise TooManyAttempts(wait=failures[-1] + FAILURE_WINDOW - now)


@cache
def _unused_hash() -> str:
    return generate_password_hash("not anyone's password", method=PASSWORD_METHOD)
