"""Benchmark htmx autosave under load: gunicorn, two workers, 20 people typing at once.

For each database (an SQLite file; a throwaway PostgreSQL cluster started here as the
`postgres` user with Debian's initdb/pg_ctl, on a free loopback port), the script migrates a
fresh database, adds 20 staff users of one department with one rapid-check assessment each,
and serves bench/floor_app.py (the app plus a bare POST /bench/floor that commits one row
update) with gunicorn on 127.0.0.1. Then 20 simulated users, each signed in through /sign-in
with its own session, type their whole assessment DRAFTS times: every step in SAVES_PER_STEP
autosaves with growing text, carrying the CSRF token and the revision each response returns.
Before each burst of autosaves the same users post the floor as many times.

Reports autosave p50/p95 latency and throughput, the floor's p50 measured the same way at the
same concurrency, and their ratio (target: autosave p50 <= 2x the floor). Failed saves
(anything but 200) and lost saves (a stored answer that differs from the last value the server
acknowledged, or a revision that does not count every acknowledged save) must both be zero.
Exits 1 when a target is missed.

    .venv/bin/python bench/autosave.py [--database sqlite|postgresql|both]
    .venv/bin/python bench/autosave.py --profile [SAVES]   # cProfile of autosave, in-process
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from sqlmodel import Session, select
from werkzeug.datastructures import MultiDict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from equity_tool import create_app  # noqa: E402
from equity_tool.accounts import service as accounts  # noqa: E402
from equity_tool.assessments import service as use_cases  # noqa: E402
from equity_tool.assessments.answer_forms import parse_section_form  # noqa: E402
from equity_tool.core import db, migrate  # noqa: E402
from equity_tool.core.models import Assessment  # noqa: E402
from equity_tool.demo import DEMO_PASSWORD  # noqa: E402
from tests.local_servers import PostgresCluster, free_port, newest_postgres_bindir  # noqa: E402

USERS = 20
SAVES_PER_STEP = 10  # autosaves of one step, each with more text typed
DRAFTS = 3  # each user types the whole assessment this many times, a new draft each time
WORKERS = 2
QUESTIONNAIRE = "rapid-equity-check"
DEPARTMENT = "Transportation"
TIMEOUT = (5, 30)  # seconds: connect, read
SECRET_KEY = "bench only, not secret"
TARGET_RATIO = 2.0

CSRF_RE = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*\bvalue="([^"]+)"')
CSRF_RE_REVERSED = re.compile(r'<input[^>]*\bvalue="([^"]+)"[^>]*\bname="csrf_token"')
REVISION_RE = re.compile(r'<input[^>]*\bname="revision" value="(\d+)"')


# --- what the simulated people type ---------------------------------------------------------

LOREM = (
    "The change reaches residents along the corridor first, then the rest of the district. "
    "Bus riders who work early shifts have told us the current schedule does not work for "
    "them, and the data broken down by race shows the longest waits in the same blocks. "
)
GROUPS = ["black", "hispanic_latino", "another_group"]


def typed(text: str, k: int, n: int) -> str:
    """`text` as it stands after the k-th of n autosaves: a longer prefix each time."""
    return text[: max(1, len(text) * k // n)]


def step_form(user: int, section_id: str, k: int, n: int, draft: int = 1
              ) -> list[tuple[str, str]]:
    """The fields the step's form posts on the k-th autosave (all of them, as htmx sends)."""
    story = f"User {user}, draft {draft}: " + LOREM * 2

    def text(name: str, full: str) -> tuple[str, str]:
        return name, typed(f"({draft}) {full}", k, n)

    if section_id == "decision":
        return [
            text("title", f"Extended bus hours on route {user}, weekdays and weekends"),
            text("decision_summary", story),
            ("estimated_cost", str(1000 * k + user)),
            ("changes_ordinance", "no"),
        ]
    if section_id == "people_places":
        fields = [("groups", g) for g in GROUPS]
        fields.append(text("groups--other", "Cape Verdean residents of the east side"))
        fields.append(text("places", f"District {user}, the east corridor. " + LOREM))
        for g in GROUPS:
            fields += [
                (f"benefits_burdens--{g}--benefit", str(k % 4)),
                (f"benefits_burdens--{g}--burden", "1"),
                text(f"benefits_burdens--{g}--evidence", f"Rider survey, group {g}. " + LOREM),
            ]
        fields += [("worsens_disparity", "no"), text("disparity_evidence", story)]
        return fields
    if section_id == "engagement_consequences":
        fields = [
            text("engagement_summary", story),
            text("missing_voices", "Night-shift workers and people who do not ride yet."),
            ("unintended_consequences--rows", "2"),
        ]
        for row in range(2):
            fields += [
                text(f"unintended_consequences--{row}--what", f"Consequence {row}: crowding"),
                text(f"unintended_consequences--{row}--who", "Riders at the terminus"),
                text(f"unintended_consequences--{row}--mitigation", LOREM),
            ]
        fields.append(text("access_and_language", LOREM))
        return fields
    raise ValueError(f"the benchmark has no answers for step {section_id}")


