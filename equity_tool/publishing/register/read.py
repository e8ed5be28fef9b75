"""The public register's read functions: published assessments as the public sees them.

An assessment is on the register while it is approved and `published_at` is set; every
function here asks the database for both, every time, so a withdrawal (or a reopening) takes
it out of every public page, download and feed at once. Nothing private leaves this module:
titles, decision kinds and follow-up items whose question or column is `private: true` are
left out or replaced (see `private`). No Flask here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from equity_tool.core.exceptions import NotFound
from equity_tool.core.models import (
    MAX_ID,
    Assessment,
    AssessmentEvent,
    Department,
    FollowUpItem,
    FollowUpUpdate,
)
from equity_tool.core.paging import PAGE_SIZE, Page, paged
from equity_tool.core.vocabulary import AssessmentState, ItemKind, ItemStatus
from equity_tool.publishing.register.private import is_private, private_column
from equity_tool.publishing.register.publication import ACTIONS
from equity_tool.questionnaire import Questionnaire


@dataclass(frozen=True)
class Filters:
    """What the visitor asked for; every value already checked against `choices`."""

    q: str = ""
    department_id: int | None = None
    year: int | None = None
    level: str | None = None


@dataclass(frozen=True)
class Entry:
    """One published assessment, only what the public may read."""

    id: int
    title: str
    department: str
    decision_kind: str | None  # None: the question is private
    language: str
    summary: str  # markdown; "" when the questionnaire names no public summary
    level_id: str | None
    level_label: str | None
    questionnaire_id: str
    questionnaire_title: str
    questionnaire_version: str
    submitted_at: datetime | None
    approved_at: datetime | None
    published_at: datetime
    next_review_on: date | None


@dataclass(frozen=True)
class Item:
    """A follow-up item of a published assessment, without private columns."""

    id: int
    kind: ItemKind
    title: str
    owner: str | None
    due_on: date | None
    status: ItemStatus
    baseline: str | None
    target: str | None
    latest_value: str | None


def _published():
    return (Assessment.state == AssessmentState.APPROVED,
            col(Assessment.published_at).is_not(None))


def _base():
    return (select(Assessment, Department)
            .join(Department, col(Assessment.department_id) == col(Department.id))
            .where(*_published()))


def _newest_first(query):
    return query.order_by(col(Assessment.published_at).desc(), col(Assessment.id).desc())


def get_published(session: Session, assessment_id: int) -> tuple[Assessment, Department]:
    """The published assessment, or NotFound (unknown, unapproved, unpublished, withdrawn)."""
    if not 0 < assessment_id <= MAX_ID:
        raise NotFound(f"No published assessment {assessment_id}")
    found = session.exec(_base().where(Assessment.id == assessment_id)).first()
    if found is None:
        raise NotFound(f"No published assessment {assessment_id}")
    return found[0], found[1]


def entry(registry: Any, session: Session, assessment: Assessment,
          department: Department) -> Entry:
    """What the public reads of `assessment` (title, summary, level, dates)."""
    questionnaire = registry.pinned(session, assessment.questionnaire_id,
                                    assessment.questionnaire_version)
    language = assessment.language
    band = _band(questionnaire, assessment.impact_level)
    summary_id = questionnaire.public_summary
    summary = assessment.answers.get(summary_id) if summary_id else None
    return Entry(
        id=assessment.id, title=public_title(questionnaire, assessment),
        department=department.name, decision_kind=_decision_kind(questionnaire, assessment),
        language=language, summary=summary if isinstance(summary, str) else "",
        level_id=band.id if band else None,
        level_label=band.label.get(language) if band else None,
        questionnaire_id=questionnaire.id, questionnaire_title=questionnaire.title.get(language),
        questionnaire_version=questionnaire.version,
        submitted_at=assessment.submitted_at, approved_at=assessment.approved_at,
        published_at=assessment.published_at,
        next_review_on=None if is_private(questionnaire, questionnaire.next_review)
        else assessment.next_review_on)


def public_title(questionnaire: Questionnaire, assessment: Assessment) -> str:
    """The title, unless the questionnaire asks it in a private question."""
    question = questionnaire.start.get("title")
    if question and is_private(questionnaire, question):
        return f"Assessment {assessment.id}"
    return assessment.title


def _decision_kind(questionnaire: Questionnaire, assessment: Assessment) -> str | None:
    question_id = questionnaire.start.get("decision_kind")
    if not question_id:
        return assessment.decision_kind.replace("_", " ").capitalize()
    if is_private(questionnaire, question_id):
        return None
    choice = questionnaire.question(question_id).choice(assessment.decision_kind)
    if choice is None:
        return assessment.decision_kind
    other = (assessment.other_texts or {}).get(question_id)
    return other if choice.other and other else choice.label.get(assessment.language)


def _band(questionnaire: Questionnaire, level_id: str | None):
    level = questionnaire.scoring.level
    if level is None or level_id is None:
        return None
    return next((b for b in level.bands if b.id == level_id), None)


def entries(session: Session, registry: Any,
            found: Iterable[tuple[Assessment, Department]]) -> list[Entry]:
    return [entry(registry, session, a, d) for a, d in found]


# --- the list, its search and filters ---------------------------------------------------------


def choices(session: Session, questionnaires: list[Questionnaire], *,
            timezone: str = "UTC") -> dict[str, dict[str, str]]:
    """For each filter, value -> the words on its option: only departments, years and levels
    that something published has, so no choice leads to an empty list. Each comes from a
    grouped query over the register's index (a few dozen rows, however many are published);
    the departments' names from their own small table."""
    department_ids = set(session.exec(
        select(Assessment.department_id).where(*_published()).distinct()).all())
    levels = set(session.exec(
        select(Assessment.impact_level).where(*_published()).distinct()).all()) - {None}
    names = session.exec(select(Department.id, Department.name)).all()
    labels: dict[str, str] = {}
    for questionnaire in questionnaires:
        for band in questionnaire.scoring.level.bands if questionnaire.scoring.level else ():
            labels.setdefault(band.id, band.label.get())
    return {
        "department": {str(i): n for i, n in sorted(names, key=lambda r: r[1].lower())
                       if i in department_ids},
        "year": {str(y): str(y) for y in sorted(_years(session, timezone), reverse=True)},
        "level": {band: label for band, label in labels.items() if band in levels},
    }


