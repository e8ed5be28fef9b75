"""The annual report's figures: counts summed from the tallies (core.tallies), a few hundred
rows however many assessments the year holds, and lists that select only the columns the
report prints. The turnaround's median needs the day differences themselves: only those
leave the database.
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
    FollowUpItem,
    Submission,
    Tally,
)
from equity_tool.core.tallies import Tallied, tally
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


def _tallied(scope: Scope, *kinds: Tallied) -> list[sa.ColumnElement[bool]]:
    return [col(Tally.kind).in_([kind.value for kind in kinds]), col(Tally.year) == scope.year,
            *_in_department(scope, Tally.department_id)]


def completed_by_level(session: Session, scope: Scope) -> list[tuple[int, str, str | None, int]]:
    """(department id, questionnaire id, impact level id, assessments) completed in the year."""
    return [(department_id, questionnaire_id, level or None, int(count))
            for department_id, questionnaire_id, level, count in session.exec(
                tally(Tally.department_id, Tally.questionnaire_id, Tally.what)
                .where(*_tallied(scope, Tallied.COMPLETED))).all()]


DECISIONS = {Tallied.RETURNS: "returns", Tallied.RETURNED_IN_YEAR: "returned",
             Tallied.APPROVALS: "approvals", Tallied.FIRST_SUBMISSIONS: "first submissions"}


def decisions(session: Session, scope: Scope) -> dict[int, Counter]:
    """department id -> Counter of "returns", "returned" (assessments returned at least once
    in the year), "approvals" and "first submissions" that happened in the year."""
    counts: dict[int, Counter] = defaultdict(Counter)
    for department_id, kind, times in session.exec(
            tally(Tally.department_id, Tally.kind).where(*_tallied(scope, *DECISIONS))).all():
        counts[department_id][DECISIONS[Tallied(kind)]] = int(times)
    return counts


def flags(session: Session, scope: Scope) -> list[tuple[int, str, str, str, int]]:
    """(department id, questionnaire id, flag id, severity, assessments) for the flags raised
    on the assessments completed in the year (as of their approval)."""
    count = func.sum(Tally.count)
    return [(department_id, questionnaire_id, flag_id, severity, int(times))
            for department_id, questionnaire_id, flag_id, severity, times in session.exec(
                select(Tally.department_id, Tally.questionnaire_id, Tally.what,
                       func.max(Tally.detail), count)
                .where(*_tallied(scope, Tallied.COMPLETED_FLAG))
                .group_by(col(Tally.department_id), col(Tally.questionnaire_id),
                          col(Tally.what)).having(count != 0)).all()]


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
    "overdue", and "items" in all."""
    counts: dict[int, Counter] = defaultdict(Counter)
    before = scope.overdue_before
    found = session.exec(
        tally(Tally.department_id, Tally.detail, Tally.year, Tally.other_year)
        .where(col(Tally.kind) == Tallied.ITEM.value,
               sa.or_(col(Tally.year) == scope.year, col(Tally.other_year) == scope.year),
               *_in_department(scope, Tally.department_id))).all()
    for department_id, status, due_year, made_year, total in found:
        overdue = status in OPEN_STATUSES and 0 < due_year < before.year
        counts[department_id].update({status: total, "items": total,
                                      "made": total if made_year == scope.year else 0,
                                      "overdue": total if overdue else 0})
    if before.year == scope.year:  # the report's year is this year: due before today
        for department_id, overdue in _overdue_this_year(session, scope, before):
            counts[department_id]["overdue"] += overdue
    return counts


def _overdue_this_year(session: Session, scope: Scope, before: date) -> list[tuple[int, int]]:
    """(department id, open items due this year before `before`): months gone by from the
    tallies, this month's days from the index on due dates."""
    month = f"{before.month:02d}"
    months = session.exec(
        tally(Tally.department_id)
        .where(*_tallied(scope, Tallied.DUE_MONTH), col(Tally.what) < month,
               col(Tally.detail).in_(OPEN_STATUSES))).all()
    days = session.exec(
        select(FollowUpItem.department_id, func.count())
        .where(col(FollowUpItem.due_on) >= before.replace(day=1),
               col(FollowUpItem.due_on) < before, col(FollowUpItem.status).in_(OPEN_STATUSES),
               *_in_department(scope, FollowUpItem.department_id))
        .group_by(col(FollowUpItem.department_id))).all()
    return [(d, int(n)) for d, n in (*months, *days)]


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