# --- databases ------------------------------------------------------------------------------


@contextmanager
def database(kind: str) -> Iterator[tuple[str, str]]:
    """(url, description) of a fresh, empty database of `kind`, removed afterwards."""
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="equity-tool-bench-sqlite-"))
        try:
            yield f"sqlite:///{folder / 'bench.sqlite3'}", "SQLite file, WAL"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    else:
        bindir = newest_postgres_bindir()
        if bindir is None:
            raise SystemExit("PostgreSQL is not installed: run `make system-deps`")
        # Unlike the tests' cluster it keeps PostgreSQL's durable defaults (fsync, synchronous
        # commit), as SQLite keeps its own: a benchmark of saves should pay for real commits.
        server = PostgresCluster(bindir, durable=True)
        try:
            server.start()
            server.execute("CREATE DATABASE bench")
            yield server.url("bench"), f"PostgreSQL {server.version}, durable defaults"
        finally:
            with suppress(RuntimeError):
                server.stop()


def app_config(url: str) -> dict[str, Any]:
    return {
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "EQUITY_TOOL_QUESTIONNAIRES": str(ROOT / "questionnaires"),
    }


@dataclass
class Person:
    number: int
    email: str
    assessment_id: int
    revision: int  # when started


def seed(app, users: int) -> list[Person]:
    """One department, `users` staff members, one rapid check started by each."""
    accounts.PASSWORD_METHOD = "pbkdf2:sha256:1000"  # sign-in checks whatever was stored
    with app.app_context(), Session(db.get_engine(app)) as session:
        questionnaire = app.extensions["equity_tool.registry"].current(QUESTIONNAIRE)
        accounts.create_department(session, name=DEPARTMENT)
        people = []
        for n in range(users):
            user = accounts.create_user(
                session, email=f"user{n}@example.org", name=f"Bench User {n}", role="staff",
                password=DEMO_PASSWORD, department_name=DEPARTMENT,
            )
            assessment = use_cases.start(
                session, user=user, questionnaire=questionnaire,
                request=use_cases.StartRequest(title=f"Assessment {n}", decision_kind="policy"),
            )
            people.append(Person(n, user.email, assessment.id, assessment.revision))
    return people


# --- the server -----------------------------------------------------------------------------


