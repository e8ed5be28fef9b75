"""Read-only lists for the review pages: the officer's queue (with its filters and counts) and
an assessment's history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from equity_tool.assessments.lists import (
    Row,
    departments,
    level_choices,
    questionnaire_titles,
    with_levels,
)
from equity_tool.core.models import (
    AnswerChange,
    Assessment,
    AssessmentEvent,
    CommentReply,
    Department,
    ReviewComment,
    User,
    utcnow,
)
from equity_tool.core.paging import PAGE_SIZE, Page, paged
from equity_tool.core.vocabulary import AWAITING_REVIEW
from equity_tool.core.vocabulary import AssessmentState as State
from equity_tool.review.workflow import DONE, Action


def awaiting_review(*, department_id: int | None = None,
                    questionnaire_id: str | None = None, waited_days: int | None = None,
                    level: str | None = None, now: datetime | None = None) -> list[Any]:
    """The conditions of everything waiting for the equity officer. `level` is the impact
    level stored at its last submission."""
    where = [col(Assessment.state).in_([s.value for s in AWAITING_REVIEW])]
    if department_id is not None:
        where.append(Assessment.department_id == department_id)
    if questionnaire_id is not None:
        where.append(Assessment.questionnaire_id == questionnaire_id)
    if waited_days is not None:
        since = (now or utcnow()) - timedelta(days=waited_days)
        where.append(col(Assessment.submitted_at) <= since)
    if level is not None:
        where.append(Assessment.impact_level == level)
    return where


@dataclass(frozen=True)
class Entry:
    """One line of an assessment's history: a transition or a saved answer change."""

    at: datetime
    who: str
    event: AssessmentEvent | None = None
    change: AnswerChange | None = None


def history(session: Session, assessment: Assessment) -> list[Entry]:
    """Every transition and every saved answer change, newest first."""
    events = session.exec(select(AssessmentEvent).where(
        AssessmentEvent.assessment_id == assessment.id)).all()
    changes = session.exec(select(AnswerChange).where(
        AnswerChange.assessment_id == assessment.id)).all()
    ids = {row.user_id for row in [*events, *changes]}
    names = {u.id: u.name for u in session.exec(select(User).where(col(User.id).in_(ids)))}
    entries = [(e.at, 1, e.id, Entry(e.at, names.get(e.user_id, "?"), event=e)) for e in events]
    entries += [(c.at, 0, c.id, Entry(c.at, names.get(c.user_id, "?"), change=c))
                for c in changes]
    # At the same instant a transition is listed above the changes it followed.
    return [entry for *_, entry in sorted(entries, key=lambda t: t[:3], reverse=True)]


def latest_event(session: Session, assessment: Assessment, action: str) -> Entry | None:
    """The newest transition named `action` ("returned", "signed off"), with who took it."""
    found = session.exec(
        select(AssessmentEvent, User)
        .join(User, col(AssessmentEvent.user_id) == col(User.id))
        .where(AssessmentEvent.assessment_id == assessment.id, AssessmentEvent.action == action)
        .order_by(col(AssessmentEvent.at).desc(), col(AssessmentEvent.id).desc())).first()
    if found is None:
        return None
    event, user = found
    return Entry(event.at, user.name, event=event)


# --- the officer's queue ---------------------------------------------------------------------

QUEUE_STATES = (State.SUBMITTED, State.RESUBMITTED, State.IN_REVIEW)
WAITING = {"7": "More than 7 days", "14": "More than 14 days", "30": "More than 30 days"}


@dataclass(frozen=True)
class QueueRow(Row):
    waited_days: int = 0


@dataclass(frozen=True)
class Queue:
    page: Page[QueueRow]
    counts: list[tuple[State, int]]  # per state, as if only the other filters were chosen

    @property
    def rows(self) -> list[QueueRow]:
        return self.page.items


def queue_choices(session: Session, registry: Any) -> dict[str, dict[str, str]]:
    """For each filter of the queue, value -> the words on its option."""
    return {
        "department": {str(d.id): d.name for d in departments(session)},
        "questionnaire": questionnaire_titles(session),
        "level": level_choices(registry.all_offered()),
        "state": {state.value: state.value.capitalize() for state in QUEUE_STATES},
        "waiting": WAITING,
    }


