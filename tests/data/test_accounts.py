"""Account rules, checked on a real database without the web layer."""

from datetime import timedelta

import pytest
from sqlmodel import Session

from equity_tool.accounts import service as accounts
from equity_tool.core.db import create_engine
from equity_tool.core.models import Role, utcnow


@pytest.fixture
def session(database_url):
    engine = create_engine(database_url)
    with Session(engine) as session:
        accounts.create_department(session, name="Parks and Recreation")
        yield session
    engine.dispose()


HERE = "192.0.2.1"  # an address for documentation (RFC 5737)


def add(session, email="pat@example.org", role="staff", department="Parks and Recreation"):
    return accounts.create_user(session, email=email, name="Pat", role=role,
                                password="a good password", department_name=department)


def test_emails_are_stored_lower_case_and_passwords_hashed(session):
    user = add(session, email="  Pat@Example.ORG ")
    assert user.email == "pat@example.org"
    assert user.role is Role.STAFF
    assert "a good password" not in user.password_hash
    assert user.password_hash.startswith("pbkdf2:")  # the tests' fast method


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"role": "boss"}, "Unknown role 'boss': choose one of staff, director, officer"),
    ({"department": "Fire"}, "Unknown department 'Fire'"),
    ({"department": None}, "A staff user belongs to a department"),
    ({"role": "director", "department": None}, "A director user belongs to a department"),
    ({"email": "not-an-email"}, "is not an email address"),
])
def test_bad_requests_say_what_is_wrong(session, kwargs, message):
    with pytest.raises(accounts.AccountError, match=message):
        add(session, **kwargs)


def test_officers_need_no_department(session):
    assert add(session, role="officer", department=None).department_id is None


def test_duplicate_email_and_department_are_refused(session):
    add(session)
    with pytest.raises(accounts.AccountError, match="exists already"):
        add(session, email="PAT@example.org")
    with pytest.raises(accounts.AccountError, match="exists already"):
        accounts.create_department(session, name="Parks and Recreation")


def attempt(session, password, at, *, email="pat@example.org", address=HERE):
    return accounts.sign_in(session, email=email, password=password, client_address=address,
                            now=at)


def test_sign_in_throttles_after_five_failures_for_fifteen_minutes(session):
    add(session)
    start = utcnow()
    for minute in range(5):
        with pytest.raises(accounts.SignInRefused):
            attempt(session, "guess", start + timedelta(minutes=minute))
    # Locked until the first of the five failures is 15 minutes old.
    with pytest.raises(accounts.TooManyAttempts, match="Wait 11 minutes") as refused:
        attempt(session, "a good password", start + timedelta(minutes=4))
    assert refused.value.wait == timedelta(minutes=11)
    assert "with this email address" in str(refused.value)
    user = attempt(session, "a good password", start + timedelta(minutes=15, seconds=1))
    assert user.email == "pat@example.org"


def test_a_success_clears_earlier_failures(session):
    add(session)
    start = utcnow()
    for minute in range(4):
        with pytest.raises(accounts.SignInRefused):
            attempt(session, "guess", start + timedelta(minutes=minute))
    attempt(session, "a good password", start + timedelta(minutes=5))
    with pytest.raises(accounts.SignInRefused) as refused:
        attempt(session, "guess", start + timedelta(minutes=6))
    assert not isinstance(refused.value, accounts.TooManyAttempts)