@contextmanager
def gunicorn(url: str, worker_class: str, threads: int) -> Iterator[str]:
    """bench/floor_app.py served by gunicorn on a free loopback port; yields the base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "EQUITY_TOOL_"))}
    env.update({k: str(v) for k, v in app_config(url).items()})
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--workers", str(WORKERS), "--worker-class", worker_class, "--threads", str(threads),
        "--bind", f"127.0.0.1:{port}", "--pythonpath", str(ROOT / "bench"),
        "--backlog", "256", "--timeout", "60", "floor_app:app",
    ]
    with tempfile.NamedTemporaryFile(prefix="equity-tool-bench-gunicorn-", suffix=".log") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"gunicorn exited:\n{Path(log.name).read_text()}")
                with suppress(requests.ConnectionError):
                    if requests.get(f"{base}/sign-in", timeout=TIMEOUT).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer:\n{Path(log.name).read_text()}")
                time.sleep(0.1)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            errors = [line for line in Path(log.name).read_text().splitlines()
                      if "Traceback" in line or "[ERROR]" in line]
            if errors:
                print(f"  gunicorn logged {len(errors)} error line(s), first: {errors[0]}")


# --- the simulated people -------------------------------------------------------------------


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html) or CSRF_RE_REVERSED.search(html)
    if not match:
        raise RuntimeError("no csrf_token in the page")
    return match.group(1)


def revision_in(html: str) -> int | None:
    match = REVISION_RE.search(html)
    return int(match.group(1)) if match else None


@dataclass
class Client:
    person: Person
    base: str
    http: requests.Session = field(default_factory=requests.Session)
    token: str = ""
    revision: int = 0  # as the last response said
    floor: list[float] = field(default_factory=list)  # seconds
    saves: list[float] = field(default_factory=list)  # seconds, every autosave posted
    failures: list[str] = field(default_factory=list)
    acknowledged: int = 0  # autosaves answered 200
    last_acked: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # step -> form

    def sign_in(self) -> None:
        page = self.http.get(f"{self.base}/sign-in", timeout=TIMEOUT)
        response = self.http.post(
            f"{self.base}/sign-in",
            data={"csrf_token": csrf_token(page.text), "email": self.person.email,
                  "password": DEMO_PASSWORD},
            allow_redirects=False, timeout=TIMEOUT,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.person.email} could not sign in: {response.status_code}")

    def open_step(self, section_id: str) -> None:
        """Open the step's page as a browser does: the form's CSRF token and revision."""
        url = f"{self.base}/assessments/{self.person.assessment_id}/sections/{section_id}"
        page = self.http.get(url, timeout=TIMEOUT)
        page.raise_for_status()
        self.token = csrf_token(page.text)
        revision = revision_in(page.text)
        if revision is None:
            raise RuntimeError(f"no revision on {url}")
        self.revision = revision

    def post_floor(self, count: int) -> None:
        url = f"{self.base}/bench/floor?assessment={self.person.assessment_id}"
        for _ in range(count):
            start = time.perf_counter()
            try:
                response = self.http.post(url, timeout=TIMEOUT)
                status = response.status_code
            except requests.RequestException as error:
                status = type(error).__name__
            self.floor.append(time.perf_counter() - start)
            if status != 200:
                self.failures.append(f"floor: {status}")

    def autosave_step(self, section_id: str, saves: int, draft: int) -> None:
        """Type the step (opened with open_step) in `saves` autosaves, as htmx posts them."""
        url = (f"{self.base}/assessments/{self.person.assessment_id}/sections/{section_id}"
               "/autosave")
        for k in range(1, saves + 1):
            form = [("csrf_token", self.token), ("revision", str(self.revision)),
                    *step_form(self.person.number, section_id, k, saves, draft)]
            start = time.perf_counter()
            try:
                response = self.http.post(url, data=form, headers={"HX-Request": "true"},
                                          timeout=TIMEOUT)
                status, body = response.status_code, response.text
            except requests.RequestException as error:
                status, body = type(error).__name__, ""
            self.saves.append(time.perf_counter() - start)
            returned = revision_in(body)
            if status == 200 and returned == self.revision + 1:
                self.acknowledged += 1
                self.last_acked[section_id] = form
                self.revision = returned
            else:
                self.failures.append(f"{section_id} save {k}: {status}, revision {returned}")
                self.open_step(section_id)  # a person would reload the page


def together(clients: list[Client], work: Callable[[Client], None]) -> float:
    """Run `work` for every client in its own thread, started at once; wall time in seconds."""
    barrier = threading.Barrier(len(clients) + 1)
    crashed: list[BaseException] = []

    def run(client: Client) -> None:
        barrier.wait()
        try:
            work(client)
        except BaseException as error:  # reported below; a thread must not die silently
            crashed.append(error)

    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join(timeout=300)
    if crashed:
        raise RuntimeError(f"{len(crashed)} simulated user(s) crashed: {crashed[0]!r}")
    return time.perf_counter() - start


# --- checking what was stored ---------------------------------------------------------------


def lost_saves(app, clients: list[Client]) -> list[str]:
    """Every difference between what is stored and what the server acknowledged last."""
    lost = []
    with app.app_context(), Session(db.get_engine(app)) as session:
        questionnaire = app.extensions["equity_tool.registry"].current(QUESTIONNAIRE)
        for client in clients:
            assessment = session.exec(
                select(Assessment).where(Assessment.id == client.person.assessment_id)
            ).one()
            who = client.person.email
            if assessment.revision != client.person.revision + client.acknowledged:
                lost.append(f"{who}: revision {assessment.revision}, "
                            f"{client.acknowledged} saves acknowledged")
            for section_id, form in client.last_acked.items():
                section = questionnaire.section(section_id)
                expected = parse_section_form(questionnaire, section, MultiDict(form), {})
                for qid, value in expected.answers.items():
                    if assessment.answers.get(qid) != value:
                        lost.append(f"{who}: {qid} stored {assessment.answers.get(qid)!r:.60}")
                for qid, value in expected.other_texts.items():
                    if (assessment.other_texts.get(qid) or "") != value:
                        lost.append(f"{who}: {qid} (other) stored "
                                    f"{assessment.other_texts.get(qid)!r:.60}")
            missing = {s.id for s in questionnaire.sections} - set(client.last_acked)
            lost += [f"{who}: no save of step {s} was acknowledged" for s in sorted(missing)]
    return lost


# --- one run --------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def load(clients: list[Client], section_ids: list[str]) -> tuple[float, float, list[float]]:
    """Every user types every step, DRAFTS times.

    Returns the wall seconds of the floor and of the autosaves, and for each burst of
    autosaves its p50 over the p50 of the floor burst just before it.

    Before each step's burst of autosaves, the same users post the floor as many times, at the
    same concurrency: floor and autosave are measured alternately, in the same conditions,
    rather than one after the other, so that a busy moment of the machine weighs on both.
    """
    # Signed in and every step page opened once: both workers have loaded the questionnaire
    # and compiled the templates before anything is timed.
    together(clients, lambda c: (c.sign_in(), *map(c.open_step, section_ids)))
    together(clients, lambda c: c.post_floor(SAVES_PER_STEP))
    for client in clients:
        client.floor.clear()
        client.failures.clear()
    floor_wall = save_wall = 0.0
    paired = []
    for draft in range(1, DRAFTS + 1):
        for section_id in section_ids:
            floor_wall += together(clients, lambda c: c.post_floor(SAVES_PER_STEP))
            together(clients, lambda c, s=section_id: c.open_step(s))  # not timed
            save_wall += together(
                clients, lambda c, s=section_id, d=draft: c.autosave_step(s, SAVES_PER_STEP, d)
            )
            floor = [t for c in clients for t in c.floor[-SAVES_PER_STEP:]]
            saves = [t for c in clients for t in c.saves[-SAVES_PER_STEP:]]
            paired.append(statistics.median(saves) / statistics.median(floor))
    return floor_wall, save_wall, paired


def bench(kind: str, worker_class: str, threads: int) -> dict[str, Any]:
    with database(kind) as (url, description):
        print(f"{kind}: {description}")
        migrate.upgrade(url)
        app = create_app(app_config(url))
        people = seed(app, USERS)
        section_ids = [s.id for s in
                       app.extensions["equity_tool.registry"].current(QUESTIONNAIRE).sections]
        with gunicorn(url, worker_class, threads) as base:
            clients = [Client(p, base) for p in people]
            floor_wall, save_wall, paired = load(clients, section_ids)
        lost = lost_saves(app, clients)
        db.get_engine(app).dispose()
    saves = [t for c in clients for t in c.saves]
    floor = [t for c in clients for t in c.floor]
    failures = [f"{c.person.email}: {f}" for c in clients for f in c.failures]
    result = {
        "kind": kind,
        "saves": len(saves),
        "p50": statistics.median(saves),
        "p95": percentile(saves, 95),
        "throughput": len(saves) / save_wall,
        "floor_posts": len(floor),
        "floor_p50": statistics.median(floor),
        "floor_p95": percentile(floor, 95),
        "floor_throughput": len(floor) / floor_wall,
        "failed": len(failures),
        "lost": len(lost),
    }
    result["ratio"] = result["p50"] / result["floor_p50"]
    result["paired"] = statistics.median(paired)
    print(
        f"  autosave: {result['saves']} saves by {USERS} users in {save_wall:.1f} s: "
        f"p50 {ms(result['p50'])}, p95 {ms(result['p95'])}, "
        f"{result['throughput']:.0f} saves/s\n"
        f"  floor:    {result['floor_posts']} posts in {floor_wall:.1f} s: "
        f"p50 {ms(result['floor_p50'])}, p95 {ms(result['floor_p95'])}, "
        f"{result['floor_throughput']:.0f} posts/s\n"
        f"  p50 / floor p50: {result['ratio']:.2f}x (target <= {TARGET_RATIO:g}x; median of "
        f"the {len(paired)} bursts' own ratios {result['paired']:.2f}x); "
        f"failed saves: {result['failed']}, lost saves: {result['lost']}"
    )
    for line in (failures + lost)[:10]:
        print(f"    {line}")
    return result


# --- profile --------------------------------------------------------------------------------


def profile(saves: int, out: str | None = None) -> None:
    """cProfile of `saves` autosaves in this process (Flask test client, SQLite file)."""
    with database("sqlite") as (url, _):
        migrate.upgrade(url)
        app = create_app({**app_config(url), "WTF_CSRF_ENABLED": False})
        person = seed(app, 1)[0]
        client = app.test_client()
        client.post("/sign-in", data={"email": person.email, "password": DEMO_PASSWORD})
        page = client.get(f"/assessments/{person.assessment_id}/sections/people_places")
        revision = revision_in(page.get_data(as_text=True))
        url = f"/assessments/{person.assessment_id}/sections/people_places/autosave"

        def run(count: int) -> None:
            nonlocal revision
            for k in range(1, count + 1):
                # Typing the step again and again: k % 10 + 1 of 10, a new length each time.
                form = [("revision", str(revision)),
                        *step_form(0, "people_places", k % 10 + 1, 10)]
                response = client.post(url, data=MultiDict(form), headers={"HX-Request": "true"})
                assert response.status_code == 200, response.status_code
                revision = revision_in(response.get_data(as_text=True))

        run(20)  # warm: templates compiled, questionnaire loaded
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        run(saves)
        profiler.disable()
        elapsed = time.perf_counter() - start
        db.get_engine(app).dispose()
    print(f"{saves} autosaves of step people_places in one process: "
          f"{elapsed / saves * 1000:.2f} ms each (under the profiler)")
    if out:
        profiler.dump_stats(out)
    for order in ("tottime", "cumulative"):
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).strip_dirs().sort_stats(order).print_stats(25)
        print(text.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=1, help="per worker, for gthread")
    parser.add_argument("--profile", type=int, nargs="?", const=300, metavar="SAVES",
                        help="profile SAVES autosaves in-process instead of benchmarking")
    parser.add_argument("--profile-out", metavar="FILE", help="also write the pstats there")
    args = parser.parse_args()
    if args.profile:
        profile(args.profile, args.profile_out)
        return
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    print(f"{USERS} users x {DRAFTS} drafts x {SAVES_PER_STEP} autosaves per step, each burst "
          f"after as many floor posts; gunicorn {WORKERS} {args.worker_class} workers"
          + (f" x {args.threads} threads" if args.worker_class == "gthread" else "")
          + f"; {os.cpu_count()} CPUs")
    results = [bench(kind, args.worker_class, args.threads) for kind in kinds]
    print("\n| database | autosaves | p50 | p95 | saves/s | floor p50 | p50 / floor "
          "| per burst | failed | lost |\n|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['kind']} | {r['saves']} | {ms(r['p50'])} | {ms(r['p95'])} | "
              f"{r['throughput']:.0f} | {ms(r['floor_p50'])} | {r['ratio']:.2f}x | "
              f"{r['paired']:.2f}x | {r['failed']} | {r['lost']} |")
    ok = all(r["ratio"] <= TARGET_RATIO and not r["failed"] and not r["lost"] for r in results)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
