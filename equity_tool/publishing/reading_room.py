"""The reading room's list: approved assessments, newest approval first, searched and filtered.

No Flask here: the view passes the session, the questionnaire registry and the filters it has
already checked against `choices`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from equity_tool.assessments.lists import Row, departments, level_choices, with_levels
from equity_tool.core.models import Assessment, AssessmentState, Department
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
    """The years (in the city's time) in which something was approved, newest first."""
    stamps = session.exec(select(Assessment.approved_at).where(
        Assessment.state == AssessmentState.APPROVED,
        col(Assessment.approved_at).is_not(None)))
    tz = ZoneInfo(timezone)
    return sorted({stamp.astimezone(tz).year for stamp in stamps if stamp}, reverse=True)


def search(session: Session, registry: Any, filters: Filters, *,
           timezone: str = "UTC") -> list[Row]:
    """Approved assessments matching `filters`, newest approval first.

    Department and year narrow the query; the impact level and the words searched for need
    the evaluated questionnaire, so they are checked here, the same way on SQLite and
    PostgreSQL. Every word must appear somewhere, in any case.
    """
    terms = filters.q.casefold().split()
    rows = []
    for row in with_levels(session, registry, session.exec(_query(filters, timezone))):
        if filters.level and (row.level is None or row.level.id != filters.level):
            continue
        if terms:
            if row.evaluation is None:  # what cannot be read cannot be searched
                continue
            haystack = "\n".join(searchable_texts(row.assessment, row.department,
                                                  row.questionnaire, row.evaluation)).casefold()
            if not all(term in haystack for term in terms):
                continue
        rows.append(row)
    return rows


def _query(filters: Filters, timezone: str):
    query = (select(Assessment, Department)
             .join(Department, col(Assessment.department_id) == col(Department.id))
             .where(Assessment.state == AssessmentState.APPROVED))
    if filters.department_id is not None:
        query = query.where(Assessment.department_id == filters.department_id)
    if filters.year is not None:
        # The year as the city counts it: New Year's Eve approvals belong to the old year.
        tz = ZoneInfo(timezone)
        query = query.where(
            col(Assessment.approved_at) >= datetime(filters.year, 1, 1, tzinfo=tz),
            col(Assessment.approved_at) < datetime(filters.year + 1, 1, 1, tzinfo=tz))
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
