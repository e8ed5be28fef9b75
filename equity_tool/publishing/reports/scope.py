"""What an annual report covers: a calendar year in the city's time zone, citywide or for one
department, checked against the data before anything is counted.

Which date places a thing in the year:
- an assessment is **completed** in the year it was approved (`approved_at`, and approved
  still: one reopened since is not counted);
- a return or an approval is an event (`AssessmentEvent.at`); a first submission is the
  round-1 `Submission.at`;
- a follow-up item belongs to the year if it was **made** then (`created_at`) or is **due**
  then (`due_on`); its status is the one it has when the report is made, and it is
  **overdue** when it was due before the end of the year and before today, and is neither
  done nor dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from equity_tool.core.models import Assessment, AssessmentEvent, Department, FollowUpItem
from equity_tool.publishing.city_year import CityYear


class ReportInputError(ValueError):
    """A year or department the report cannot be made for; `field` names the form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Scope(CityYear):
    """A checked year and department (None: citywide), and the day the report is made."""

    year: int
    today: date
    department_id: int | None = None
    department_name: str | None = None
    timezone: str = "UTC"

    @property
    def overdue_before(self) -> date:
        """Items due before this day and still open are overdue."""
        return min(self.today, date(self.year + 1, 1, 1))

    def within(self, stamp) -> list[sa.ColumnElement[bool]]:
        return [col(stamp) >= self.start, col(stamp) < self.end]


def years_held(session: Session, *, timezone: str = "UTC", today: date) -> range:
    """The years the data holds: from the first assessment, event or due date to the last or
    this year, whichever is later; a handful of aggregates, however many rows there are."""
    tz = ZoneInfo(timezone)
    # One aggregate per query: SQLite reads a min() or a max() off an index only when it is
    # alone in its query. Every approval is an event, so the events' last day covers it.
    stamps = [session.exec(select(aggregate(column))).one() for aggregate, column in (
        (func.min, Assessment.created_at), (func.min, AssessmentEvent.at),
        (func.max, AssessmentEvent.at), (func.min, FollowUpItem.created_at))]
    days = [session.exec(select(aggregate(FollowUpItem.due_on))).one()
            for aggregate in (func.min, func.max)]
    found = {today.year} | {s.astimezone(tz).year for s in stamps if s}
    found |= {d.year for d in days if d}
    return range(min(found), max(found) + 1)


def departments(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every department, by name."""
    found = session.exec(select(Department.id, Department.name)).all()
    return sorted(((i, n) for i, n in found), key=lambda pair: pair[1].lower())


def check_scope(session: Session, *, year: int | str | None, department: str | None = None,
                department_id: int | str | None = None, timezone: str = "UTC",
                today: date) -> Scope:
    """The scope asked for, or ReportInputError naming what is wrong and what would do."""
    held = years_held(session, timezone=timezone, today=today)
    number = _year(year, held)
    known = departments(session)
    chosen: tuple[int, str] | None = None
    if department_id not in (None, ""):
        chosen = next(((i, n) for i, n in known if str(i) == str(department_id)), None)
        if chosen is None:
            raise ReportInputError("department", "Choose a department from the list.")
    elif department not in (None, ""):
        wanted = str(department).strip().casefold()
        chosen = next(((i, n) for i, n in known if n.casefold() == wanted), None)
        if chosen is None:
            names = ", ".join(n for _, n in known) or "none yet"
            raise ReportInputError("department", f"There is no department named "
                                   f"“{str(department)[:100]}”. The departments are: {names}.")
    return Scope(year=number, today=today, department_id=chosen[0] if chosen else None,
                 department_name=chosen[1] if chosen else None, timezone=timezone)


def _year(year: int | str | None, held: range) -> int:
    span = (f"the data holds {held[0]} only" if len(held) == 1
            else f"the data holds the years {held[0]} to {held[-1]}")
    text = str(year if year is not None else "").strip()
    if not text:
        raise ReportInputError("year", f"Enter a year: {span}.")
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise ReportInputError("year", f"Enter the year as four digits, like {held[-1]}: "
                               f"“{text[:20]}” is not a year.")
    if int(text) not in held:
        raise ReportInputError("year", f"There is nothing to report for {text}: {span}.")
    return int(text)
