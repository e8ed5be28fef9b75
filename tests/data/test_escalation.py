"""Escalation, on both databases: a rapid check whose flag asks for the full assessment starts
it pre-filled and linked, once."""

from __future__ import annotations

import pytest
from sqlmodel import select

from equity_tool.assessments import escalation
from equity_tool.assessments.service import BadStart, StartRequest
from equity_tool.assessments.versions import store_version
from equity_tool.core.exceptions import PermissionDenied
from equity_tool.core.models import Assessment, AssessmentEvent
from equity_tool.questionnaire import is_unanswered
from tests import factories

CARRIED = {"title", "decision_summary", "estimated_cost", "changes_ordinance", "groups",
           "places", "benefits_burdens", "missing_voices", "unintended_consequences"}
REQUEST = StartRequest(title="Fifth Street drop-off: full assessment",
                       decision_kind="capital_project")


@pytest.fixture
def check(session, people, answered, rapid, full):
    """A rapid check whose answers raise the flag that asks for the full assessment."""
    store_version(session, full)
    session.commit()
    return answered(people["staff"], answers=factories.example_answers(rapid, example="escalates"),
                    title="Closing the Fifth Street drop-off")


def escalate(session, user, check, rapid, full, request=REQUEST):
    return escalation.escalate(session, user=user, rapid=check, rapid_questionnaire=rapid,
                               target=full, request=request)


def test_the_full_assessment_starts_with_every_answer_that_carries_over(
        session, people, check, rapid, full):
    started = escalate(session, people["coauthor"], check, rapid, full)
    assert started.questionnaire_id == full.id and started.state == "draft"
    assert started.escalated_from_id == check.id
    assert started.department_id == check.department_id
    assert started.created_by_id == people["coauthor"].id
    for question_id in CARRIED - {"title"}:
        assert started.answers[question_id] == check.answers[question_id], question_id
    # The start page's answers win over the rapid check's for the questions it asks.
    assert started.answers["title"] == started.title == REQUEST.title
    assert started.answers["decision_kind"] == "capital_project"


def test_what_the_full_assessment_does_not_ask_is_listed_not_dropped(
        session, people, check, rapid, full):
    started = escalate(session, people["staff"], check, rapid, full)
    assert set(started.left_behind) == {"worsens_disparity", "disparity_evidence",
                                        "engagement_summary"}
    assert started.left_behind["worsens_disparity"] == {
        "label": "Could the decision make an existing gap between groups worse, or leave it "
                 "unaddressed?",
        "value": "Don't know", "reason": "Not asked in “Racial equity impact assessment”",
        "version": "2026.2", "from": "the rapid check “Closing the Fifth Street drop-off”"}
    for question_id, answer in check.answers.items():
        if not is_unanswered(answer):
            assert question_id in started.answers or question_id in started.left_behind


def test_both_histories_record_the_escalation(session, people, check, rapid, full):
    started = escalate(session, people["staff"], check, rapid, full)
    (began,) = _events(session, started)
    assert began.action == "started"
    assert began.note.startswith("Started from the rapid check “Closing the Fifth Street "
                                 "drop-off”: 9 answers carried over.")
    assert "We have no data on who uses the drop-off." in began.note
    (escalated,) = _events(session, check)[1:]  # after its own "started"
    assert escalated.action == escalation.ESCALATED
    assert (escalated.from_state, escalated.to_state) == ("draft", "draft")


def test_escalating_twice_leads_to_the_same_assessment(session, people, check, rapid, full):
    first = escalate(session, people["staff"], check, rapid, full)
    again = escalate(session, people["coauthor"], check, rapid, full,
                     StartRequest(title="A second one", decision_kind="policy"))
    assert again.id == first.id
    assert len(session.exec(select(Assessment).where(
        Assessment.escalated_from_id == check.id)).all()) == 1


def test_each_links_to_the_other(session, people, check, rapid, full):
    started = escalate(session, people["staff"], check, rapid, full)
    assert escalation.links(session, people["staff"], started).escalated_from.id == check.id
    assert [a.id for a in escalation.links(session, people["staff"], check).escalated_to] == [
        started.id]
    assert escalation.links(session, people["other"], check).escalated_to == []


@pytest.mark.parametrize("who", ["director", "officer", "admin", "councillor", "other"])
def test_only_staff_of_the_department_escalate(session, people, check, rapid, full, who):
    with pytest.raises(PermissionDenied):
        escalate(session, people[who], check, rapid, full)
    assert escalation.existing(session, check, full.id) is None


def test_a_rapid_check_that_raises_no_such_flag_is_refused(
        session, people, answered, rapid, full):
    calm = answered(people["staff"])  # the complete example raises nothing
    with pytest.raises(escalation.NotEscalating):
        escalate(session, people["staff"], calm, rapid, full)


def test_a_bad_start_is_refused_with_the_reasons(session, people, check, rapid, full):
    with pytest.raises(BadStart) as refused:
        escalate(session, people["staff"], check, rapid, full,
                 StartRequest(title="", decision_kind=""))
    assert set(refused.value.errors) == {"title", "decision_kind"}
    assert escalation.existing(session, check, full.id) is None


def _events(session, assessment):
    return session.exec(select(AssessmentEvent).where(
        AssessmentEvent.assessment_id == assessment.id).order_by(AssessmentEvent.id)).all()
