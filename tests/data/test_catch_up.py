"""An upgraded database gets what its older assessments lack: kept verdicts and follow-up."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from equity_tool.core.models import Assessment, AssessmentFlag, FollowUpItem, FollowUpUpdate


def forget(session, assessment):
    """The assessment as a database from before migration 0005 holds it."""
    items = select(FollowUpItem.id).where(FollowUpItem.assessment_id == assessment.id)
    session.execute(sa.delete(FollowUpUpdate).where(FollowUpUpdate.item_id.in_(items)))
    session.execute(sa.delete(FollowUpItem).where(FollowUpItem.assessment_id == assessment.id))
    session.execute(sa.delete(AssessmentFlag).where(
        AssessmentFlag.assessment_id == assessment.id))
    session.execute(sa.update(Assessment).where(Assessment.id == assessment.id)
                    .values(impact_level=None, next_review_on=None))
    session.commit()


def kept(session, assessment):
    session.refresh(assessment)
    flags = sorted(session.exec(select(AssessmentFlag.flag_id).where(
        AssessmentFlag.assessment_id == assessment.id)).all())
    items = session.exec(select(FollowUpItem.question_id, FollowUpItem.position, FollowUpItem.title)
                         .where(FollowUpItem.assessment_id == assessment.id)
                         .order_by(FollowUpItem.question_id, FollowUpItem.position)).all()
    return assessment.impact_level, flags, assessment.next_review_on, list(items)


def test_db_upgrade_makes_what_older_assessments_lack_once(app, session, people, answered,
                                                           bring_to, full, rapid):
    approved = bring_to(answered(people["staff"], full, title="Eastside line"), "approved")
    waiting = bring_to(answered(people["staff"], rapid, title="Snow routes"), "submitted")
    draft = answered(people["staff"], rapid, title="Bike share")
    made = {a.id: kept(session, a) for a in (approved, waiting, draft)}
    assert made[approved.id][3] and made[waiting.id][0]  # items and a level to lose
    for assessment in (approved, waiting):
        forget(session, assessment)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Kept the verdict of 2 assessment(s) and made the follow-up of 1" in result.output
    assert {a.id: kept(session, a) for a in (approved, waiting, draft)} == made
    assert made[draft.id] == (None, [], None, [])  # a draft keeps no verdict
    again = runner.invoke(args=["db", "upgrade"])
    assert again.exit_code == 0 and "Kept" not in again.output
