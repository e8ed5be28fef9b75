"""The dashboard's figures about assessments: counts from the tallies, a few hundred rows
whatever the year holds, and lists a page at a time (see scope.py for the date that places an
assessment in a year)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from equity_tool.assessments.lists import assessment_titles
from equity_tool.core.models import (
    Assessment,
    Department,
    Submission,
    Tally,
)
from equity_tool.core.tallies import Tallied, tally
from equity_tool.core.vocabulary import AWAITING_REVIEW, AssessmentState
from equity_tool.publishing.dashboard.labels import Labels
from equity_tool.publishing.dashboard.scope import (
    Filters,
    assessments_chosen,
    assessments_where,
    tallied,
)
from equity_tool.publishing.dashboard.tables import Table

STATES = tuple(AssessmentState)
QUEUE_ORDER = (col(Assessment.submitted_at), col(Assessment.id))


def by_department_and_state(session: Session, filters: Filters) -> Table:
    """Assessments started in the year, one row per department and a column per state."""
    found = session.exec(
        tally(Department.name, Tally.what)
        .join(Department, col(Department.id) == col(Tally.department_id))
        .where(*tallied(filters, Tallied.STATE))).all()
    counts: dict[str, Counter] = {}
    for name, state, count in found:
        counts.setdefault(name, Counter())[AssessmentState(state)] = count
    rows = [(name, *(by_state[s] for s in STATES), sum(by_state.values()))
            for name, by_state in sorted(counts.items(), key=lambda kv: kv[0].lower())]
    totals = [sum(row[i + 1] for row in rows) for i in range(len(STATES))]
    return Table("by-department-and-state",
                 f"Assessments started in {filters.year}, by department and state",
                 ("Department", *(s.value.capitalize() for s in STATES), "Total"),
                 rows, footer=("All departments", *totals, sum(totals)))


def by_level(session: Session, filters: Filters, labels: Labels) -> Table:
    """Assessments started in the year by the impact level stored at their last submission or
    approval, per questionnaire, in each questionnaire's order of bands."""
    found = [(qid, level or None, count) for qid, level, count in session.exec(
        tally(Tally.questionnaire_id, Tally.what).where(*tallied(filters, Tallied.LEVEL)))]
    ordered = sorted(found, key=lambda r: (labels.title(r[0]).lower(),
                                           labels.level_order(r[0], r[1])))
    rows = [(labels.level(qid, level), labels.title(qid), count) for qid, level, count in ordered]
    return Table("by-impact-level", f"Assessments started in {filters.year}, by impact level",
                 ("Impact level", "Questionnaire", "Assessments"), rows,
                 footer=("All levels", "", sum(r[2] for r in rows)))


def _days_between(start, end, dialect: str):
    """end − start in days (with fractions), in SQL: SQLite counts Julian days."""
    if dialect == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return func.extract("epoch", end - start) / 86400.0


def turnaround_days(session: Session, filters: Filters) -> list[float]:
    """For each assessment approved in the year (and approved still), the days from its first
    submission to its approval, shortest first: only the differences leave the database."""
    first = (select(Submission.assessment_id, Submission.at).where(Submission.round == 1)
             .subquery())
    days = _days_between(first.c.at, col(Assessment.approved_at),
                         session.get_bind().dialect.name).label("days")
    found = session.exec(
        select(days).join(first, first.c.assessment_id == col(Assessment.id))
        .where(Assessment.state == AssessmentState.APPROVED,
               *assessments_where(filters, dated_by=Assessment.approved_at))
        .order_by(days)).all()
    return [float(d) for d in found]


def percentile(ordered: list[float], share: float) -> float | None:
    """The `share` (0–1) percentile of sorted values, interpolating between the two nearest
    (as PostgreSQL's percentile_cont does); None when there are none."""
    if not ordered:
        return None
    position = (len(ordered) - 1) * share
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def returned_share(session: Session, filters: Filters) -> tuple[int, int]:
    """(assessments started in the year that reached the officer, those returned at least
    once)."""
    found = dict(session.exec(tally(Tally.kind).where(
        *tallied(filters, Tallied.REACHED, Tallied.RETURNED))).all())
    return int(found.get(Tallied.REACHED, 0)), int(found.get(Tallied.RETURNED, 0))


def review_figures(session: Session, filters: Filters) -> Table:
    """Turnaround (median and 90th percentile) and the share returned, as one small table."""
    days = turnaround_days(session, filters)
    reached, returned = returned_share(session, filters)
    median, ninetieth = percentile(days, 0.5), percentile(days, 0.9)
    share = f"{round(100 * returned / reached)}%" if reached else None
    rows = [
        (f"Approved in {filters.year}", len(days)),
        ("Median days from first submission to approval", _days(median)),
        ("90th percentile of days from first submission to approval", _days(ninetieth)),
        (f"Started in {filters.year} and sent to the equity officer", reached),
        ("Of those, returned at least once", returned),
        ("Share returned at least once", share),
    ]
    return Table("review-figures", f"Review in {filters.year}: turnaround and returns",
                 ("Figure", "Value"), rows)


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def oldest_waiting(session: Session, filters: Filters, *, now: datetime,
                   limit: int | None = 5) -> Table:
    """What waits for the officer now (any year), longest waiting first."""
    waiting = [s.value for s in AWAITING_REVIEW]
    where = [col(Assessment.state).in_(waiting), *assessments_chosen(filters)]
    total = session.exec(select(func.coalesce(func.sum(Tally.count), 0)).where(
        *tallied(filters, Tallied.STATE, any_year=True), col(Tally.what).in_(waiting))).one()
    # The title is read after the limit: a row holds its answers, too much to sort by the
    # thousand (the other columns come from the index on state and submission).
    query = (select(Assessment.id, Department.name, Assessment.state, Assessment.submitted_at)
             .join(Department, col(Department.id) == col(Assessment.department_id))
             .where(*where).order_by(*QUEUE_ORDER))
    found = session.exec(query.limit(limit) if limit else query).all()
    titles = assessment_titles(session, [row[0] for row in found])
    tz = ZoneInfo(filters.timezone)
    rows = [(titles[assessment_id], department, AssessmentState(state).value.capitalize(),
             since.astimezone(tz).date() if since else None,
             (now - since).days if since else None)
            for assessment_id, department, state, since in found]
    return Table("waiting-longest", "Assessments waiting for review now, longest first",
                 ("Assessment", "Department", "State", "Waiting since", "Days waiting"), rows,
                 total=total, assessment_ids=[row[0] for row in found])


def top_flags(session: Session, filters: Filters, labels: Labels, *,
              limit: int | None = 10) -> Table:
    """The flags raised most often on assessments started in the year (as of each one's last
    submission or approval), most often first."""
    count = func.sum(Tally.count).label("times")
    query = (select(Tally.questionnaire_id, Tally.what, func.max(Tally.detail), count)
             .where(*tallied(filters, Tallied.FLAG))
             .group_by(col(Tally.questionnaire_id), col(Tally.what))
             .having(count != 0)
             .order_by(count.desc(), col(Tally.what)))
    found = session.exec(query.limit(limit) if limit else query).all()
    rows = [(labels.flag(qid, flag), labels.title(qid), severity.capitalize(), times)
            for qid, flag, severity, times in found]
    return Table("flags", f"Flags raised most often on assessments started in {filters.year}",
                 ("Flag", "Questionnaire", "Severity", "Assessments"), rows)
