"""Benchmark the pages that count or list thousands of rows, at 200 and at 20,000 assessments.

For each database (an SQLite file; a throwaway PostgreSQL cluster started here with Debian's
initdb/pg_ctl, see tests/local_servers.py), the script migrates two fresh databases and fills
them with `flask demo --scale N` (equity_tool.demo_scale: the demo users, then N assessments
across 20 departments and five years, made through the real workflow, with their follow-up
items and progress updates): N = 200 and N = 20,000, then refreshes the planner's statistics
as `flask demo --scale` and `flask db upgrade` do (ANALYZE; VACUUM ANALYZE on PostgreSQL,
which index-only scans need). Both apps stay open in this
process, each with a Flask test client signed in as the equity officer through the sign-in
page.

Each page is requested WARMUP times, then RUNS times alternating between the small and the
large database (so that a busy machine slows both alike), and the median server time (the
test client's request, from routing to the rendered page) is reported:

- the dashboard (this year, no filter): figures grouped in the database, target <= 2x;
- the department's follow-up items (the department with the most items), page 1: paged,
  target <= 2x;
- the review queue and the reading room, page 1: paged, ratio reported.

Exits 1 when a ratio with a target is over it.

    .venv/bin/python bench/dashboard.py [--database sqlite|postgresql|both] [--large N]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from dataclasses import dataclass

from scaled import LARGE, SMALL, databases, scaled_app
from sqlmodel import Session, col, func, select

from equity_tool.core import db
from equity_tool.core.models import (
    Assessment,
    Department,
    FollowUpItem,
    FollowUpUpdate,
)
from equity_tool.demo import DEMO_PASSWORD

WARMUP, RUNS = 3, 15
TARGET_RATIO = 2.0
OFFICER = "officer@example.org"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@dataclass
class Filled:
    """A database filled by the demo, its app and a client signed in as the officer."""

    size: int
    app: object
    client: object
    seconds: float  # to make the data
    assessments: int
    items: int
    updates: int
    department_id: int = 0  # the one with the most items in the large database


# --- databases ------------------------------------------------------------------------------


def fill(url: str, size: int) -> Filled:
    app, seconds = scaled_app(url, size)
    with Session(db.get_engine(app)) as session:
        def count(model) -> int:
            return session.exec(select(func.count()).select_from(model)).one()

        found = (count(Assessment), count(FollowUpItem), count(FollowUpUpdate))
    return Filled(size, app, sign_in(app), seconds, *found)


def busiest_department(large: Filled) -> str:
    """The department with the most follow-up items."""
    with Session(db.get_engine(large.app)) as session:
        return session.exec(
            select(Department.name)
            .join(FollowUpItem, col(Department.id) == col(FollowUpItem.department_id))
            .group_by(Department.name).order_by(func.count().desc(), col(Department.name))
        ).first()


def department_id(filled: Filled, name: str) -> int:
    with Session(db.get_engine(filled.app)) as session:
        return session.exec(select(Department.id).where(Department.name == name)).one()


def sign_in(app):
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = next(g for g in CSRF_RE.search(page).groups() if g)
    response = client.post("/sign-in", data={"email": OFFICER, "password": DEMO_PASSWORD,
                                             "csrf_token": token})
    assert response.status_code == 302, response.status_code
    return client


# --- timing ---------------------------------------------------------------------------------


def pages(filled: Filled) -> dict[str, str]:
    return {
        "dashboard": "/dashboard",
        "department items": f"/departments/{filled.department_id}/follow-up",
        "review queue": "/review",
        "reading room": "/reading-room",
    }


TARGETS = {"dashboard": TARGET_RATIO, "department items": TARGET_RATIO}


def timed(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def measure(small: Filled, large: Filled) -> dict[str, tuple[float, float]]:
    """page -> (median seconds at the small size, at the large size)."""
    results = {}
    for name, small_url in pages(small).items():
        large_url = pages(large)[name]
        for _ in range(WARMUP):
            timed(small.client, small_url)
            timed(large.client, large_url)
        times: tuple[list[float], list[float]] = ([], [])
        for _ in range(RUNS):
            times[0].append(timed(small.client, small_url))
            times[1].append(timed(large.client, large_url))
        results[name] = (statistics.median(times[0]), statistics.median(times[1]))
    return results


def run(kind: str, large_size: int) -> bool:
    """Fill, measure and print one database's table; False when a target is missed."""
    with databases(kind, "dashboard") as (urls, description):
        small, large = fill(urls[0], SMALL), fill(urls[1], large_size)
        department = busiest_department(large)
        for filled in (small, large):
            filled.department_id = department_id(filled, department)
        try:
            results = measure(small, large)
        finally:
            for filled in (small, large):
                db.get_engine(filled.app).dispose()
    print(f"\n{description}")
    for filled in (small, large):
        print(f"  demo --scale {filled.size:,}: {filled.assessments:,} assessments, "
              f"{filled.items:,} follow-up items, {filled.updates:,} updates, made in "
              f"{filled.seconds:.0f} s")
    print(f"  department items: {department}'s")
    print(f"| page | {SMALL:,} | {large_size:,} | ratio | target |")
    print("|---|---|---|---|---|")
    met = True
    for name, (at_small, at_large) in results.items():
        ratio = at_large / at_small
        target = TARGETS.get(name)
        verdict = "—" if target is None else f"≤ {target:g}×"
        if target is not None and ratio > target:
            met, verdict = False, verdict + " MISSED"
        print(f"| {name} | {at_small * 1000:.1f} ms | {at_large * 1000:.1f} ms | "
              f"**{ratio:.2f}×** | {verdict} |")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--large", type=int, default=LARGE, help="assessments in the large one")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    met = [run(kind, args.large) for kind in kinds]
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main())
