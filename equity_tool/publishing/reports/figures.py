"""The annual report's figures, each counted by the database in one grouped query per kind of
figure (GROUP BY department and what is counted), never by loading assessments to count them.

Lists (the approved assessments, the items) select only the columns the report prints. The
turnaround's median needs the day differences themselves: only those leave the database.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from equity_tool.core.models import (
    Assessment,
    AssessmentEvent,
    AssessmentFlag,
    FollowUpItem,
    Submission,
)
from equity_tool.core.vocabulary import (
    CLOSED_ITEM_STATUSES,
    AssessmentState,
    ItemKind,
    ItemStatus,
)
from equity_tool.publishing.reports.scope import Scope

OPEN_STATUSES = [s.value for s in ItemStatus if s not in CLOSED_ITEM_STATUSES]


@dataclass(frozen=True)
class Approved:
    """One assessment completed (approved) in the year."""

    id: int
    department_id: int
    title: str
    decision_kind: str
    questionnaire_id: str
    impact_level: str | None
    first_submitted_at: datetime | None
    approved_at: datetime
    returns: int  # times it was returned, ever

    @property
    def turnaround_days(self) -> float | None:
        if self.first_submitted_at is None:
            return None
        return (self.approved_at - self.first_submitted_at).total_seconds() / 86400


@dataclass(frozen=True)
class Item:
    """One follow-up item of the year."""

    id: int
    assessment_id: int
    assessment_title: str
    department_id: int
    kind: ItemKind
    title: str
    status: ItemStatus
    due_on: date | None
    baseline: str | None
    target: str | None
    latest_value: str | None
    latest_value_on: date | None
    created_at: datetime
    overdue: bool


def _in_department(scope: Scope, column) -> list[sa.ColumnElement[bool]]:
    return [] if scope.department_id is None else [col(column) == scope.department_id]


def _completed(scope: Scope) -> list[sa.ColumnElement[bool]]:
    return [Assessment.state == AssessmentState.APPROVED, *scope.within(Assessment.approved_at),
            *_in_department(scope, Assessment.department_id)]


def completed_by_level(session: Session, scope: Scope) -> list[tuple[int, str, str | None, int]]:
    """(department id, questionnaire id, impact level id, assessments) completed in the year."""
    return [tuple(row) for row in session.exec(
        select(Assessment.department_id, Assessment.questionnaire_id, Assessment.impact_level,
               func.count())
        .where(*_completed(scope))
        .group_by(col(Assessment.department_id), col(Assessment.questionnaire_id),
                  col(Assessment.impact_level))).all()]


def decisions(session: Session, scope: Scope) -> dict[int, Counter]:
    """department id -> Counter of "returns", "returned" (assessments returned at least once
    in the year), "approvals" and "first submissions" that happened in the year."""
    counts: dict[int, Counter] = defaultdict(Counter)
    found = session.exec(
        select(Assessment.department_id, AssessmentEvent.to_state, func.count(),
               func.count(sa.distinct(AssessmentEvent.assessment_id)))
        .select_from(AssessmentEvent)
        .join(Assessment, col(Assessment.id) == col(AssessmentEvent.assessment_id))
        .where(col(AssessmentEvent.to_state).in_([AssessmentState.RETURNED.value,
                                                  AssessmentState.APPROVED.value]),
               # A step that changes no state (publishing, withdrawing) is no decision.
               col(AssessmentEvent.from_state) != col(AssessmentEvent.to_state),
               *scope.within(AssessmentEvent.at),
               *_in_department(scope, Assessment.department_id))
        .group_by(col(Assessment.department_id), col(AssessmentEvent.to_state))).all()
    for department_id, state, times, assessments in found:
        if AssessmentState(state) == AssessmentState.RETURNED:
            counts[department_id].update(returns=times, returned=assessments)
        else:
            counts[department_id].update(approvals=times)
    submitted = session.exec(
        select(Assessment.department_id, func.count())
        .select_from(Submission)
        .join(Assessment, col(Assessment.id) == col(Submission.assessment_id))
        .where(Submission.round == 1, *scope.within(Submission.at),
               *_in_department(scope, Assessment.department_id))
        .group_by(col(Assessment.department_id))).all()
    for department_id, times in submitted:
        counts[department_id]["first submissions"] = times
    return counts


def flags(session: Session, scope: Scope) -> list[tuple[int, str, str, str, int]]:
    """(department id, questionnaire id, flag id, severity, assessments) for the flags raised
    on the assessments completed in the year (as of their approval)."""
    return [tuple(row) for row in session.exec(
        select(Assessment.department_id, Assessment.questionnaire_id, AssessmentFlag.flag_id,
               func.max(AssessmentFlag.severity), func.count())
        .select_from(AssessmentFlag)
        .join(Assessment, col(Assessment.id) == col(AssessmentFlag.assessment_id))
        .where(*_completed(scope))
        .group_by(col(Assessment.department_id), col(Assessment.questionnaire_id),
                  col(AssessmentFlag.flag_id))).all()]


def approved(session: Session, scope: Scope) -> list[Approved]:
    """The assessments completed in the year, by department then approval, with their first
    submission and how often they were returned (two grouped subqueries, joined)."""
    first = (select(Submission.assessment_id, Submission.at.label("at"))  # type: ignore[attr-defined]
             .where(Submission.round == 1).subquery())
    returns = (select(AssessmentEvent.assessment_id, func.count().label("times"))
               .where(AssessmentEvent.to_state == AssessmentState.RETURNED)
               .group_by(col(AssessmentEvent.assessment_id)).subquery())
    found = session.exec(
        select(Assessment.id, Assessment.department_id, Assessment.title,
               Assessment.decision_kind, Assessment.questionnaire_id, Assessment.impact_level,
               first.c.at, Assessment.approved_at, func.coalesce(returns.c.times, 0))
        .outerjoin(first, first.c.assessment_id == col(Assessment.id))
        .outerjoin(returns, returns.c.assessment_id == col(Assessment.id))
        .where(*_completed(scope))
        .order_by(col(Assessment.department_id), col(Assessment.approved_at),
                  col(Assessment.id))).all()
    return [Approved(*row[:6], _aware(row[6]), _aware(row[7]), int(row[8])) for row in found]


def _aware(stamp: datetime | None) -> datetime | None:
    # A subquery's column comes back without the model's UTC type decorator on SQLite.
    if stamp is None or stamp.tzinfo is not None:
        return stamp
    return stamp.replace(tzinfo=UTC)


def _items_of_year(scope: Scope) -> list[sa.ColumnElement[bool]]:
    due = col(FollowUpItem.due_on)
    return [sa.or_(sa.and_(due >= date(scope.year, 1, 1), due < date(scope.year + 1, 1, 1)),
                   sa.and_(*scope.within(FollowUpItem.created_at))),
            *_in_department(scope, FollowUpItem.department_id)]


def _overdue(scope: Scope) -> sa.ColumnElement[bool]:
    return sa.and_(col(FollowUpItem.due_on) < scope.overdue_before,
                   col(FollowUpItem.status).in_(OPEN_STATUSES))


def item_counts(session: Session, scope: Scope) -> dict[int, Counter]:
    """department id -> Counter of items of the year: by status value, "made" in the year,
    "overdue", and "items" in all.

    Counted in two parts that share no item (due in the year; made in the year but due
    another year or never), each read from an index alone, where one OR of both would look
    up every item's row."""
    due = col(FollowUpItem.due_on)
    due_then = sa.and_(due >= date(scope.year, 1, 1), due < date(scope.year + 1, 1, 1))
    made = sa.and_(*scope.within(FollowUpItem.created_at))
    counts: dict[int, Counter] = defaultdict(Counter)
    for part in (due_then, sa.and_(made, sa.or_(due.is_(None), sa.not_(due_then)))):
        found = session.exec(
            select(FollowUpItem.department_id, FollowUpItem.status, func.count(),
                   func.coalesce(func.sum(sa.case((made, 1), else_=0)), 0),
                   func.coalesce(func.sum(sa.case((_overdue(scope), 1), else_=0)), 0))
            .where(part, *_in_department(scope, FollowUpItem.department_id))
            .group_by(col(FollowUpItem.department_id), col(FollowUpItem.status))).all()
        for department_id, status, total, made_then, overdue in found:
            counts[department_id].update({ItemStatus(status).value: total, "items": total,
                                          "made": int(made_then), "overdue": int(overdue)})
    return counts


