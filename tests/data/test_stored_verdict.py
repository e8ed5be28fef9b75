"""The verdict kept for counting: the level and flags as the officer saw and approved them."""

from __future__ import annotations

from sqlmodel import select

from equity_tool.assessments.wizard import evaluated
from equity_tool.core.models import AssessmentFlag
from equity_tool.review import service as review
from equity_tool.review.workflow import Action


def stored(session, assessment):
    session.refresh(assessment)
    flags = session.exec(select(AssessmentFlag.flag_id).where(
        AssessmentFlag.assessment_id == assessment.id).order_by(AssessmentFlag.flag_id)).all()
    return assessment.impact_level, list(flags)


def test_a_draft_has_no_stored_verdict_until_it_is_submitted(session, people, answered, rapid):
    a = answered(people["staff"], rapid)
    assert evaluated(a, rapid).level is not None
    assert stored(session, a) == (None, [])


def test_submission_stores_the_verdict_and_a_resubmission_replaces_it(session, people, answered,
                                                                      act, rapid):
    a = answered(people["staff"], rapid)
    act(people["staff"], a, Action.SUBMIT)
    first = evaluated(a, rapid)
    assert stored(session, a) == (first.level.id, sorted(f.id for f in first.flags))
    act(people["officer"], a, Action.START_REVIEW)
    review.add_comment(session, user=people["officer"], assessment=a, questionnaire=rapid,
                       question_id="benefits_burdens", body="Are these burdens right?")
    act(people["officer"], a, Action.RETURN, note="Say how often it is used.")
    # On a second look the burdens are high and an existing gap is likely to grow.
    rows = [{**row, "burden": 3} for row in a.answers["benefits_burdens"]]
    a.answers = {**a.answers, "benefits_burdens": rows, "worsens_disparity": "yes"}
    session.add(a)
    session.commit()
    act(people["staff"], a, Action.SUBMIT)
    second = evaluated(a, rapid)
    assert (first.level.id, {f.id for f in first.flags}) != (
        second.level.id, {f.id for f in second.flags})
    assert stored(session, a) == (second.level.id, sorted(f.id for f in second.flags))
