"""Read-only lists for the review pages: the officer's queue and an assessment's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from equity_tool.core.models import (
    AnswerChange,
    Assessment,
    AssessmentEvent,
    Department,
    QuestionnaireVersion,
    User,
    utcnow,
)
from equity_tool.core.vocabulary import AWAITING_REVIEW


def awaiting_review(session: Session, *, department_id: int | None = None,
                    questionnaire_id: str | None = None, waited_days: int | None = None,
                    now: datetime | None = None) -> list[tuple[Assessment, Department]]:
    """Everything waiting for the equity officer, longest waiting first."""
    query = (select(Assessment, Department).join(Department)
             .where(col(Assessment.state).in_([s.value for s in AWAITING_REVIEW])))
    if department_id is not None:
        query = query.where(Assessment.department_id == department_id)
    if questionnaire_id is not None:
        query = query.where(Assessment.questionnaire_id == questionnaire_id)
    if waited_days is not None:
        since = (now or utcnow()) - timedelta(days=waited_days)
        query = query.where(col(Assessment.submitted_at) <= since)
    query = query.order_by(col(Assessment.submitted_at), col(Assessment.id))
    return list(session.exec(query).all())


def departments(session: Session) -> list[Department]:
    return list(session.exec(select(Department).order_by(col(Department.name))).all())


def questionnaire_titles(session: Session) -> dict[str, str]:
    """Questionnaire id -> the title of its newest stored version, by title."""
    titles = {v.questionnaire_id: v.title for v in session.exec(
        select(QuestionnaireVersion).order_by(col(QuestionnaireVersion.id)))}
    return dict(sorted(titles.items(), key=lambda item: item[1].lower()))


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
