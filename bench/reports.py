"""Benchmark the citywide annual report and the public register's list at 200 and 20,000.

For each database (an SQLite file; a throwaway PostgreSQL cluster started here with Debian's
initdb/pg_ctl, see tests/local_servers.py), the script migrates two fresh databases and fills
them with `flask demo --scale N` (equity_tool.demo_scale: the demo users, then N assessments
across 20 departments and five years, made through the real workflow, with their follow-up
items): N = 200 and N = 20,000, then refreshes the planner's statistics as `flask demo
--scale` and `flask db upgrade` do (ANALYZE; VACUUM ANALYZE on PostgreSQL).

The report is last year's, citywide (a full year of the five the demo spreads over). Each
measure runs WARMUP times, then RUNS times alternating between the small and the large
database, and the median is reported:

- counts: the report's grouped queries (completed by level, returns, approvals and first
  submissions, flags, follow-up items by status), each GROUP BY department: target <= 3x;
- figures and lists: everything the report holds (build_report), the counts plus the lists
  of approved assessments (with their turnaround) and follow-up items, which grow with the
  data: reported, with the number of rows listed;
- the whole Word document (figures, three charts drawn by matplotlib, docxtpl rendering):
  its lists (each approved assessment, each measure) grow with the data, so its ratio is
  reported beside the figures' and the number of table rows it holds;
- the CSV (one row per assessment and item): reported;
- the public register's list, page 1, through the Flask test client (a visitor, no sign-in),
  with a third of the approved assessments published (set directly, as if the officer had
  ticked "Publish" on each): target <= 2x.

Exits 1 when a ratio with a target is over it.

    .venv/bin/python bench/reports.py [--database sqlite|postgresql|both] [--large N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from scaled import LARGE, SMALL, databases, scaled_app
from sqlmodel import Session, func, select

from equity_tool.core import db
from equity_tool.core.models import Assessment, FollowUpItem
from equity_tool.core.vocabulary import AssessmentState
from equity_tool.publishing import reports
from equity_tool.publishing.reports import figures

WARMUP, RUNS = 2, 9
TARGETS = {"counts": 3.0, "public register, page 1": 2.0}


@dataclass
class Filled:
    size: int
    app: object
    seconds: float  # to make the data
    assessments: int
    items: int


def fill(url: str, size: int) -> Filled:
    app, seconds = scaled_app(url, size, then=publish_a_third, PUBLIC_REGISTER=True)
    with Session(db.get_engine(app)) as session:
        found = [session.exec(select(func.count()).select_from(m)).one()
                 for m in (Assessment, FollowUpItem)]
    return Filled(size, app, seconds, *found)


def publish_a_third(engine) -> None:
    """A third of the approved assessments on the register, as if the officer had ticked
    "Publish" on each."""
    with engine.begin() as connection:
        connection.execute(sa.update(Assessment).where(
            Assessment.state == AssessmentState.APPROVED, Assessment.id % 3 == 0)
            .values(published_at=Assessment.approved_at))


def work(filled: Filled, year: int) -> dict[str, Callable[[], object]]:
    """measure name -> a function that makes it once, in its own session."""
    app = filled.app
    questionnaires = app.extensions["equity_tool.registry"].all_offered()

    def report(session):
        scope = reports.check_scope(session, year=year, today=date.today())
        return reports.build_report(session, scope, questionnaires)

    def counts(session):
        scope = reports.check_scope(session, year=year, today=date.today())
        return [figures.completed_by_level(session, scope), figures.decisions(session, scope),
                figures.flags(session, scope), figures.item_counts(session, scope)]

    def with_session(make):
        def run():
            with Session(db.get_engine(app)) as session:
                return make(session)
        return run

    visitor = app.test_client()

    def register_page():
        response = visitor.get("/public/")
        assert response.status_code == 200, response.status_code

    return {
        "public register, page 1": register_page,
        "counts": with_session(counts),
        "figures and lists": with_session(report),
        "Word document": with_session(lambda s: reports.render_docx(report(s))),
        "CSV": with_session(lambda s: reports.render_csv(report(s))),
    }


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def measure(small: Filled, large: Filled, year: int) -> dict[str, tuple[float, float]]:
    """measure -> (median seconds at the small size, at the large size)."""
    results = {}
    small_work, large_work = work(small, year), work(large, year)
    for name in small_work:
        for _ in range(WARMUP):
            timed(small_work[name])
            timed(large_work[name])
        times: tuple[list[float], list[float]] = ([], [])
        for _ in range(RUNS):
            times[0].append(timed(small_work[name]))
            times[1].append(timed(large_work[name]))
        results[name] = (statistics.median(times[0]), statistics.median(times[1]))
    return results


def rows_listed(filled: Filled, year: int) -> tuple[int, int]:
    """(rows of the Word document's lists: approved assessments and measures, CSV rows)."""
    with Session(db.get_engine(filled.app)) as session:
        scope = reports.check_scope(session, year=year, today=date.today())
        found = reports.build_report(
            session, scope, filled.app.extensions["equity_tool.registry"].all_offered())
        return (sum(len(d["assessments"]) + len(d["measures"])
                    for d in found.context["departments"]),
                len(found.approved) + len(found.items))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def run(kind: str, large_size: int) -> bool:
    year = date.today().year - 1
    with databases(kind, "reports") as (urls, description):
        small, large = fill(urls[0], SMALL), fill(urls[1], large_size)
        try:
            results = measure(small, large, year)
            listed = (rows_listed(small, year), rows_listed(large, year))
        finally:
            for filled in (small, large):
                db.get_engine(filled.app).dispose()
    print(f"\n{description}: citywide report for {year}; {small.assessments:,} vs "
          f"{large.assessments:,} assessments, {small.items:,} vs {large.items:,} follow-up "
          f"items (made in {small.seconds:.0f} s and {large.seconds:.0f} s)")
    print(f"Word document lists {listed[0][0]:,} vs {listed[1][0]:,} rows (approved "
          f"assessments and measures); the CSV has {listed[0][1]:,} vs {listed[1][1]:,}")
    print(f"| measure | at {SMALL:,} | at {large_size:,} | ratio | target |")
    print("|---|---|---|---|---|")
    ok = True
    for name, (low, high) in results.items():
        ratio = high / low
        target = f"≤ {TARGETS[name]:g}×" if name in TARGETS else "—"
        if name in TARGETS and ratio > TARGETS[name]:
            ok = False
        print(f"| {name} | {ms(low)} | {ms(high)} | **{ratio:.1f}×** | {target} |")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--large", type=int, default=LARGE)
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    results = [run(kind, args.large) for kind in kinds]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
