"""What a database upgraded from before follow-up lacks, made from what it holds.

Assessments submitted or approved before the verdict was kept for counting have no stored
level or flags, and those approved before follow-up existed have no items. Their answers have
not changed since (they wait for the officer or are approved), so both are made now exactly
as the submission or approval would have made them. `flask db upgrade` runs this; running it
again finds nothing left to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from equity_tool.assessments import verdict
from equity_tool.core import tallies
from equity_tool.core.exceptions import NotFound
from equity_tool.core.models import Assessment, AssessmentFlag, FollowUpItem
from equity_tool.core.vocabulary import AWAITING_REVIEW
from equity_tool.core.vocabulary import AssessmentState as State
from equity_tool.followup import service as followup


@dataclass(frozen=True)
class CaughtUp:
    verdicts: int
    approvals: int  # approved assessments whose follow-up was made


def catch_up(session: Session, registry: Any) -> CaughtUp:
    verdicts = approvals = 0
    changed: set[int] = set()
    for assessment in _without_verdict(session):
        if (questionnaire := _pinned(session, registry, assessment)) is not None:
            verdict.record(session, assessment, questionnaire)
            verdicts += 1
            changed.add(assessment.id)
    # Only questionnaires with tracked tables make items: the others' approvals are not read.
    tracking = [q.id for q in registry.all_offered() if q.tracked_questions()]
    for assessment in _approved_without_follow_up(session, tracking):
        questionnaire = _pinned(session, registry, assessment)
        if questionnaire is not None and questionnaire.tracked_questions():
            followup.on_approved(session, assessment, questionnaire, assessment.approved_at)
            approvals += 1
            changed.add(assessment.id)
    tallies.refresh(session, *changed)
    session.commit()
    return CaughtUp(verdicts, approvals)


def _without_verdict(session: Session) -> list[Assessment]:
    kept = [s.value for s in (*AWAITING_REVIEW, State.APPROVED)]
    flagged = sa.exists().where(col(AssessmentFlag.assessment_id) == col(Assessment.id))
    return list(session.exec(select(Assessment).where(
        col(Assessment.state).in_(kept), col(Assessment.impact_level).is_(None), ~flagged)))


def _approved_without_follow_up(session: Session,
                                questionnaire_ids: list[str]) -> list[Assessment]:
    has_items = sa.exists().where(col(FollowUpItem.assessment_id) == col(Assessment.id))
    return list(session.exec(select(Assessment).where(
        Assessment.state == State.APPROVED, col(Assessment.approved_at).is_not(None),
        col(Assessment.questionnaire_id).in_(questionnaire_ids),
        col(Assessment.next_review_on).is_(None), ~has_items)))


def _pinned(session: Session, registry: Any, assessment: Assessment):
    try:
        return registry.pinned(session, assessment.questionnaire_id,
                               assessment.questionnaire_version)
    except NotFound:  # its version cannot be read: left as it is, as every list does
        return None
