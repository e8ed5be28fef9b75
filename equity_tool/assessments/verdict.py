"""The verdict kept with an assessment (impact level and raised flags) for counting.

Lists score each assessment live; the dashboard and reports count thousands of them, so each
submission and approval writes the verdict of that moment into columns the database can group.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from equity_tool.assessments.wizard import evaluated
from equity_tool.core.models import Assessment, AssessmentFlag
from equity_tool.questionnaire import Questionnaire


def record(session: Session, assessment: Assessment, questionnaire: Questionnaire) -> None:
    """Store the level and flags the assessment's answers give now (in the caller's commit)."""
    evaluation = evaluated(assessment, questionnaire)
    session.execute(sa.update(Assessment).where(Assessment.id == assessment.id).values(
        impact_level=evaluation.level.id if evaluation.level else None))
    session.execute(sa.delete(AssessmentFlag).where(
        AssessmentFlag.assessment_id == assessment.id))
    session.add_all(AssessmentFlag(assessment_id=assessment.id, flag_id=flag.id,
                                   severity=flag.severity) for flag in evaluation.flags)
