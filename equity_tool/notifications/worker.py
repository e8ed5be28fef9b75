"""The mail worker: sends notification emails as they fall due, outside any request.

It claims each email before sending it (service.claim), so any number of workers, and cron's
`notifications send`, can run at once without sending an email twice. Periodic jobs given by
the command (follow-up reminders) run in the same loop, each at most once per its period.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from equity_tool.notifications.service import MailSettings, new_worker_id, send_next

log = logging.getLogger(__name__)


# (every how many seconds, the job): it gets a session of its own and commits its own work.
Job = tuple[float, Callable[[Session], Any]]


def run(engine: sa.Engine, mail: MailSettings | None, *, stop: threading.Event,
        poll: float = 2.0, once: bool = False, jobs: Sequence[Job] = ()) -> int:
    """Run the jobs that are due and send due mail (none without `mail`), then look again
    every `poll` seconds until `stop` is set (or after one pass with `once`); returns how
    many emails were sent."""
    worker = new_worker_id()
    sent = 0
    next_run = [0.0] * len(jobs)
    while not stop.is_set():
        _run_jobs(engine, jobs, next_run)
        try:
            sent += _one_pass(engine, mail, worker, stop) if mail else 0
        except sa.exc.SQLAlchemyError as error:
            # The database is away for a moment (a restart, a failover): look again later.
            log.warning("mail worker could not reach the database: %s", error)
        if once:
            break
        stop.wait(poll)
    return sent


def _run_jobs(engine: sa.Engine, jobs: Sequence[Job], next_run: list[float]) -> None:
    """Each job whose time has come, in a session of its own. A job that fails is logged and
    tried again at its next time: it never stops the mail."""
    for index, (every, job) in enumerate(jobs):
        now = time.monotonic()
        if now < next_run[index]:
            continue
        next_run[index] = now + every
        try:
            with Session(engine) as session:
                job(session)
        except Exception:
            log.exception("a periodic job of the mail worker failed; it runs again later")


def _one_pass(engine: sa.Engine, mail: MailSettings, worker: str, stop: threading.Event) -> int:
    """Send every due email, checking `stop` between them so that a stop waits for one email
    at most; a fresh session each pass, so the worker holds no connection while it sleeps."""
    sent = 0
    with Session(engine) as session:
        while not stop.is_set():
            outcome = send_next(session, mail, worker)
            if outcome is None:
                break
            sent += outcome
    return sent
