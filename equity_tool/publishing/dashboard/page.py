"""The whole dashboard for the filters chosen: its tables and charts, or one table in full."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from equity_tool.assessments.lists import questionnaire_titles
from equity_tool.core import tallies
from equity_tool.core.models import utcnow
from equity_tool.publishing import charts
from equity_tool.publishing.dashboard import assessment_figures as figures
from equity_tool.publishing.dashboard import item_figures as items
from equity_tool.publishing.dashboard.labels import Labels
from equity_tool.publishing.dashboard.scope import Filters
from equity_tool.publishing.dashboard.tables import Table


@dataclass(frozen=True)
class Clock:
    """Now and today in the city's time zone: what "waiting" and "overdue" are measured from."""

    now: datetime
    today: date

    @classmethod
    def at(cls, timezone: str, now: datetime | None = None) -> Clock:
        now = now or utcnow()
        return cls(now, now.astimezone(ZoneInfo(timezone)).date())


# How many rows the page shows of each list; its download has them all.
LIMITS = {"waiting-longest": 5, "flags": 10, "overdue-items": 10, "measures": 20}

# name -> how to build the table from (session, filters, labels, clock, row limit or None)
Builder = Callable[[Session, Filters, Labels, Clock, int | None], Table]
TABLES: dict[str, Builder] = {
    "by-department-and-state": lambda s, f, lab, c, n: figures.by_department_and_state(s, f),
    "by-impact-level": lambda s, f, lab, c, n: figures.by_level(s, f, lab),
    "review-figures": lambda s, f, lab, c, n: figures.review_figures(s, f),
    "waiting-longest": lambda s, f, lab, c, n: figures.oldest_waiting(s, f, now=c.now,
                                                                      limit=n),
    "flags": lambda s, f, lab, c, n: figures.top_flags(s, f, lab, limit=n),
    "items-by-status": lambda s, f, lab, c, n: items.by_status(s, f),
    "overdue-items": lambda s, f, lab, c, n: items.overdue(s, f, today=c.today, limit=n),
    "measures": lambda s, f, lab, c, n: items.measures(s, f, limit=n),
}


@dataclass(frozen=True)
class Dashboard:
    filters: Filters
    tables: dict[str, Table]  # by name, in TABLES' order
    charts: dict[str, str]  # table name -> its chart as SVG


def labels_for(session: Session, registry: Any) -> Labels:
    return Labels.of(registry.all_offered(), questionnaire_titles(session))


def build(session: Session, registry: Any, filters: Filters, *,
          now: datetime | None = None) -> Dashboard:
    """Every table (lists cut to their first few rows) and the charts drawn from them."""
    tallies.ensure(session, filters.timezone)
    labels, clock = labels_for(session, registry), Clock.at(filters.timezone, now)
    tables = {name: build_table(session, filters, labels, clock, LIMITS.get(name))
              for name, build_table in TABLES.items()}
    return Dashboard(filters, tables, _charts(tables, filters.year))


def table(session: Session, registry: Any, filters: Filters, name: str, *,
          now: datetime | None = None) -> Table:
    """The table called `name` (one of TABLES) with every row, for its download."""
    tallies.ensure(session, filters.timezone)
    clock = Clock.at(filters.timezone, now)
    return TABLES[name](session, filters, labels_for(session, registry), clock, None)


def csv_filename(filters: Filters, name: str) -> str:
    """e.g. "equity-dashboard-2026-measures.csv"; ASCII only, the filters by id."""
    parts = ["equity-dashboard", str(filters.year), name]
    if filters.department_id is not None:
        parts.append(f"department-{filters.department_id}")
    if filters.questionnaire_id is not None:
        parts.append("".join(c for c in filters.questionnaire_id if c.isascii()
                             and (c.isalnum() or c in "-_")))
    return "-".join(parts) + ".csv"


def _column_totals(found: Table) -> list[tuple[str, float]]:
    """(column, total) for each count column of a crosstab (not the row header or the total)."""
    assert found.footer is not None
    return list(zip(found.columns[1:-1], found.footer[1:-1], strict=True))


def _charts(tables: dict[str, Table], year: int) -> dict[str, str]:
    levels = tables["by-impact-level"]
    several = len({row[1] for row in levels.rows}) > 1
    level_bars = [(f"{level}\n{questionnaire}" if several else level, count)
                  for level, questionnaire, count in levels.rows]
    return {
        "by-department-and-state": charts.bar_chart(
            _column_totals(tables["by-department-and-state"]), chart_id="chart-states",
            title=f"Assessments started in {year}, by state"),
        "by-impact-level": charts.bar_chart(
            level_bars, chart_id="chart-levels",
            title=f"Assessments started in {year}, by impact level"),
        "items-by-status": charts.bar_chart(
            _column_totals(tables["items-by-status"]), chart_id="chart-items",
            title=f"Follow-up items due in {year}, by status"),
    }
