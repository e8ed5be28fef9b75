"""Sign-in limits that nobody can turn against a user, and sessions that end when they should,
checked on both databases without the web layer (the pages are in tests/web/test_sessions.py)."""

import threading
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from equity_tool.accounts import service as accounts
from equity_tool.core.models import SignInAttempt, SignInLimit, utcnow

# Addresses for documentation (RFC 5737): A is where the guesses come from, B is elsewhere.
A, B = "192.0.2.1", "198.51.100.7"
PASSWORD = "a good password"
OFFICER = "officer@example.org"


@pytest.fixture
def session(engine):
    with Session(engine) as session:
        yield session


@pytest.fixture
def officer(session):
    return accounts.create_user(session, email=OFFICER, name="Olu Officer", role="officer",
                                password=PASSWORD)


def attempt(session, password, *, email=OFFICER, address=A, at=None):
    return accounts.sign_in(session, email=email, password=password, client_address=address,
                            now=at)


def fail(session, **kwargs):
    """A wrong password, refused as wrong (not as too many)."""
    with pytest.raises(accounts.SignInRefused) as refused:
        attempt(session, "a wrong guess", **kwargs)
    assert not isinstance(refused.value, accounts.TooManyAttempts), str(refused.value)


def throttled(session, password="a wrong guess", **kwargs):
    with pytest.raises(accounts.TooManyAttempts) as refused:
        attempt(session, password, **kwargs)
    return refused.value


@pytest.fixture
def checks(monkeypatch):
    """The password checks made, counted from any thread."""
    made = []
    lock = threading.Lock()
    real = accounts.check_password_hash

    def counting(password_hash, password):
        with lock:
            made.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting)
    return made


def test_guesses_from_one_address_do_not_lock_the_account_elsewhere(session, officer):
    for _ in range(accounts.MAX_FAILURES):
        fail(session)
    assert "with this email address" in str(throttled(session, PASSWORD))
    assert attempt(session, PASSWORD, address=B).id == officer.id


def test_many_emails_from_one_address_are_slowed(session, officer):
    start = utcnow()
    for n in range(accounts.MAX_ADDRESS_FAILURES):
        fail(session, email=f"guess{n}@example.org", at=start)
    refused = throttled(session, email="one.more@example.org", at=start)
    assert refused.from_address
    assert str(refused).startswith(
        "There have been too many failed attempts to sign in from your network address. "
        "Wait 15 minutes, then try again, or ask your administrator for help.")
    # The address is what is limited, so even the right password waits there; not elsewhere.
    throttled(session, PASSWORD, at=start)
    assert attempt(session, PASSWORD, address=B, at=start).id == officer.id
    assert attempt(session, PASSWORD, at=start + timedelta(minutes=15, seconds=1))


def test_signing_in_to_ones_own_account_does_not_reset_the_address(session, officer):
    start = utcnow()
    for n in range(accounts.MAX_ADDRESS_FAILURES - 1):
        fail(session, email=f"guess{n}@example.org", at=start)
    attempt(session, PASSWORD, at=start)  # counts nothing, forgives nothing of the others
    fail(session, email="last@example.org", at=start)
    throttled(session, email="after.last@example.org", at=start)


def test_refused_attempts_check_no_password_and_do_not_extend_the_lock(session, officer, checks):
    start = utcnow()
    for minute in range(accounts.MAX_FAILURES):
        fail(session, at=start + timedelta(minutes=minute))
    for minute in range(5, 15):
        throttled(session, PASSWORD, at=start + timedelta(minutes=minute))
    assert len(checks) == accounts.MAX_FAILURES
    assert attempt(session, PASSWORD, at=start + timedelta(minutes=15))


def test_attempts_are_recorded_with_their_address(session, officer):
    fail(session)
    attempt(session, PASSWORD, address=B)
    rows = session.exec(select(SignInAttempt).order_by(SignInAttempt.id)).all()
    assert [(r.email, r.client_address, r.succeeded) for r in rows] == [
        (OFFICER, A, False), (OFFICER, B, True)]


def test_limits_whose_window_has_passed_are_dropped(session, officer):
    start = utcnow()
    fail(session, email="someone@example.org", address=B, at=start)
    fail(session, at=start + timedelta(minutes=10))
    attempt(session, PASSWORD, at=start + timedelta(minutes=16))
    rows = session.exec(select(SignInLimit)).all()
    # B's rows are old; A's own account row is forgiven; A's address count keeps its failure.
    assert [(r.client_address, r.email, r.failures) for r in rows] == [(A, "", 1)]


def test_forty_parallel_guesses_cost_at_most_five_password_checks(engine, officer, checks):
    # Every guess waits at the barrier with its own session, so they reach the database
    # together; the limit holds only if counting is atomic in the database.
    barrier = threading.Barrier(40)
    outcomes = []

    def guess(n):
        with Session(engine) as own:
            barrier.wait()
            try:
                attempt(own, f"guess {n}")
            except accounts.TooManyAttempts:
                outcomes.append("too many")
            except accounts.SignInRefused:
                outcomes.append("wrong")
            except Exception as error:  # shown by the assertion below
                outcomes.append(repr(error))

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["too many"] * 35 + ["wrong"] * 5
    assert len(checks) == accounts.MAX_FAILURES


def test_a_new_password_ends_sessions(session, officer):
    before = officer.get_id()
    accounts.set_password(session, officer, "another good password")
    assert officer.get_id() != before
    assert attempt(session, "another good password", address=B).id == officer.id
    with pytest.raises(accounts.AccountError, match="at least 12"):
        accounts.set_password(session, officer, "short")


def test_deactivating_ends_sessions_for_good(session, officer):
    before = officer.get_id()
    accounts.deactivate_user(session, officer)
    assert not officer.active
    assert officer.get_id() != before
    # Reactivated later, the account does not bring the old cookies back.
    officer.active = True
    session.commit()
    assert officer.get_id() != before


def test_signing_out_ends_sessions(session, officer):
    before = officer.get_id()
    accounts.end_sessions(session, user_id=officer.id)
    session.refresh(officer)
    assert officer.get_id() != before


def test_a_blank_email_is_refused_without_counting(session, checks):
    with pytest.raises(accounts.SignInRefused):
        attempt(session, PASSWORD, email="   ")
    assert checks == []
    assert session.exec(select(SignInLimit)).all() == []
