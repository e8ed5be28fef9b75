"""The mail worker: sends notification emails as they fall due, outside any request.

It claims each email before sending it (service.claim), so any number of workers, and cron's
`notifications send`, can run at once without sending an email twice.
"""

from __future__ import annotations

import logging
import threading

import sqlalchemy as sa
from sqlmodel import Session

from equity_tool.notifications.service import MailSettings, new_worker_id, send_next

log = logging.getLogger(__name__)


def run(engine: sa.Engine, mail: MailSettings, *, stop: threading.Event, poll: float = 2.0,
        once: bool = False) -> int:
    """Send due mail, then look again every `poll` seconds until `stop` is set (or after one
    pass with `once`); returns how many emails were sent."""
    worker = new_worker_id()
    sent = 0
    while not stop.is_set():
        try:
            sent += _one_pass(engine, mail, worker, stop)
        except sa.exc.SQLAlchemyError as error:
            # The database is away for a moment (a restart, a failover): look again later.
            log.warning("mail worker could not reach the database: %s", error)
        if once:
            break
        stop.wait(poll)
    return sent


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