def _years(session: Session, timezone: str) -> set[int]:
    """The years (in the city's time zone) in which something published was approved.

    Approvals are grouped by calendar month in UTC, each month giving its first and last
    approval: a month spans less than a year, so the local years of those two are exactly the
    local years of every approval in it."""
    approved = col(Assessment.approved_at)
    month = (func.substr(approved, 1, 7) if session.get_bind().dialect.name == "sqlite"
             else func.date_trunc("month", approved))
    found = session.exec(select(func.min(approved), func.max(approved))
                         .where(*_published(), approved.is_not(None)).group_by(month)).all()
    tz = ZoneInfo(timezone)
    return {_utc(stamp).astimezone(tz).year for pair in found for stamp in pair}


def search(session: Session, registry: Any, filters: Filters, *, page: int = 1,
           size: int = PAGE_SIZE, timezone: str = "UTC") -> Page[Entry]:
    """Page `page` of the published assessments matching `filters`, newest publication first.

    Words are looked for in the title and the public summary only (never in other answers,
    which may be private), each word somewhere, in the database (see `_contains` for case).
    """
    query = _base()
    if filters.department_id is not None:
        query = query.where(Assessment.department_id == filters.department_id)
    if filters.year is not None:
        tz = ZoneInfo(timezone)
        query = query.where(
            col(Assessment.approved_at) >= datetime(filters.year, 1, 1, tzinfo=tz),
            col(Assessment.approved_at) < datetime(filters.year + 1, 1, 1, tzinfo=tz))
    if filters.level is not None:
        query = query.where(Assessment.impact_level == filters.level)
    for term in filters.q.split():
        query = query.where(_mentions(session, registry, term))
    found = paged(session, _newest_first(query), page, size)
    return Page(items=entries(session, registry, found.items), number=found.number,
                size=found.size, total=found.total)


def _contains(text: Any, term: str) -> sa.ColumnElement[bool]:
    """`text` contains `term` in any case. Databases lower-case differently (SQLite and a
    PostgreSQL in the C locale only ASCII letters), so the term is tried as typed, ASCII
    letters lowered, and wholly lowered: each form matches on some database, none wrongly."""
    ascii_lower = "".join(c.lower() if c.isascii() else c for c in term)
    return sa.or_(text.contains(term, autoescape=True),
                  *(func.lower(text).contains(n, autoescape=True)
                    for n in dict.fromkeys((ascii_lower, term.lower()))))


