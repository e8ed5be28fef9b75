"""Real servers on loopback for the tests and the benchmarks: a free port, a PostgreSQL cluster.

The cluster lives in a temporary folder and is started with Debian's initdb/pg_ctl, as the
`postgres` user when we are root (initdb refuses to run as root).
"""

from __future__ import annotations

import email
import email.policy
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def newest_postgres_bindir() -> Path | None:
    """Where the newest installed PostgreSQL's programs are (Debian installs side by side)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda path: int(Path(path).parts[4]))
    return Path(found[-1]).parent if found else None


class PostgresCluster:
    """A throwaway cluster on a free loopback port.

    `durable=False` turns off fsync and friends: pointless for a throwaway cluster and much
    faster, which the test suite wants. A benchmark of saves keeps PostgreSQL's durable
    defaults, so that it pays for real commits as it would in production.
    """

    def __init__(self, bindir: Path, *, durable: bool) -> None:
        self.bindir = bindir
        self.version = bindir.parts[-2]
        self.durable = durable
        self.dir = Path(tempfile.mkdtemp(prefix="equity-tool-pg-"))
        self.port = free_port()

    def _run(self, program: str, *args: Any) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        command = [*as_postgres, str(self.bindir / program), *map(str, args)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            log = self.dir / "server.log"
            detail = log.read_text() if log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr}\n{detail}")

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        data = self.dir / "data"
        self._run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-locale", "--no-sync")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", data, "-l", self.dir / "server.log", "-o", options, "-w",
                  "start")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", self.dir / "data", "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def execute(self, sql: str) -> None:
        dsn = f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(sql)


class Inbox:
    """The messages a loopback SMTP server (aiosmtpd) received, parsed."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        return "250 OK"


@contextmanager
def smtp_inbox() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on loopback for the test's duration: (its inbox, its port)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()
