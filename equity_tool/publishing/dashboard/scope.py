"""What the dashboard counts: the year, department and questionnaire chosen, as SQL conditions.

Which date places a row in a year (the city's calendar year, in its time zone):
- an assessment is counted in the year it was **created** (`created_at`): by department and
  state, by impact level, flags, and the share returned at least once;
- turnaround counts the assessments **approved** in the year (`approved_at`), from their first
  submission (round 1) to their (latest) approval;
- a follow-up item belongs to the year it is **due** (`due_on`); an item with no due date to
  the year it was created;
- what waits for review and the overdue items are as of today, whatever the year.

The counts come from the tallies (core.tallies), which use the same dates; the lists (what
waits longest, the overdue items, the measures) walk the indexes a page at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from equity_tool.assessments.lists import departments, questionnaire_titles
from equity_tool.core.models import Assessment, FollowUpItem, Tally
from equity_tool.core.tallies import Tallied
from equity_tool.publishing.city_year import CityYear


@dataclass(frozen=True)
class Filters(CityYear):
    """What the officer chose, every value already checked against `choices`."""

    year: int
    department_id: int | None = None
    questionnaire_id: str | None = None
    timezone: str = "UTC"


def choices(session: Session, *, timezone: str = "UTC",
            today: date | None = None) -> dict[str, dict[str, str]]:
    """For each filter, value -> the words on its option; the years newest first."""
    this_year = today.year if today else datetime.now(ZoneInfo(timezone)).year
    return {
        "year": {str(year): str(year) for year in years(session, this_year, timezone=timezone)},
        "department": {str(d.id): d.name for d in departments(session)},
        "questionnaire": questionnaire_titles(session),
    }


def years(session: Session, this_year: int, *, timezone: str = "UTC") -> list[int]:
    """Every year from the first assessment or due date to the last, and this year, newest
    first: four aggregates, however many rows there are."""
    tz = ZoneInfo(timezone)
    # One aggregate per query: SQLite reads a min() or a max() off an index only when it is
    # alone in its query, and scans the whole table for both together.
    first, last, first_due, last_due = (
        session.exec(select(aggregate(column))).one()
        for column in (Assessment.created_at, FollowUpItem.due_on)
        for aggregate in (func.min, func.max))
    found = {this_year}
    found |= {stamp.astimezone(tz).year for stamp in (first, last) if stamp}
    found |= {day.year for day in (first_due, last_due) if day}
    return list(range(max(found), min(found) - 1, -1))


def assessments_where(filters: Filters, *, dated_by=None) -> list[sa.ColumnElement[bool]]:
    """Conditions on Assessment: in the year by `dated_by` (created_at unless told), and of the
    department and questionnaire chosen."""
    stamp = col(dated_by if dated_by is not None else Assessment.created_at)
    return [stamp >= filters.start, stamp < filters.end, *assessments_chosen(filters)]


def assessments_chosen(filters: Filters, model: type = Assessment
                       ) -> list[sa.ColumnElement[bool]]:
    """Conditions on Assessment (or Tally, which has the same two columns) for the department
    and questionnaire chosen, any year."""
    where = []
    if filters.department_id is not None:
        where.append(col(model.department_id) == filters.department_id)
    if filters.questionnaire_id is not None:
        where.append(col(model.questionnaire_id) == filters.questionnaire_id)
    return where


def items_chosen(query, filters: Filters, *, joined: bool = False):
    """`query` on FollowUpItem narrowed to the department and questionnaire chosen, any year;
    the questionnaire needs the item's assessment, joined here unless `joined` already."""
    if filters.department_id is not None:
        query = query.where(col(FollowUpItem.department_id) == filters.department_id)
    if filters.questionnaire_id is not None:
        if not joined:
            query = query.join(Assessment,
                               col(Assessment.id) == col(FollowUpItem.assessment_id))
        query = query.where(col(Assessment.questionnaire_id) == filters.questionnaire_id)
    return query


def items_in_year(query, filters: Filters, *, joined: bool = False, dated: bool | None = None):
    """`query` on FollowUpItem narrowed to the items of the year (due then, or undated and
    created then) and to the department and questionnaire chosen; `dated` True or False keeps
    only one of the two kinds (each alone walks an index in due order)."""
    due = col(FollowUpItem.due_on)
    due_then = sa.and_(due >= date(filters.year, 1, 1), due < date(filters.year + 1, 1, 1))
    made_then = sa.and_(due.is_(None), col(FollowUpItem.created_at) >= filters.start,
                        col(FollowUpItem.created_at) < filters.end)
    in_year = {True: due_then, False: made_then, None: sa.or_(due_then, made_then)}[dated]
    return items_chosen(query.where(in_year), filters, joined=joined)


def tallied(filters: Filters, *kinds: Tallied, any_year: bool = False
            ) -> list[sa.ColumnElement[bool]]:
    """Conditions on Tally: of one of `kinds`, in the year (unless `any_year`), and of the
    department and questionnaire chosen. Items belong to the year they are due, or were made
    if undated."""
    where = [col(Tally.kind).in_([kind.value for kind in kinds]),
             *assessments_chosen(filters, Tally)]
    if any_year:
        return where
    if kinds == (Tallied.ITEM,):
        return [*where, sa.or_(col(Tally.year) == filters.year,
                               sa.and_(col(Tally.year) == 0,
                                       col(Tally.other_year) == filters.year))]
    return [*where, col(Tally.year) == filters.year]
