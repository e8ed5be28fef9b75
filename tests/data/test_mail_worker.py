"""The mail worker, against real SMTP servers on loopback: aiosmtpd that delivers, refuses or
stalls, and a bare socket that accepts connections and never says a word.

Requests only queue mail; workers claim each email with a conditional UPDATE, so two of them
racing over the same emails send each exactly once, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from equity_tool.core import db
from equity_tool.core.models import Notification, utcnow
from equity_tool.notifications import service as notifications
from equity_tool.notifications import worker as mail_worker
from equity_tool.notifications.service import MailSettings
from equity_tool.review.workflow import Action
from tests import factories
from tests.conftest import ROOT
from tests.local_servers import free_port

# --- servers ------------------------------------------------------------------------------


class Inbox:
    """Keeps who each message was for. `pause` seconds per message widen the window in which
    two workers could both pick the same email, were the claim not there."""

    def __init__(self, pause: float = 0.0) -> None:
        self.pause = pause
        self.recipients: Counter[str] = Counter()

    async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
        await asyncio.sleep(self.pause)
        self.recipients.update(envelope.rcpt_tos)
        return "250 OK"


class Refusing:
    """Answers every message with a temporary failure, as a full or throttling server does."""

    def __init__(self) -> None:
        self.tries = 0

    async def handle_DATA(self, server, session, envelope):
        self.tries += 1
        return "451 4.3.0 Try again later"


class StallingAtData:
    """Takes the message, then never answers the end of DATA until released."""

    def __init__(self) -> None:
        self.released = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        while not self.released.is_set():
            await asyncio.sleep(0.05)
        return "250 OK"


class Silent:
    """Accepts TCP connections and never says a word, not even SMTP's greeting."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.05)
        self.port = self.server.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.closed = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                self.accepted.append(self.server.accept()[0])
            except TimeoutError:
                continue

    def close(self) -> None:
        self.closed.set()
        self.thread.join()
        for connection in [*self.accepted, self.server]:
            connection.close()


def serve(handler) -> tuple[Controller, MailSettings]:
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, MailSettings(host="127.0.0.1", port=controller.port, timeout=5)


@pytest.fixture
def inbox():
    handler = Inbox(pause=0.01)
    controller, mail = serve(handler)
    yield handler, mail
    controller.stop()


@pytest.fixture
def refusing():
    handler = Refusing()
    controller, mail = serve(handler)
    yield handler, mail
    controller.stop()


@pytest.fixture
def silent():
    server = Silent()
    yield server
    server.close()


@pytest.fixture(params=["silent", "stalls at DATA"])
def stalling(request):
    """A server that stalls, with a one-second timeout: silent from the start, or mid-message."""
    if request.param == "silent":
        server = request.getfixturevalue("silent")
        yield MailSettings(host="127.0.0.1", port=server.port, timeout=1)
        return
    handler = StallingAtData()
    controller, mail = serve(handler)
    yield MailSettings(host="127.0.0.1", port=mail.port, timeout=1)
    handler.released.set()
    controller.stop()


# --- helpers ------------------------------------------------------------------------------


def queue(session: Session, make_user, count: int, mail: MailSettings) -> list[str]:
    """`count` people, each with one pending email; their addresses."""
    users = [make_user(f"person{n}@city.gov") for n in range(count)]
    notifications.notify(session, users=users, subject="S", body="B", assessment_id=None,
                         mail=mail)
    session.commit()
    return [user.email for user in users]


def statuses(session: Session) -> Counter[str]:
    session.expire_all()
    return Counter(n.email_status for n in session.exec(select(Notification)).all())


def race(*targets) -> list:
    """Run each target in a thread of its own, all released at the same moment; their
    results."""
    start = threading.Barrier(len(targets))
    results: list = [None] * len(targets)

    def run(index: int) -> None:
        start.wait()
        results[index] = targets[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(targets))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


# --- the request does not wait ------------------------------------------------------------


def test_a_transition_does_not_wait_for_a_silent_mail_server(session, people, answered,
                                                             silent):
    mail = MailSettings(host="127.0.0.1", port=silent.port, timeout=10)
    assessment = answered(people["staff"])
    started = time.monotonic()
    factories.act(session, user=people["staff"], assessment=assessment,
                  action=Action.SUBMIT, mail=mail)
    assert time.monotonic() - started < 2  # sending inline took the whole 10 s timeout
    assert silent.accepted == []  # the request never even connected
    [queued] = session.exec(select(Notification)).all()
    assert (queued.email_status, queued.email_attempts) == ("pending", 0)


# --- workers racing -----------------------------------------------------------------------


def test_two_workers_racing_send_each_email_exactly_once(app, session, make_user, inbox):
    handler, mail = inbox
    addresses = queue(session, make_user, 30, mail)
    engine = db.get_engine(app)
    def worker() -> int:
        return mail_worker.run(engine, mail, stop=threading.Event(), once=True)

    sent = race(worker, worker)
    assert handler.recipients == Counter(addresses)  # each once, none lost
    assert sum(sent) == 30
    assert statuses(session) == {"sent": 30}


def test_cron_and_a_worker_racing_send_each_email_once(app, session, make_user, inbox):
    handler, mail = inbox
    addresses = queue(session, make_user, 20, mail)
    engine = db.get_engine(app)

    def cron() -> int:
        with Session(engine) as own:
            return notifications.send_due(own, mail)

    def worker() -> int:
        return mail_worker.run(engine, mail, stop=threading.Event(), once=True)

    assert sum(race(cron, worker)) == 20
    assert handler.recipients == Counter(addresses)


