"""Submit and autosave cannot both win: each carries the revision it was based on, and the
check is part of its UPDATE. Raced for real, in two threads with their own connections."""

from __future__ import annotations

import threading

from sqlmodel import Session, select

from equity_tool.accounts import service as accounts
from equity_tool.assessments import service as assessments
from equity_tool.core.exceptions import PermissionDenied
from equity_tool.core.models import Assessment, Submission, User
from equity_tool.questionnaire import evaluate
from equity_tool.review import service as review
from equity_tool.review.workflow import Action
from tests import factories

TRIALS = 40


def a_required_answer(questionnaire, answers) -> str:
    """A question that must be answered before submitting, and is answered in `answers`."""
    required = evaluate(questionnaire, {}).missing
    return next(q.id for q in questionnaire.questions() if q.id in required and q.id in answers)


def complete_draft(engine, questionnaire, n: int) -> tuple[int, int]:
    with Session(engine) as session:
        user = (accounts.find_user(session, email="ana@city.gov")
                or factories.user(session, email="ana@city.gov", name="Ana"))
        assessment = factories.start_assessment(session, author=user, questionnaire=questionnaire,
                                                title=f"Race {n}", decision_kind="policy")
        assessments.save_answers(session, user=user, assessment=assessment, revision=0,
                                 answers=factories.example_answers(questionnaire), other_texts={})
        return user.id, assessment.id


def race(engine, questionnaire, user_id, assessment_id, cleared: str) -> list[str]:
    """Submit and an autosave clearing `cleared`, both based on revision 1, at one instant."""
    start, won = threading.Barrier(2), []

    def submit():
        with Session(engine) as session:
            user, assessment = session.get(User, user_id), session.get(Assessment, assessment_id)
            start.wait()
            try:
                review.transition(session, user=user, assessment=assessment,
                                  questionnaire=questionnaire, action=Action.SUBMIT, revision=1)
                won.append("submit")
            except review.TransitionConflict:
                pass

    def autosave():
        with Session(engine) as session:
            user, assessment = session.get(User, user_id), session.get(Assessment, assessment_id)
            start.wait()
            try:
                assessments.save_answers(session, user=user, assessment=assessment, revision=1,
                                         answers={cleared: None}, other_texts={})
                won.append("autosave")
            except (assessments.StaleRevision, PermissionDenied):
                pass

    threads = [threading.Thread(target=submit), threading.Thread(target=autosave)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return won


def test_submit_and_autosave_racing_are_never_both_acknowledged(engine, rapid):
    cleared = a_required_answer(rapid, factories.example_answers(rapid))
    outcomes = []
    for n in range(TRIALS):
        user_id, assessment_id = complete_draft(engine, rapid, n)
        won = race(engine, rapid, user_id, assessment_id, cleared)
        assert len(won) == 1, f"trial {n}: {won} were both acknowledged"
        outcomes += won
        with Session(engine) as session:
            stored = session.get(Assessment, assessment_id)
            snapshots = session.exec(select(Submission).where(
                Submission.assessment_id == assessment_id)).all()
            if won == ["submit"]:
                # submitted with every required answer, and the snapshot is what was stored
                assert stored.state == "submitted" and stored.answers.get(cleared)
                assert [s.answers for s in snapshots] == [stored.answers]
            else:
                assert stored.state == "draft" and stored.answers.get(cleared) is None
                assert snapshots == []
    print(f"{TRIALS} races: {outcomes.count('submit')} submitted first, "
          f"{outcomes.count('autosave')} saved first, 0 both")
