"""Review use cases on a real database: transitions recorded once, comments, what changed."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, select

from equity_tool.assessments import service as assessments
from equity_tool.core import db
from equity_tool.core.models import AssessmentEvent, Notification, Submission
from equity_tool.review import lists as review_lists
from equity_tool.review import service as review
from equity_tool.review.workflow import Action


@pytest.fixture
def second_officer(make_user):
    return make_user("oma@city.gov", role="officer", department=None, name="Oma")


def events(session, assessment):
    return [(e.action, e.from_state, e.to_state) for e in session.exec(
        select(AssessmentEvent).where(AssessmentEvent.assessment_id == assessment.id)
        .order_by(AssessmentEvent.id))]


def test_the_round_trip_is_recorded_step_by_step(session, people, answered, act, rapid):
    a = answered(people["staff"], rapid)
    act(people["staff"], a, Action.SUBMIT)
    act(people["officer"], a, Action.START_REVIEW)
    review.add_comment(session, user=people["officer"], assessment=a, questionnaire=rapid,
                       question_id="places", body="Name the council districts too.")
    act(people["officer"], a, Action.RETURN, note="See my comment.")
    a.answers = {**a.answers, "places": "Districts 3 and 5: Eastside and Riverbend."}
    session.add(a)
    session.commit()
    act(people["staff"], a, Action.SUBMIT)
    act(people["officer"], a, Action.START_REVIEW)
    act(people["officer"], a, Action.APPROVE, conditions="Report in January.")
    assert events(session, a) == [
        ("started", None, "draft"),
        ("submitted", "draft", "submitted"),
        ("started the review of", "submitted", "in review"),
        ("returned", "in review", "returned"),
        ("submitted", "returned", "resubmitted"),
        ("started the review of", "resubmitted", "in review"),
        ("approved", "in review", "approved"),
    ]
    assert a.state == "approved" and a.conditions == "Report in January."
    assert a.approved_at is not None
    [change] = review.changes_since_last_round(session, a, rapid)
    assert (change.question_id, change.new) == ("places", "Districts 3 and 5: Eastside and "
                                                           "Riverbend.")
    assert change.old.startswith("The Eastside, Riverbend")


def test_a_questionnaire_with_sign_off_goes_to_the_director_first(session, people, answered, act,
                                                                   second_officer, full):
    a = answered(people["staff"], full)
    assert act(people["staff"], a, Action.SUBMIT).state == "awaiting sign-off"
    notified = session.exec(select(Notification)).all()
    assert [(n.user_id, n.subject) for n in notified] == [
        (people["director"].id, "“Summer library hours” is waiting for your sign-off")]
    assert act(people["director"], a, Action.SIGN_OFF).state == "submitted"
    officers = {n.user_id for n in session.exec(select(Notification)).all()
                if "waiting for review" in n.subject}
    assert officers == {people["officer"].id, second_officer.id}


def test_submission_is_refused_while_answers_are_missing(session, people, answered, act, rapid):
    a = answered(people["staff"], rapid, answers={"title": "Only a title"})
    with pytest.raises(assessments.NotReady) as refused:
        act(people["staff"], a, Action.SUBMIT)
    assert ("decision_summary", "Enter an answer for “What is being decided, and what result "
            "should it bring for the community?”") in refused.value.problems
    assert a.state == "draft" and session.exec(select(Submission)).all() == []


def test_return_needs_a_comment_or_a_step_that_needs_changes(session, people, answered, act,
                                                            bring_to, rapid):
    a = bring_to(answered(people["staff"], rapid), "in review")
    with pytest.raises(review.TransitionConflict, match="comment on at least one answer"):
        act(people["officer"], a, Action.RETURN)
    review.set_verdict(session, user=people["officer"], assessment=a, questionnaire=rapid,
                       section_id="people_places", verdict="needs changes")
    assert act(people["officer"], a, Action.RETURN).state == "returned"
    authors = {n.user_id for n in session.exec(select(Notification)).all()
               if "returned" in n.subject}
    assert authors == {people["staff"].id}


def test_staff_reply_and_mark_a_comment_addressed(session, people, answered, act, bring_to,
                                                  rapid):
    a = bring_to(answered(people["staff"], rapid), "in review")
    comment = review.add_comment(session, user=people["officer"], assessment=a,
                                 questionnaire=rapid, question_id="places", body="Which?")
    with pytest.raises(review.TransitionConflict):  # not returned yet
        review.reply(session, user=people["staff"], assessment=a, comment_id=comment.id,
                     body="Too early")
    act(people["officer"], a, Action.RETURN)
    review.reply(session, user=people["staff"], assessment=a, comment_id=comment.id,
                 body="Added the districts.", addressed=True)
    session.refresh(comment)
    assert comment.addressed_by_id == people["staff"].id
    replies = review_lists.discussion(session, a).replies[comment.id]
    assert [r.body for r in replies] == ["Added the districts."]
    with pytest.raises(Exception) as other:  # another department: as if it did not exist
        review.reply(session, user=people["other"], assessment=a, comment_id=comment.id,
                     body="Not mine")
    assert type(other.value).__name__ == "NotFound"


def test_two_officers_at_once_make_exactly_one_transition(app, session, people, second_officer,
                                                          answered, bring_to, rapid):
    a = bring_to(answered(people["staff"], rapid), "submitted")
    barrier = threading.Barrier(2)
    results: list[str] = []

    def open_review(officer):
        with Session(db.get_engine(app)) as own:
            mine = own.get(type(a), a.id)
            user = own.get(type(officer), officer.id)
            barrier.wait()
            try:
                review.transition(own, user=user, assessment=mine, questionnaire=rapid,
                                  action=Action.START_REVIEW)
                results.append("done")
            except review.TransitionConflict as refused:
                results.append(str(refused))

    threads = [threading.Thread(target=open_review, args=(officer,))
               for officer in (people["officer"], second_officer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("done") == 1
    [refusal] = [r for r in results if r != "done"]
    assert "moment ago" in refusal or "in review, so it cannot be opened" in refusal
    session.expire_all()
    assert [e for e in events(session, a) if e[0] == "started the review of"] == [
        ("started the review of", "submitted", "in review")]


def test_a_repeated_decision_is_refused_and_changes_nothing(session, people, answered, act,
                                                            rapid):
    a = answered(people["staff"], rapid)
    act(people["staff"], a, Action.SUBMIT)
    with pytest.raises(review.TransitionConflict, match="submitted, so it cannot be submitted"):
        act(people["staff"], a, Action.SUBMIT)
    assert [e[0] for e in events(session, a)].count("submitted") == 1


def test_another_departments_staff_cannot_act(session, people, answered, act, rapid):
    a = answered(people["staff"], rapid)
    with pytest.raises(Exception) as refused:
        act(people["other"], a, Action.SUBMIT)
    assert type(refused.value).__name__ == "NotFound"
    assert a.state == "draft"