def _mentions(session: Session, registry: Any, term: str) -> sa.ColumnElement[bool]:
    """The public title or public summary contains `term`."""
    table = Assessment.__table__.c
    titles, summaries = [], []
    versions = session.exec(select(Assessment.questionnaire_id, Assessment.questionnaire_version)
                            .where(*_published()).distinct()).all()
    for questionnaire_id, version in versions:
        questionnaire = registry.pinned(session, questionnaire_id, version)
        pinned = sa.and_(table.questionnaire_id == questionnaire_id,
                         table.questionnaire_version == version)
        if not (questionnaire.start.get("title")
                and is_private(questionnaire, questionnaire.start["title"])):
            titles.append(pinned)
        if questionnaire.public_summary:
            summary = table.answers[questionnaire.public_summary].as_string()
            summaries.append(sa.and_(pinned, _contains(summary, term)))
    title = sa.and_(sa.or_(sa.false(), *titles), _contains(table.title, term))
    return sa.or_(title, *summaries)


def _utc(stamp: datetime | str) -> datetime:
    # min() and max() lose the column's type on SQLite: the stored text comes back.
    if isinstance(stamp, str):
        stamp = datetime.fromisoformat(stamp)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def all_published(session: Session, registry: Any, *, limit: int | None = None) -> list[Entry]:
    """Every published assessment (or the newest `limit`), newest publication first."""
    query = _newest_first(_base())
    return entries(session, registry, session.exec(query.limit(limit) if limit else query))


# --- one assessment ---------------------------------------------------------------------------


def items(session: Session, questionnaire: Questionnaire, assessment_ids: Iterable[int]
          ) -> dict[int, list[Item]]:
    """The follow-up items of published assessments, by assessment, in questionnaire order,
    without items of private tables or values of private columns."""
    ids = list(assessment_ids)
    found = session.exec(select(FollowUpItem).where(col(FollowUpItem.assessment_id).in_(ids))
                         .order_by(col(FollowUpItem.id))).all() if ids else []
    order = {q.id: i for i, q in enumerate(questionnaire.questions())}
    by_assessment: dict[int, list[Item]] = {}
    for item in sorted(found, key=lambda i: (order.get(i.question_id, 0), i.position)):
        shown = _item(questionnaire, item)
        if shown is not None:
            by_assessment.setdefault(item.assessment_id, []).append(shown)
    return by_assessment


def _item(questionnaire: Questionnaire, item: FollowUpItem) -> Item | None:
    if is_private(questionnaire, item.question_id):
        return None
    question = questionnaire.question(item.question_id)
    tracks = question.tracks if question else None

    def shown(key: str, value):
        column = getattr(tracks, key, None) if tracks else None
        return None if private_column(question, column) else value

    return Item(id=item.id, kind=item.kind,
                title=shown("title", item.title) or f"Item {item.position}",
                owner=shown("owner", item.owner), due_on=shown("due", item.due_on),
                status=item.status, baseline=shown("baseline", item.baseline),
                target=shown("target", item.target),
                # progress reported against a private target would reveal it
                latest_value=shown("target", item.latest_value))


def follow_up(session: Session, registry: Any, assessment: Assessment) -> list[Item]:
    questionnaire = registry.pinned(session, assessment.questionnaire_id,
                                    assessment.questionnaire_version)
    return items(session, questionnaire, [assessment.id]).get(assessment.id, [])


def all_items(session: Session, registry: Any) -> dict[int, list[Item]]:
    """The follow-up items of every published assessment, by assessment id."""
    by_assessment: dict[int, list[Item]] = {}
    versions = session.exec(select(Assessment.questionnaire_id, Assessment.questionnaire_version)
                            .where(*_published()).distinct()).all()
    for questionnaire_id, version in versions:
        ids = session.exec(select(Assessment.id).where(
            *_published(), Assessment.questionnaire_id == questionnaire_id,
            Assessment.questionnaire_version == version)).all()
        by_assessment.update(items(session, registry.pinned(session, questionnaire_id, version),
                                   ids))
    return by_assessment


# --- when it last changed, for Last-Modified ---------------------------------------------------


def changed_at(session: Session) -> datetime | None:
    """When what the register shows last changed: a publication or withdrawal, any event of a
    published assessment (a reopening takes it off), or progress on its follow-up items."""
    events = session.exec(
        select(func.max(AssessmentEvent.at))
        .join(Assessment, col(Assessment.id) == col(AssessmentEvent.assessment_id))
        .where(sa.or_(col(AssessmentEvent.action).in_(ACTIONS),
                      col(Assessment.published_at).is_not(None)))).one()
    updates = session.exec(
        select(func.max(FollowUpUpdate.at))
        .join(FollowUpItem, col(FollowUpItem.id) == col(FollowUpUpdate.item_id))
        .join(Assessment, col(Assessment.id) == col(FollowUpItem.assessment_id))
        .where(*_published())).one()
    stamps = [_utc(s) for s in (events, updates) if s is not None]
    return max(stamps) if stamps else None