def queue(session: Session, registry: Any, chosen: dict[str, str], *, page: int = 1,
          size: int = PAGE_SIZE) -> Queue:
    """Page `page` of what waits for the officer, longest first, filtered by `chosen` (checked
    values); only that page's assessments are scored. The level filter reads the level stored
    at submission: the answers cannot change while an assessment waits for review."""
    now = utcnow()
    where = awaiting_review(
        department_id=int(chosen["department"]) if "department" in chosen else None,
        questionnaire_id=chosen.get("questionnaire"),
        waited_days=int(chosen["waiting"]) if "waiting" in chosen else None,
        level=chosen.get("level"),
        now=now,
    )
    # Counted without the department: the state index alone can answer.
    counts = dict(session.exec(select(Assessment.state, func.count()).where(*where)
                               .group_by(Assessment.state)).all())
    if "state" in chosen:
        where.append(Assessment.state == chosen["state"])
    waiting = (select(Assessment, Department).join(Department).where(*where)
               .order_by(col(Assessment.submitted_at), col(Assessment.id)))
    found = paged(session, waiting, page, size)
    rows = [QueueRow(row.assessment, row.department, row.questionnaire, row.evaluation,
                     waited_days=_days_since(row.assessment.submitted_at, now))
            for row in with_levels(session, registry, found.items)]
    return Queue(replace(found, items=rows),
                 [(state, counts.get(state, 0)) for state in QUEUE_STATES])


def _days_since(when: datetime | None, now: datetime) -> int:
    return (now - when).days if when else 0


# --- comments and replies --------------------------------------------------------------------


@dataclass(frozen=True)
class Discussion:
    """The officer's comments on an assessment (every round, in order) and the replies."""

    comments: list[ReviewComment]
    replies: dict[int, list[CommentReply]]  # comment id -> replies, oldest first
    names: dict[int, str]  # user id -> name, for everyone who wrote or addressed one

    def by_question(self) -> dict[str | None, list[ReviewComment]]:
        found: dict[str | None, list[ReviewComment]] = defaultdict(list)
        for comment in self.comments:
            found[comment.question_id].append(comment)
        return found


def discussion(session: Session, assessment: Assessment) -> Discussion:
    comments = list(session.exec(select(ReviewComment).where(
        ReviewComment.assessment_id == assessment.id).order_by(col(ReviewComment.id))).all())
    replies: dict[int, list[CommentReply]] = {c.id: [] for c in comments}
    if comments:
        for reply in session.exec(select(CommentReply).where(
                col(CommentReply.comment_id).in_(replies)).order_by(col(CommentReply.id))):
            replies[reply.comment_id].append(reply)
    ids = {c.author_id for c in comments} | {c.addressed_by_id for c in comments}
    ids |= {r.author_id for thread in replies.values() for r in thread}
    found = session.exec(select(User).where(col(User.id).in_(ids - {None})))
    return Discussion(comments, replies, {user.id: user.name for user in found})


# --- recent decisions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    event: AssessmentEvent
    assessment: Assessment
    department: Department
    by: str


def recent_decisions(session: Session, *, limit: int = 10) -> list[Decision]:
    """The officer's latest returns and approvals, newest first."""
    rows = session.exec(
        select(AssessmentEvent, Assessment, Department, User)
        .join(Assessment, col(AssessmentEvent.assessment_id) == col(Assessment.id))
        .join(Department, col(Assessment.department_id) == col(Department.id))
        .join(User, col(AssessmentEvent.user_id) == col(User.id))
        .where(col(AssessmentEvent.action).in_([DONE[Action.RETURN], DONE[Action.APPROVE]]))
        .order_by(col(AssessmentEvent.at).desc(), col(AssessmentEvent.id).desc())
        .limit(limit))
    return [Decision(event, assessment, department, user.name)
            for event, assessment, department, user in rows]
