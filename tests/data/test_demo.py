"""`flask demo`: users, and assessments in every state made through the real workflow."""

from __future__ import annotations

from sqlmodel import select

from equity_tool.core.models import Assessment, AssessmentEvent
from equity_tool.core.vocabulary import AssessmentState


def test_demo_makes_assessments_in_every_state(runner, session):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Added 9 demo assessments" in result.output
    made = session.exec(select(Assessment)).all()
    assert {a.state for a in made} == set(AssessmentState)
    approved = {a.questionnaire_id for a in made if a.state == "approved"}
    assert approved == {"rapid-equity-check", "racial-equity-impact-assessment"}
    # every state was reached through recorded transitions, not written directly
    for assessment in made:
        last = session.exec(select(AssessmentEvent).where(
            AssessmentEvent.assessment_id == assessment.id)
            .order_by(AssessmentEvent.id.desc())).first()
        assert last.to_state == assessment.state
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "demo assessments" not in again.output
    assert len(session.exec(select(Assessment)).all()) == 9
