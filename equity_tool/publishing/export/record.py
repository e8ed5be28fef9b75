"""The review record of one assessment, read from the database as plain values for an export.

People are named, not numbered: the record holds names so that the context builder needs no
session and a template never sees a database object.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from equity_tool.core.models import (
    Assessment,
    AssessmentEvent,
    CommentReply,
    ReviewComment,
    SectionVerdict,
    User,
)


@dataclass(frozen=True)
class Transition:
    at: datetime
    who: str
    action: str  # past tense: "submitted", "approved", ...
    from_state: str | None
    to_state: str
    note: str | None


@dataclass(frozen=True)
class Reply:
    at: datetime
    who: str
    body: str


@dataclass(frozen=True)
class Comment:
    at: datetime
    who: str
    body: str
    round: int
    question_id: str | None  # None: on the whole assessment
    addressed_at: datetime | None
    addressed_by: str | None
    replies: tuple[Reply, ...]


@dataclass(frozen=True)
class Verdict:
    at: datetime
    who: str
    round: int
    section_id: str
    verdict: str  # "acceptable" or "needs changes"


@dataclass(frozen=True)
class ReviewRecord:
    transitions: tuple[Transition, ...] = ()
    comments: tuple[Comment, ...] = ()
    verdicts: tuple[Verdict, ...] = ()


def load_review_record(session: Session, assessment: Assessment) -> ReviewRecord:
    """Every transition, comment (with replies) and step verdict, oldest first."""
    events = session.exec(select(AssessmentEvent).where(
        AssessmentEvent.assessment_id == assessment.id).order_by(col(AssessmentEvent.id))).all()
    comments = session.exec(select(ReviewComment).where(
        ReviewComment.assessment_id == assessment.id).order_by(col(ReviewComment.id))).all()
    replies = session.exec(select(CommentReply).where(
        col(CommentReply.comment_id).in_([c.id for c in comments])
    ).order_by(col(CommentReply.id))).all() if comments else []
    verdicts = session.exec(select(SectionVerdict).where(
        SectionVerdict.assessment_id == assessment.id
    ).order_by(col(SectionVerdict.round), col(SectionVerdict.id))).all()
    user_ids = ({e.user_id for e in events} | {c.author_id for c in comments}
                | {c.addressed_by_id for c in comments if c.addressed_by_id}
                | {r.author_id for r in replies} | {v.officer_id for v in verdicts})
    names = {u.id: u.name for u in session.exec(
        select(User).where(col(User.id).in_(user_ids)))} if user_ids else {}
    by_comment: dict[int, list[Reply]] = {}
    for reply in replies:
        by_comment.setdefault(reply.comment_id, []).append(
            Reply(reply.at, names.get(reply.author_id, ""), reply.body))
    return ReviewRecord(
        transitions=tuple(
            Transition(e.at, names.get(e.user_id, ""), e.action,
                       e.from_state.value if e.from_state else None, e.to_state.value, e.note)
            for e in events),
        comments=tuple(
            Comment(c.at, names.get(c.author_id, ""), c.body, c.round, c.question_id,
                    c.addressed_at, names.get(c.addressed_by_id) if c.addressed_by_id else None,
                    tuple(by_comment.get(c.id, ())))
            for c in comments),
        verdicts=tuple(
            Verdict(v.at, names.get(v.officer_id, ""), v.round, v.section_id, v.verdict)
            for v in verdicts),
    )