def items(session: Session, scope: Scope, *, measures_only: bool = False) -> list[Item]:
    """The items of the year (only measures, not dropped, when `measures_only`), by
    department, due date and id."""
    where = _items_of_year(scope)
    if measures_only:
        where += [FollowUpItem.kind == ItemKind.MEASURE,
                  col(FollowUpItem.status) != ItemStatus.DROPPED.value]
    found = session.exec(
        select(FollowUpItem.id, FollowUpItem.assessment_id, Assessment.title,
               FollowUpItem.department_id, FollowUpItem.kind, FollowUpItem.title,
               FollowUpItem.status, FollowUpItem.due_on, FollowUpItem.baseline,
               FollowUpItem.target, FollowUpItem.latest_value, FollowUpItem.latest_value_on,
               FollowUpItem.created_at, _overdue(scope))
        .select_from(FollowUpItem)
        .join(Assessment, col(Assessment.id) == col(FollowUpItem.assessment_id))
        .where(*where)
        .order_by(col(FollowUpItem.department_id), col(FollowUpItem.due_on),
                  col(FollowUpItem.id))).all()
    return [Item(*row[:4], ItemKind(row[4]), row[5], ItemStatus(row[6]), *row[7:13],
                 bool(row[13])) for row in found]


def sum_counters(counters: Any) -> Counter:
    total: Counter = Counter()
    for counter in counters:
        total.update(counter)
    return total
