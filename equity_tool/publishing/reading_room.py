"""The reading room's list: approved assessments, newest approval first, searched and filtered,
a page at a time.

No Flask here: the view passes the session, the questionnaire registry and the filters it has
already checked against `choices`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from equity_tool.assessments.lists import Row, departments, level_choices, with_levels
from equity_tool.core.exceptions import NotFound
from equity_tool.core.models import Assessment, AssessmentState, Department
from equity_tool.core.paging import PAGE_SIZE, Page, paged
from equity_tool.questionnaire import (
    TYPES,
    Evaluation,
    Questionnaire,
    is_unanswered,
)


@dataclass(frozen=True)
class Filters:
    """What the reader asked for; every value already checked against `choices`."""

    q: str = ""
    department_id: int | None = None
    year: int | None = None
    level: str | None = None


def choices(session: Session, questionnaires: list[Questionnaire], *,
            timezone: str = "UTC") -> dict[str, dict[str, str]]:
    """For each filter, value -> the words on its option."""
    return {
        "department": {str(d.id): d.name for d in departments(session)},
        "year": {str(year): str(year) for year in approval_years(session, timezone=timezone)},
        "level": level_choices(questionnaires),
    }


def approval_years(session: Session, *, timezone: str = "UTC") -> list[int]:
    """The years (in the city's time) in which something was approved, newest first.

    One query per year between the first and the last approval, not one row per approval."""
    approved = (Assessment.state == AssessmentState.APPROVED,
                col(Assessment.approved_at).is_not(None))
    first, last = session.exec(select(func.min(Assessment.approved_at),
                                      func.max(Assessment.approved_at)).where(*approved)).one()
    if first is None:
        return []
    tz = ZoneInfo(timezone)
    years = range(_utc(first).astimezone(tz).year, _utc(last).astimezone(tz).year + 1)
    return [year for year in reversed(years) if session.exec(
        select(Assessment.id).where(*approved, *_in_year(year, tz)).limit(1)).first()]


def _utc(stamp: datetime | str) -> datetime:
    # min() and max() lose the column's type on SQLite: the stored text comes back.
    if isinstance(stamp, str):
        stamp = datetime.fromisoformat(stamp)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _in_year(year: int, tz: ZoneInfo):
    # The year as the city counts it: New Year's Eve approvals belong to the old year.
    return (col(Assessment.approved_at) >= datetime(year, 1, 1, tzinfo=tz),
            col(Assessment.approved_at) < datetime(year + 1, 1, 1, tzinfo=tz))


def search(session: Session, registry: Any, filters: Filters, *, page: int = 1,
           size: int = PAGE_SIZE, timezone: str = "UTC") -> Page[Row]:
    """Page `page` of the approved assessments matching `filters`, newest approval first.

    Department, year and impact level (the one stored at approval) are asked of the database,
    which pages the list, and only the page's assessments are scored. Words searched for
    must be found among the visible answers as a reader sees them, which only the evaluated
    questionnaire knows, so a search scores every assessment the other filters leave, the same
    way on SQLite and PostgreSQL. Every word must appear somewhere, in any case.
    """
    query = _query(filters, timezone)
    terms = filters.q.casefold().split()
    if not terms:
        found = paged(session, query, page, size)
        return replace(found, items=list(with_levels(session, registry, found.items)))
    matches = [row for row in with_levels(session, registry, session.exec(query))
               if _matches(row, terms)]
    if page > 1 and (page - 1) * size >= len(matches):
        raise NotFound("There is no such page of this list.")
    return Page(items=matches[(page - 1) * size:page * size], number=page, size=size,
                total=len(matches))


def _matches(row: Row, terms: list[str]) -> bool:
    if row.evaluation is None:  # what cannot be read cannot be searched
        return False
    haystack = "\n".join(searchable_texts(row.assessment, row.department, row.questionnaire,
                                          row.evaluation)).casefold()
    return all(term in haystack for term in terms)


def _query(filters: Filters, timezone: str):
    query = (select(Assessment, Department)
             .join(Department, col(Assessment.department_id) == col(Department.id))
             .where(Assessment.state == AssessmentState.APPROVED))
    if filters.department_id is not None:
        query = query.where(Assessment.department_id == filters.department_id)
    if filters.year is not None:
        query = query.where(*_in_year(filters.year, ZoneInfo(timezone)))
    if filters.level is not None:
        query = query.where(Assessment.impact_level == filters.level)
    return query.order_by(col(Assessment.approved_at).desc(), col(Assessment.id).desc())


def searchable_texts(assessment: Assessment, department: Department,
                     questionnaire: Questionnaire, evaluation: Evaluation) -> Iterator[str]:
    """Title, department, questionnaire title and every visible answer as a reader sees it
    (choices by their labels) and as typed (table cells, "other" texts)."""
    language = assessment.language
    yield from (assessment.title, department.name, questionnaire.title.get(language))
    others = assessment.other_texts or {}
    for section in questionnaire.sections:
        if section.id in evaluation.hidden_sections:
            continue
        for question in section.questions:
            raw = assessment.answers.get(question.id)
            if not question.answerable or not evaluation.is_visible(question.id) \
                    or is_unanswered(raw):
                continue
            yield TYPES[question.type].display(question, raw, language)
            yield from _strings(raw)
            if others.get(question.id):
                yield others[question.id]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def recently_approved(session: Session, registry: Any, *, limit: int = 10) -> list[Row]:
    """The latest approvals, newest first, for a councillor's home."""
    found = session.exec(_query(Filters(), "UTC").limit(limit))
    return list(with_levels(session, registry, found))