def test_an_email_claimed_by_a_worker_that_died_is_taken_over_after_the_lease(
        session, make_user, inbox):
    handler, mail = inbox
    [address] = queue(session, make_user, 1, mail)
    now = utcnow()
    assert notifications.claim(session, "died mid-send", now) is not None
    assert notifications.send_due(session, mail, now=now) == 0  # still claimed: not sent
    later = now + notifications.LEASE + timedelta(seconds=1)
    assert notifications.send_due(session, mail, now=later) == 1
    assert handler.recipients == {address: 1}
    [stored] = session.exec(select(Notification)).all()
    assert (stored.email_status, stored.email_attempts) == ("sent", 2)


def test_a_taken_over_email_that_had_its_last_try_is_not_delivered_not_sent(
        session, make_user, inbox):
    handler, mail = inbox
    queue(session, make_user, 1, mail)
    now = utcnow()
    stale = notifications.claim(session, "died mid-send", now)
    stale.email_attempts = notifications.MAX_ATTEMPTS  # the try it died in was the last
    session.add(stale)
    session.commit()
    later = now + notifications.LEASE + timedelta(seconds=1)
    assert notifications.send_due(session, mail, now=later) == 0
    assert handler.recipients == {}
    assert statuses(session) == {"not delivered": 1}


# --- failures and retries -----------------------------------------------------------------


def test_a_refusing_server_gets_retries_with_growing_waits_then_not_delivered(
        session, make_user, refusing):
    handler, mail = refusing
    queue(session, make_user, 1, mail)
    now = utcnow()
    waits = []
    for _ in range(notifications.MAX_ATTEMPTS - 1):
        assert notifications.send_due(session, mail, now=now) == 0
        [stored] = session.exec(select(Notification)).all()
        assert stored.email_status == "pending" and "451" in stored.email_error
        waits.append(stored.email_next_try - now)
        # Not tried again before its time.
        assert notifications.send_due(session, mail, now=stored.email_next_try
                                      - timedelta(seconds=1)) == 0
        now = stored.email_next_try
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert notifications.send_due(session, mail, now=now) == 0
    session.expire_all()
    [stored] = session.exec(select(Notification)).all()
    assert (stored.email_status, stored.email_attempts) == ("not delivered", 5)
    assert stored.email_next_try is None
    assert handler.tries == notifications.MAX_ATTEMPTS
    assert notifications.send_due(session, mail, now=now + timedelta(days=1)) == 0


def test_the_worker_gives_up_on_a_stalling_server_and_retries_later(app, session, make_user,
                                                                   stalling, inbox):
    queue(session, make_user, 1, stalling)
    started = time.monotonic()
    before = utcnow()
    sent = mail_worker.run(db.get_engine(app), stalling, stop=threading.Event(), once=True)
    assert sent == 0
    assert time.monotonic() - started < 4  # the one-second timeout, not forever
    [stored] = session.exec(select(Notification)).all()
    assert (stored.email_status, stored.email_attempts) == ("pending", 1)
    assert "timed out" in stored.email_error
    assert stored.email_next_try >= before + notifications.FIRST_WAIT

    handler, working = inbox  # the server is answering again by the next try
    assert notifications.send_due(session, working, now=stored.email_next_try) == 1
    assert handler.recipients == {"person0@city.gov": 1}


# --- the command --------------------------------------------------------------------------


def test_the_worker_command_without_smtp_says_so_and_exits_cleanly(runner):
    result = runner.invoke(args=["notifications", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "No SMTP_HOST is set" in result.output


def test_the_worker_command_sends_what_is_due(app, session, make_user, runner, inbox):
    handler, mail = inbox
    addresses = queue(session, make_user, 3, mail)
    app.config.update(SMTP_HOST=mail.host, SMTP_PORT=mail.port)
    result = runner.invoke(args=["notifications", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "it sent 3 emails" in result.output
    assert handler.recipients == Counter(addresses)


# One database is enough here: the threads above race on both; this is about the command.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_two_worker_processes_share_the_mail_and_stop_on_sigterm(database_url, session,
                                                                 make_user, inbox):
    handler, mail = inbox
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "not secret: tests only",
           "SMTP_HOST": mail.host, "SMTP_PORT": str(mail.port)}
    command = [sys.executable, "-m", "flask", "--app", "equity_tool", "notifications", "worker",
               "--poll", "0.1"]
    workers = [subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    try:
        started = [process.stdout.readline() for process in workers]
        assert all("Mail worker: sending" in line for line in started), started
        addresses = queue(session, make_user, 20, mail)  # while both are looking
        deadline = time.monotonic() + 30
        while sum(handler.recipients.values()) < 20 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # long enough for a second copy of any email to arrive
        for process in workers:
            process.send_signal(signal.SIGTERM)
        outputs = [process.communicate(timeout=10)[0] for process in workers]
    finally:
        for process in workers:
            if process.poll() is None:
                process.kill()
    assert [process.returncode for process in workers] == [0, 0], outputs
    assert all("Mail worker stopped" in output for output in outputs), outputs
    assert handler.recipients == Counter(addresses)
    assert statuses(session) == {"sent": 20}
