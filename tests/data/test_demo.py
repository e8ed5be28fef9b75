"""`flask demo`: users, and assessments in every state made through the real workflow."""

from __future__ import annotations

import pytest
from sqlmodel import select

from equity_tool import demo
from equity_tool.core.models import Assessment, AssessmentEvent, ReviewComment
from equity_tool.core.vocabulary import AssessmentState
from equity_tool.questionnaire import evaluate
from equity_tool.questionnaire.answersfile import read_answers
from equity_tool.review import service as review
from tests import factories


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


# --- the demo's answers: one file per assessment, about its decision ------------------------

COMPLETE = [d for d in demo.PLAN if d.actions]  # all but the draft, which is partly answered
SUBJECTS = {  # a word of each title that its decision summary must use
    "Summer hours at branch libraries": "librar",
    "Eastside bus rapid transit line": "bus rapid transit",
    "Sidewalk repair priorities": "sidewalk",
    "Parking meter hours downtown": "parking meter",
    "Snow route changes": "snow",
    "Bike share station siting": "bike share",
    "Crosswalk timing near schools": "crosswalk",
    "Fare-free weekend pilot": "fare",
    "Street tree planting plan": "tree",
}
STATES = {
    "Summer hours at branch libraries": "approved",
    "Eastside bus rapid transit line": "approved",
    "Sidewalk repair priorities": "awaiting sign-off",
    "Parking meter hours downtown": "submitted",
    "Snow route changes": "in review",
    "Bike share station siting": "returned",
    "Crosswalk timing near schools": "resubmitted",
    "Fare-free weekend pilot": "withdrawn",
    "Street tree planting plan": "draft",
}


FILES = [pytest.param(d, name, id=name) for d in demo.PLAN
         for name in (d.answers, d.first_round) if name]


@pytest.mark.parametrize(("plan", "name"), FILES)
def test_each_demo_answers_file_loads_without_problems(plan, name):
    questionnaire = factories.load_questionnaire(plan.questionnaire)
    path = demo.DEMO_ANSWERS / name
    assert path.read_text(encoding="utf-8").startswith(f'# Demo answers for "{plan.title}"')
    answers, problems = read_answers(questionnaire, path.read_text(encoding="utf-8"), str(path))
    assert problems == [] and answers


@pytest.mark.parametrize("plan", COMPLETE, ids=lambda d: d.title)
def test_complete_demo_answers_have_nothing_missing_or_invalid(plan):
    questionnaire = factories.load_questionnaire(plan.questionnaire)
    result = evaluate(questionnaire, demo.demo_answers(questionnaire, plan))
    assert (result.missing, result.invalid) == ([], {})


def test_each_demo_assessment_is_about_its_own_decision(runner, session):
    assert runner.invoke(args=["demo"]).exit_code == 0
    made = {a.title: a for a in session.exec(select(Assessment)).all()}
    assert set(made) == set(SUBJECTS) == {d.title for d in demo.PLAN}
    for title, assessment in made.items():
        assert assessment.state == STATES[title]
        assert SUBJECTS[title] in assessment.answers["decision_summary"].lower(), title
        text = str(assessment.answers).lower()
        assert "swim" not in text and "pool" not in text, title
    draft = made["Street tree planting plan"].answers
    assert 3 <= len(draft) < 8  # partly answered


def test_the_returned_one_lacks_the_districts_and_the_resubmitted_one_names_them(
        runner, session):
    assert runner.invoke(args=["demo"]).exit_code == 0
    by_title = {a.title: a for a in session.exec(select(Assessment)).all()}
    returned, resubmitted = by_title["Bike share station siting"], by_title[
        "Crosswalk timing near schools"]
    assert "district" not in returned.answers["places"].lower()
    assert "Districts 2, 3, 4 and 5" in resubmitted.answers["places"]
    rapid = factories.load_questionnaire(demo.RAPID)
    changed = review.changes_since_last_round(session, resubmitted, rapid)
    assert [c.question_id for c in changed] == ["places", "missing_voices"]
    comment = session.exec(select(ReviewComment).where(
        ReviewComment.assessment_id == resubmitted.id)).one()
    assert comment.question_id == "places" and comment.addressed_at is not None


def test_each_approval_has_conditions_that_fit_it(runner, session):
    assert runner.invoke(args=["demo"]).exit_code == 0
    approved = session.exec(select(Assessment).where(Assessment.state == "approved")).all()
    conditions = {a.title: a.conditions for a in approved}
    assert "summer" in conditions["Summer hours at branch libraries"]
    assert "housing stability fund" in conditions["Eastside bus rapid transit line"]
